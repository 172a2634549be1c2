#include "session_tokens.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace mcspec::ref {
namespace {

// memcached's tokenizer walked byte by byte, as tokenize_command does: the
// words, and the rest after the 23rd (empty when nothing follows).
struct Expected {
  std::vector<std::string> words;
  bool has_rest = false;
  std::string rest;
};

Expected SplitByteByByte(const std::string& line) {
  Expected expected;
  std::string word;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != ' ') {
      word += line[i];
      continue;
    }
    if (word.empty()) continue;
    expected.words.push_back(word);
    word.clear();
    if (expected.words.size() == RequestTokens::kMaxTokens - 1) {
      expected.has_rest = i + 1 < line.size();
      expected.rest = line.substr(i + 1);
      return expected;
    }
  }
  if (!word.empty()) expected.words.push_back(word);
  return expected;
}

TEST(RequestTokens, SplitsOnRunsOfSpacesOnly) {
  const RequestTokens tokens = RequestTokens::Split("  get\ta  b\r ");
  ASSERT_EQ(tokens.count, 2u);
  EXPECT_EQ(tokens[0], "get\ta");
  EXPECT_EQ(tokens[1], "b\r");
  EXPECT_FALSE(tokens.has_rest);
  EXPECT_EQ(tokens.ntokens(), 3u);
}

TEST(RequestTokens, KeepsTheRestAfterTheTwentyThirdWord) {
  std::string line = "get";
  for (int i = 1; i < 23; ++i) line += " k" + std::to_string(i);
  const RequestTokens exact = RequestTokens::Split(line);
  EXPECT_EQ(exact.count, 23u);
  EXPECT_FALSE(exact.has_rest);
  const std::string ending_in_space = line + " ";
  EXPECT_FALSE(RequestTokens::Split(ending_in_space).has_rest);
  const std::string longer = line + "  k23 k24";
  const RequestTokens more = RequestTokens::Split(longer);
  EXPECT_EQ(more.count, 23u);
  ASSERT_TRUE(more.has_rest);
  EXPECT_EQ(more.rest, " k23 k24");
  EXPECT_TRUE(more.present(23));
}

RC_GTEST_PROP(RequestTokens, SplitIsTheByteByByteTokenizer, ()) {
  const std::string line = *rc::gen::container<std::string>(
      rc::gen::weightedElement<char>({{6, ' '}, {6, 'a'}, {1, '\t'}, {1, '\r'}, {1, '\0'}}));
  const RequestTokens tokens = RequestTokens::Split(line);
  const Expected expected = SplitByteByByte(line);
  RC_ASSERT(tokens.count == expected.words.size());
  for (size_t i = 0; i < tokens.count; ++i) RC_ASSERT(std::string(tokens[i]) == expected.words[i]);
  RC_ASSERT(tokens.has_rest == expected.has_rest);
  if (tokens.has_rest) RC_ASSERT(std::string(tokens.rest) == expected.rest);
}

}  // namespace
}  // namespace mcspec::ref
