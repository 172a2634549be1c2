#include "number_parse.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

namespace mcspec::ref {
namespace {

// The result of strtoull/strtoll's scanning: the magnitude as strtoull would
// compute it, the sign, whether digits were found, whether the magnitude
// overflowed 64 bits, and where scanning stopped.
struct Scan {
  bool negative = false;
  bool any_digits = false;
  bool overflow = false;
  unsigned __int128 magnitude = 0;
  size_t end = 0;
};

Scan ScanDecimal(std::string_view text) {
  Scan scan;
  size_t i = 0;
  while (i < text.size() && IsCSpace(text[i])) ++i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    scan.negative = text[i] == '-';
    ++i;
  }
  constexpr unsigned __int128 kCap = static_cast<unsigned __int128>(1) << 65;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    scan.any_digits = true;
    if (scan.magnitude < kCap) scan.magnitude = scan.magnitude * 10 + (text[i] - '0');
    ++i;
  }
  if (scan.magnitude > std::numeric_limits<uint64_t>::max()) scan.overflow = true;
  scan.end = scan.any_digits ? i : 0;
  return scan;
}

// memcached accepts a number only when what follows it is white space or the
// end of the C string: a NUL ends it too (a stored value "1\0" is 1).
bool TailAccepted(std::string_view text, const Scan& scan) {
  return scan.end == text.size() || text[scan.end] == '\0' || IsCSpace(text[scan.end]);
}

std::optional<uint64_t> ParseUnsignedLong(std::string_view text) {
  Scan scan = ScanDecimal(text);
  if (!scan.any_digits || scan.overflow || !TailAccepted(text, scan)) return std::nullopt;
  uint64_t value = static_cast<uint64_t>(scan.magnitude);
  if (scan.negative) value = 0 - value;  // strtoul negates in unsigned arithmetic
  // memcached rejects a '-' only when the value looks negative as signed.
  if (static_cast<int64_t>(value) < 0 && text.find('-') != std::string_view::npos) {
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> ParseSignedLong(std::string_view text) {
  Scan scan = ScanDecimal(text);
  if (!scan.any_digits || !TailAccepted(text, scan)) return std::nullopt;
  constexpr unsigned __int128 kMaxPositive = std::numeric_limits<int64_t>::max();
  if (scan.negative) {
    if (scan.magnitude > kMaxPositive + 1) return std::nullopt;
    return static_cast<int64_t>(0 - static_cast<uint64_t>(scan.magnitude));
  }
  if (scan.magnitude > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(scan.magnitude);
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
