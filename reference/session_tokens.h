// The request-line tokenizer shared by the files implementing Session (and
// fuzzed on its own by fuzz/parser_fuzzer.cc).
#ifndef MCSPEC_REFERENCE_SESSION_TOKENS_H_
#define MCSPEC_REFERENCE_SESSION_TOKENS_H_

#include <array>
#include <string_view>

#include "session.h"

namespace mcspec::ref {

// memcached's token array: at most 23 tokens from the line, then a terminal
// token whose value is the unprocessed rest of the line (for multi-gets) or
// null.
struct RequestTokens {
  static constexpr size_t kMaxTokens = 24;
  std::array<std::string_view, kMaxTokens> token;
  size_t count = 0;
  bool has_rest = false;
  std::string_view rest;

  // memcached's ntokens, which counts the terminal token.
  size_t ntokens() const { return count + 1; }
  // tokens[i].value != NULL in memcached terms.
  bool present(size_t i) const { return i < count || (i == count && has_rest); }
  std::string_view operator[](size_t i) const { return i < count ? token[i] : std::string_view(); }

  static RequestTokens Split(std::string_view line) {
    RequestTokens tokens;
    size_t start = 0;
    size_t i = 0;
    bool stopped = false;
    for (; i < line.size(); ++i) {
      if (line[i] != ' ') continue;
      if (start != i) {
        tokens.token[tokens.count++] = line.substr(start, i - start);
        if (tokens.count == kMaxTokens - 1) {
          ++i;
          start = i;
          stopped = true;
          break;
        }
      }
      start = i + 1;
    }
    if (!stopped && start < line.size()) {
      tokens.token[tokens.count++] = line.substr(start);
    }
    if (stopped && i < line.size()) {
      tokens.has_rest = true;
      tokens.rest = line.substr(i);
    }
    return tokens;
  }
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SESSION_TOKENS_H_
