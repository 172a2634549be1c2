#include "number_parse.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

namespace mcspec::ref {
namespace {

// What strtoull/strtoll scan and memcached checks after them: white space,
// a sign and decimal digits, which must be followed by white space, a NUL or
// the token's end (`accepted`); the magnitude as strtoull computes it, unless
// it `overflow`ed 64 bits. One scan serves every width: the 32-bit parsers
// are memcached's 64-bit longs, truncated.
struct Scan {
  uint64_t magnitude = 0;
  bool negative = false;
  bool overflow = false;
  bool accepted = false;
};

Scan ScanDecimal(std::string_view text) {
  const char* at = text.data();
  const char* const end = at + text.size();
  while (at != end && IsCSpace(*at)) ++at;
  Scan scan;
  if (at != end && (*at == '+' || *at == '-')) {
    scan.negative = *at == '-';
    ++at;
  }
  const char* const digits = at;
  // One comparison a digit: a byte below '0' wraps around to a large number.
  // The overflow builtins test the carry flag rather than compare values.
  for (; at != end; ++at) {
    const unsigned digit = static_cast<unsigned char>(*at) - unsigned{'0'};
    if (digit > 9) break;
    scan.overflow |= __builtin_mul_overflow(scan.magnitude, 10u, &scan.magnitude);
    scan.overflow |= __builtin_add_overflow(scan.magnitude, digit, &scan.magnitude);
  }
  // memcached parses C strings: a NUL ends the number as the end does.
  scan.accepted = at != digits && (at == end || *at == '\0' || IsCSpace(*at));
  return scan;
}

std::optional<uint64_t> ParseUnsignedLong(std::string_view text) {
  const Scan scan = ScanDecimal(text);
  if (!scan.accepted || scan.overflow) return std::nullopt;
  // strtoul negates in unsigned arithmetic.
  const uint64_t value = scan.negative ? 0 - scan.magnitude : scan.magnitude;
  // memcached rejects a '-' only when the value looks negative as signed.
  if (static_cast<int64_t>(value) < 0 && text.find('-') != std::string_view::npos) {
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> ParseSignedLong(std::string_view text) {
  const Scan scan = ScanDecimal(text);
  if (!scan.accepted || scan.overflow) return std::nullopt;
  constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
  if (scan.magnitude > kMaxPositive + scan.negative) return std::nullopt;
  return static_cast<int64_t>(scan.negative ? 0 - scan.magnitude : scan.magnitude);
}

}  // namespace

std::optional<double> ParseDouble(std::string_view text) {
  const std::string copy(text);  // strtod needs a terminated string
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (errno == ERANGE || end == copy.c_str()) return std::nullopt;
  if (*end != '\0' && !IsCSpace(*end)) return std::nullopt;
  return value;
}

std::optional<uint64_t> ParseU64(std::string_view text) {
  return ParseUnsignedLong(text);
}

std::optional<uint32_t> ParseU32(std::string_view text) {
  auto value = ParseUnsignedLong(text);
  if (!value) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

std::optional<int64_t> ParseI64(std::string_view text) {
  return ParseSignedLong(text);
}

std::optional<int32_t> ParseI32(std::string_view text) {
  auto value = ParseSignedLong(text);
  if (!value) return std::nullopt;
  return static_cast<int32_t>(static_cast<uint32_t>(*value));
}

}  // namespace mcspec::ref
