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

TEST(EncodeEscapes, DecodesBackToTheSameBytes) {
  std::string bytes;
  for (int byte = 0; byte < 256; ++byte) bytes.push_back(static_cast<char>(byte));
  const std::string encoded = EncodeEscapes(bytes + "${x}", "$");
  EXPECT_EQ(encoded.substr(0, 20), R"(\x00\x01\x02\x03\x04)");
  EXPECT_NE(encoded.find(R"(\t\n\x0b\x0c\r)"), std::string::npos);
  EXPECT_EQ(encoded.substr(encoded.size() - 5), R"(\${x})");
  std::string decoded;
  std::string error;
  ASSERT_TRUE(DecodeEscapes(encoded, &decoded, &error)) << error;
  EXPECT_EQ(decoded, bytes + "${x}");
}

TEST(EscapeMarkup, EscapesMarkupAndStrayControlCharacters) {
  EXPECT_EQ(EscapeMarkup("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(EscapeMarkup(std::string("a\n\tb\r\x01\0c", 8)), "a\n\tb???c");
  EXPECT_EQ(EscapeMarkup("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 passes
}

}  // namespace
}  // namespace mcspec::conformance
