#include "bytes.h"

#include <gtest/gtest.h>

namespace mcspec::conformance {
namespace {

TEST(DecodeEscapes, DecodesEveryEscape) {
  std::string out;
  std::string error;
  ASSERT_TRUE(DecodeEscapes(R"(a\r\n\t\0\\\$\x41\xff)", &out, &error)) << error;
  EXPECT_EQ(out, std::string("a\r\n\t\0\\$A\xff", 9));
}

TEST(DecodeEscapes, RefusesBadEscapes) {
  std::string out;
  std::string error;
  EXPECT_FALSE(DecodeEscapes(R"(\q)", &out, &error));
  EXPECT_NE(error.find("unknown escape \\q"), std::string::npos);
  EXPECT_FALSE(DecodeEscapes(R"(\x4)", &out, &error));
  EXPECT_FALSE(DecodeEscapes("end\\", &out, &error));
}

TEST(QuoteBytes, RoundTripsThroughDecode) {
  const std::string bytes("get k\r\n\x00\x7f\"\\", 11);
  const std::string quoted = QuoteBytes(bytes);
  EXPECT_EQ(quoted, R"("get k\r\n\x00\x7f\"\\")");
  std::string decoded;
  std::string error;
  // The quotes and \" are display only; decode what lies between.
  ASSERT_TRUE(DecodeEscapes(R"(get k\r\n\x00\x7f\\)", &decoded, &error));
  EXPECT_EQ(decoded, std::string("get k\r\n\x00\x7f\\", 10));
}

}  // namespace
}  // namespace mcspec::conformance
