// Fuzz target: the request-line parser alone. Each input is one request line,
// split into memcached's tokens, and every token parsed by the four number
// parsers; the oracle (parser_oracle.h) checks that the tokens are the line's
// space-separated words and that every parse is memcached's safe_strto*,
// re-derived from the C library independently of reference/number_parse.cc.
// (Its first finding was a wrong oracle: "\rz" scans no digits, which
// memcached refuses before looking at what follows.)
//
// Only this file and the reference it calls are instrumented for coverage:
// the oracle's comparisons would guide libFuzzer nowhere.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "number_parse.h"
#include "parser_oracle.h"
#include "session_tokens.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mcspec::ref::RequestTokens;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const RequestTokens tokens = RequestTokens::Split(line);
  std::array<mcspec::fuzz::ParsedNumbers, RequestTokens::kMaxTokens> numbers;
  for (size_t i = 0; i < tokens.count; ++i) {
    const std::string_view token = tokens.token[i];
    numbers[i] = {mcspec::ref::ParseU64(token), mcspec::ref::ParseI64(token),
                  mcspec::ref::ParseU32(token), mcspec::ref::ParseI32(token)};
  }
  mcspec::fuzz::CheckLineParse(line, tokens, numbers);
  return 0;
}
