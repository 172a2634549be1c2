// Number parsing with memcached 1.6.18's exact acceptance rules.
//
// memcached parses protocol numbers with strtoul/strtol/strtoull (C locale)
// followed by its own checks: leading white space and a sign are accepted,
// the number must be followed by white space or the end of the token, an
// out-of-range value is rejected, and a '-' is rejected for unsigned values
// only when the result would be negative as a signed number. The 32-bit
// variants parse as 64-bit longs and then truncate, as memcached does when it
// stores a `long` into an int32_t. These functions reproduce that behaviour
// on a token (no NUL terminator needed).
#ifndef MCSPEC_REFERENCE_NUMBER_PARSE_H_
#define MCSPEC_REFERENCE_NUMBER_PARSE_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace mcspec::ref {

// safe_strtoull: unsigned 64-bit.
std::optional<uint64_t> ParseU64(std::string_view text);
// safe_strtoul: parsed as unsigned long, stored truncated to 32 bits.
std::optional<uint32_t> ParseU32(std::string_view text);
// safe_strtoll: signed 64-bit.
std::optional<int64_t> ParseI64(std::string_view text);
// safe_strtol: parsed as long, stored truncated to 32 bits.
std::optional<int32_t> ParseI32(std::string_view text);

// safe_strtod: C's strtod (C locale) with memcached's tail rule.
std::optional<double> ParseDouble(std::string_view text);

// True for the bytes C's isspace() accepts in the C locale: ' ' and '\t',
// '\n', '\v', '\f', '\r' (9 to 13; two comparisons, as every byte of a
// number is tested).
constexpr bool IsCSpace(char c) {
  return c == ' ' || static_cast<unsigned char>(c) - unsigned{'\t'} <= unsigned{'\r' - '\t'};
}

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_NUMBER_PARSE_H_
