#include "expectation.h"

#include <gtest/gtest.h>

namespace mcspec::conformance {
namespace {

ByteTemplate Template(std::string_view text) {
  ByteTemplate out;
  std::string error;
  EXPECT_TRUE(ByteTemplate::Parse(text, &out, &error)) << error;
  return out;
}

using Status = MatchResult::Status;

TEST(ByteTemplate, ParsesPlaceholders) {
  const ByteTemplate t = Template(R"(get ${ns}k \${x} ${_}\r\n)");
  EXPECT_EQ(t.VariableNames(), std::vector<std::string>{"ns"});
  EXPECT_TRUE(t.has_wildcard());
  EXPECT_EQ(ByteTemplate(t.pieces()).pieces().size(), 5u);
  ByteTemplate bad;
  std::string error;
  EXPECT_FALSE(ByteTemplate::Parse("${a-b}", &bad, &error));
  EXPECT_FALSE(ByteTemplate::Parse("${open", &bad, &error));
}

TEST(MatchExact, MatchesPrefixAndWaitsForMore) {
  const Variables vars = {{"ns", "p:"}};
  const ByteTemplate t = Template(R"(VALUE ${ns}k 0 1\r\n)");
  EXPECT_EQ(MatchExact(t, vars, "VALUE p:k 0 1\r\nEND\r\n").length, 15u);
  EXPECT_EQ(MatchExact(t, vars, "VALUE p:").status, Status::kNeedMore);
  const MatchResult wrong = MatchExact(t, vars, "VALUE q:k");
  EXPECT_EQ(wrong.status, Status::kMismatch);
  EXPECT_EQ(wrong.mismatch_at, 6u);
}

TEST(MatchExact, WildcardIsOneWholeToken) {
  const ByteTemplate t = Template(R"(VALUE k 0 1 ${_}\r\n)");
  EXPECT_EQ(MatchExact(t, {}, "VALUE k 0 1 12345\r\n").status, Status::kMatch);
  EXPECT_EQ(MatchExact(t, {}, "VALUE k 0 1 123").status, Status::kNeedMore);
  EXPECT_EQ(MatchExact(t, {}, "VALUE k 0 1 \r\n").status, Status::kMismatch);
  EXPECT_EQ(MatchExact(t, {}, "VALUE k 0 1 1 2\r\n").status, Status::kMismatch);
}

TEST(MatchAnyOf, FirstMatchingAlternativeWins) {
  const std::vector<ByteTemplate> any = {Template(R"(STORED\r\n)"), Template(R"(NOT_STORED\r\n)")};
  EXPECT_EQ(MatchAnyOf(any, {}, "NOT_STORED\r\n").length, 12u);
  EXPECT_EQ(MatchAnyOf(any, {}, "NOT").status, Status::kNeedMore);
  EXPECT_EQ(MatchAnyOf(any, {}, "EXISTS\r\n").status, Status::kMismatch);
}

TEST(RegexExpectation, CapturesNamedGroups) {
  RegexExpectation regex;
  std::string error;
  ASSERT_TRUE(RegexExpectation::Parse(R"(VALUE ${ns}k (\d+) 1 (?<cas>\d+)\r\n)", &regex, &error))
      << error;
  EXPECT_EQ(regex.capture_names(), std::vector<std::string>{"cas"});
  const MatchResult result = regex.Match({{"ns", "a.b"}}, "VALUE a.bk 0 1 77\r\nA\r\n");
  ASSERT_EQ(result.status, Status::kMatch);
  EXPECT_EQ(result.length, 19u);
  EXPECT_EQ(result.captures.at("cas"), "77");
  // The variable is a literal: its '.' does not match any byte.
  EXPECT_EQ(regex.Match({{"ns", "a.b"}}, "VALUE axbk 0 1 77\r\n").status, Status::kNeedMore);
}

TEST(RegexExpectation, ShortestMatchingLineWins) {
  RegexExpectation regex;
  std::string error;
  ASSERT_TRUE(RegexExpectation::Parse(R"((STAT \S+ \S+\r\n)*END\r\n)", &regex, &error));
  const MatchResult result = regex.Match({}, "STAT a 1\r\nEND\r\nEND\r\n");
  EXPECT_EQ(result.length, 15u);
}

TEST(RegexExpectation, RefusesBadPatterns) {
  RegexExpectation regex;
  std::string error;
  EXPECT_FALSE(RegexExpectation::Parse("(unclosed", &regex, &error));
  EXPECT_NE(error.find("bad regular expression"), std::string::npos);
  // libstdc++ would overflow a long reading these numbers.
  EXPECT_FALSE(RegexExpectation::Parse("a{9999999999}", &regex, &error));
  EXPECT_NE(error.find("more than 9 digits"), std::string::npos);
  EXPECT_FALSE(RegexExpectation::Parse("(a)\\12345678901", &regex, &error));
  EXPECT_TRUE(RegexExpectation::Parse("ts=1700000000 a{2,99}", &regex, &error)) << error;
  EXPECT_FALSE(RegexExpectation::Parse("a ${_}", &regex, &error));
  EXPECT_FALSE(RegexExpectation::Parse("(?<ns>x)", &regex, &error));
}

}  // namespace
}  // namespace mcspec::conformance
