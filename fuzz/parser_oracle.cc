#include "parser_oracle.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "number_parse.h"

namespace mcspec::fuzz {
namespace {

using ref::IsCSpace;
using ref::RequestTokens;

[[noreturn]] void Fail(const char* what, std::string_view token) {
  std::fprintf(stderr, "%s: \"%.*s\"\n", what, static_cast<int>(token.size()), token.data());
  std::abort();
}

// What memcached accepts after strto*: some digits were read, and white
// space or the end of the string follows them.
bool TailOk(const char* text, const char* end) {
  return end != text && (IsCSpace(*end) || *end == '\0');
}

// On LP64 strtoul is strtoull and strtol is strtoll (the same width, the same
// rules), so one call of each gives the 64-bit and the 32-bit oracles.
static_assert(sizeof(unsigned long) == sizeof(unsigned long long) &&
              sizeof(long) == sizeof(long long));

// safe_strtoull, and safe_strtoul before its truncation to 32 bits
// (SameTruncated), on a NUL-terminated token: strtoull's value and
// memcached's checks.
std::optional<uint64_t> LibcUnsigned(const char* text) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno == ERANGE || !TailOk(text, end)) return std::nullopt;
  if (static_cast<long long>(value) < 0 && std::strchr(text, '-') != nullptr) return std::nullopt;
  return value;
}

// safe_strtoll and safe_strtol: strtoll's value and memcached's checks.
std::optional<int64_t> LibcSigned(const char* text) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (errno == ERANGE || !TailOk(text, end)) return std::nullopt;
  return value;
}

// Whether a 32-bit parse is the 64-bit oracle's value stored in 32 bits (as
// memcached stores a long), or both refused the text.
template <typename Narrow, typename Wide>
bool SameTruncated(std::optional<Narrow> parsed, std::optional<Wide> oracle) {
  if (!parsed || !oracle) return !parsed && !oracle;
  return *parsed == static_cast<Narrow>(*oracle);
}

// `token`: the token as the tokenizer gave it; `text`: the same bytes,
// NUL-terminated.
void CheckNumbers(std::string_view token, const char* text, const ParsedNumbers& parsed) {
  if (token.find('\0') != std::string_view::npos) return;
  const std::optional<uint64_t> u64 = LibcUnsigned(text);
  const std::optional<int64_t> i64 = LibcSigned(text);
  if (parsed.u64 != u64) Fail("ParseU64 differs from strtoull", token);
  if (parsed.i64 != i64) Fail("ParseI64 differs from strtoll", token);
  if (!SameTruncated(parsed.u32, u64)) Fail("ParseU32 differs from strtoul", token);
  if (!SameTruncated(parsed.i32, i64)) Fail("ParseI32 differs from strtol", token);
}

constexpr size_t kStackLine = 4096;

}  // namespace

void CheckLineParse(std::string_view line, const RequestTokens& tokens,
                    const std::array<ParsedNumbers, RequestTokens::kMaxTokens>& numbers) {
  // The line once, for the C library's parsers: each word, once a NUL ends
  // it, is a C string in place. On the stack for lines up to libFuzzer's
  // default -max_len (a heap block costs ASan a fill and, out of its
  // quarantine, fresh pages).
  std::array<char, kStackLine + 1> stack_copy;
  std::string heap_copy;
  char* terminated = stack_copy.data();
  if (line.size() > kStackLine) {
    heap_copy.resize(line.size());
    terminated = heap_copy.data();
  }
  if (!line.empty()) std::memcpy(terminated, line.data(), line.size());
  terminated[line.size()] = '\0';
  if (tokens.count > RequestTokens::kMaxTokens - 1) Fail("too many tokens", line);
  // Re-split by hand: words separated by runs of spaces.
  size_t at = 0;
  for (size_t i = 0; i < tokens.count; ++i) {
    while (at < line.size() && line[at] == ' ') ++at;
    const size_t end = std::min(line.find(' ', at), line.size());
    if (tokens.token[i] != line.substr(at, end - at)) Fail("a token is not the next word", line);
    if (tokens.token[i].empty()) Fail("an empty token", line);
    terminated[end] = '\0';
    CheckNumbers(tokens.token[i], terminated + at, numbers[i]);
    at = end;
  }
  if (tokens.has_rest) {
    if (tokens.count != RequestTokens::kMaxTokens - 1) Fail("a rest before 23 tokens", line);
    if (tokens.rest.data() + tokens.rest.size() != line.data() + line.size()) {
      Fail("the rest does not run to the line's end", line);
    }
  } else if (line.find_first_not_of(' ', at) != std::string_view::npos) {
    Fail("words left after the tokens", line);
  }
}

}  // namespace mcspec::fuzz
