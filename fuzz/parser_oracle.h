// The parser fuzzer's oracle: what memcached's tokenizer and safe_strto*
// functions give for a request line, derived independently of the reference
// (reference/session_tokens.h, reference/number_parse.cc): the words of the
// line split by hand, and the C library's strtoull/strtoll with memcached's
// tail, range and sign checks. Each check prints what differs and aborts.
//
// A file of its own so that the fuzz build compiles it without coverage
// instrumentation (fuzz/CMakeLists.txt): its comparisons re-derive what the
// reference computed and tell libFuzzer nothing about the input that the
// reference's own branches do not.
#ifndef MCSPEC_FUZZ_PARSER_ORACLE_H_
#define MCSPEC_FUZZ_PARSER_ORACLE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "session_tokens.h"

namespace mcspec::fuzz {

// What the reference's four number parsers gave for one token.
struct ParsedNumbers {
  std::optional<uint64_t> u64;
  std::optional<int64_t> i64;
  std::optional<uint32_t> u32;
  std::optional<int32_t> i32;
};

// Checks the reference's split of `line` and its parse of every token
// (`numbers[i]` for `tokens.token[i]`):
// - the tokens are the line's space-separated words, at most 23, then the
//   unsplit rest, which runs to the line's end;
// - ParseU64 and ParseI64 give what safe_strtoull and safe_strtoll give,
//   ParseU32 and ParseI32 what safe_strtoul and safe_strtol give (on LP64
//   the same scans, stored in 32 bits). Tokens holding a NUL are not
//   compared: memcached cuts the line at one, and the C library stops there.
void CheckLineParse(std::string_view line, const ref::RequestTokens& tokens,
                    const std::array<ParsedNumbers, ref::RequestTokens::kMaxTokens>& numbers);

}  // namespace mcspec::fuzz

#endif  // MCSPEC_FUZZ_PARSER_ORACLE_H_
