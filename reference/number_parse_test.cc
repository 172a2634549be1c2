#include "number_parse.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

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
  EXPECT_EQ(ParseU64("5\0"
                     "1\r\n"sv),
            5u);
  EXPECT_EQ(ParseU64("\0"
                     "1"sv),
            std::nullopt);
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

TEST(NumberParse, IsCSpaceIsTheCLocalesIsspace) {
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    EXPECT_EQ(IsCSpace(c), std::isspace(byte) != 0) << byte;
  }
}

// safe_strtoull and safe_strtoll as memcached 1.6.18 writes them, on a C
// string: the C library's scan, then memcached's tail, range and sign checks.
std::optional<uint64_t> SafeStrtoull(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (errno == ERANGE || end == text.c_str() ||
      (*end != '\0' && !std::isspace(static_cast<unsigned char>(*end)))) {
    return std::nullopt;
  }
  if (static_cast<long long>(value) < 0 && std::strchr(text.c_str(), '-') != nullptr) {
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> SafeStrtoll(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || end == text.c_str() ||
      (*end != '\0' && !std::isspace(static_cast<unsigned char>(*end)))) {
    return std::nullopt;
  }
  return value;
}

// Tokens near the edges: white space, signs, digits (long runs reach the
// 64-bit limits) and a few other bytes.
rc::Gen<std::string> NumberLikeText() {
  return rc::gen::container<std::string>(rc::gen::weightedElement<char>({{8, '9'},
                                                                         {8, '1'},
                                                                         {4, '0'},
                                                                         {4, '8'},
                                                                         {2, '5'},
                                                                         {2, '2'},
                                                                         {2, '-'},
                                                                         {2, '+'},
                                                                         {1, ' '},
                                                                         {1, '\t'},
                                                                         {1, '\r'},
                                                                         {1, '\n'},
                                                                         {1, 'x'},
                                                                         {1, '.'},
                                                                         {1, '/'},
                                                                         {1, ':'}}));
}

RC_GTEST_PROP(NumberParse, AgreesWithTheCLibraryAndMemcachedsChecks, ()) {
  const std::string text = *NumberLikeText();
  const std::optional<uint64_t> u64 = SafeStrtoull(text);
  const std::optional<int64_t> i64 = SafeStrtoll(text);
  RC_ASSERT(ParseU64(text) == u64);
  RC_ASSERT(ParseI64(text) == i64);
  RC_ASSERT(ParseU32(text) ==
            (u64 ? std::optional<uint32_t>(static_cast<uint32_t>(*u64)) : std::nullopt));
  RC_ASSERT(ParseI32(text) ==
            (i64 ? std::optional<int32_t>(static_cast<int32_t>(*i64)) : std::nullopt));
}

TEST(NumberParse, OverflowIsCaughtAtEveryDigitCount) {
  EXPECT_EQ(ParseU64("99999999999999999999"), std::nullopt);   // 20 digits, above 2^64
  EXPECT_EQ(ParseU64("184467440737095516150"), std::nullopt);  // wraps to a small value x10
  EXPECT_EQ(ParseU64("00000000000000000000000018446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseI64("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(ParseI64("-00009223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseU64("-9223372036854775808"), std::nullopt);  // 2^63 looks negative
  EXPECT_EQ(ParseU64("9223372036854775808"), uint64_t{1} << 63);
}

}  // namespace
}  // namespace mcspec::ref
