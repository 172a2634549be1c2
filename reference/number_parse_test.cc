#include "number_parse.h"

#include <gtest/gtest.h>

namespace mcspec::ref {
namespace {

TEST(NumberParse, AcceptsWhatStrtoulAcceptsFollowedBySpaceOrEnd) {
  EXPECT_EQ(ParseU32("42"), 42u);
  EXPECT_EQ(ParseU32("+42"), 42u);
  EXPECT_EQ(ParseU32(" \t42"), 42u);
  EXPECT_EQ(ParseU32("7\t8"), 7u);  // a tab after the digits ends the number
  EXPECT_EQ(ParseU32("42x"), std::nullopt);
  EXPECT_EQ(ParseU32(""), std::nullopt);
  EXPECT_EQ(ParseU32("+"), std::nullopt);
  EXPECT_EQ(ParseU32("x"), std::nullopt);
}

// memcached parses C strings: a NUL ends the number as the string's end does
// (an incremented value "5\0" + "1" is 5), but is no number by itself.
TEST(NumberParse, ANulEndsTheNumber) {
  using namespace std::string_view_literals;
  EXPECT_EQ(ParseU64("1\0\r\n"sv), 1u);
  EXPECT_EQ(ParseU64("5\0" "1\r\n"sv), 5u);
  EXPECT_EQ(ParseU64("\0" "1"sv), std::nullopt);
}

TEST(NumberParse, ThirtyTwoBitValuesAreParsedAs64BitAndTruncated) {
  EXPECT_EQ(ParseU32("4294967296"), 0u);
  EXPECT_EQ(ParseU32("4294967299"), 3u);
  EXPECT_EQ(ParseI32("4294967299"), 3);
  EXPECT_EQ(ParseI32("2147483648"), INT32_MIN);
  EXPECT_EQ(ParseI32("-1"), -1);
  EXPECT_EQ(ParseI32("9223372036854775808"), std::nullopt);  // out of long's range
}

TEST(NumberParse, MinusIsRefusedOnlyWhenTheUnsignedResultLooksNegative) {
  EXPECT_EQ(ParseU32("-1"), std::nullopt);
  EXPECT_EQ(ParseU32("-0"), 0u);
  EXPECT_EQ(ParseU64("-18446744073709551615"), 1u);
  EXPECT_EQ(ParseU32("-18446744073709551615"), 1u);
  EXPECT_EQ(ParseU64("-5"), std::nullopt);
}

TEST(NumberParse, SixtyFourBitRange) {
  EXPECT_EQ(ParseU64("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseU64("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseI64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseI64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseU64("12\r\n"), 12u);
  EXPECT_EQ(ParseU64("  \r\n"), std::nullopt);
}

}  // namespace
}  // namespace mcspec::ref
