// The request-line tokenizer shared by the files implementing Session (and
// fuzzed on its own by fuzz/parser_fuzzer.cc).
#ifndef MCSPEC_REFERENCE_SESSION_TOKENS_H_
#define MCSPEC_REFERENCE_SESSION_TOKENS_H_

#include <array>
#include <cstring>
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

  // memcached's tokenize_command: words separated by runs of spaces (no
  // other byte separates them); after the 23rd word, the rest of the line
  // from the byte after the space that ended it, if any byte follows. Each
  // word is found with memchr, not by comparing byte after byte.
  static RequestTokens Split(std::string_view line) {
    RequestTokens tokens;
    const char* at = line.data();
    const char* const end = at + line.size();
    while (at != end) {
      const char* const space = static_cast<const char*>(std::memchr(at, ' ', end - at));
      const char* const word_end = space != nullptr ? space : end;
      if (word_end != at) {
        tokens.token[tokens.count++] = std::string_view(at, word_end - at);
        if (tokens.count == kMaxTokens - 1) {
          if (space != nullptr && space + 1 != end) {
            tokens.has_rest = true;
            tokens.rest = std::string_view(space + 1, end - (space + 1));
          }
          return tokens;
        }
      }
      if (space == nullptr) break;
      at = space + 1;
    }
    return tokens;
  }
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SESSION_TOKENS_H_
