#include "fingerprint.h"

#include <cstdio>
#include <cstring>

#include "fingerprint_stripes.h"

namespace mcspec::sim {
namespace {

constexpr uint64_t Mix(uint64_t h, uint64_t word) {
  return FingerprintMix(h, word);
}

// The last 1 to 7 bytes as a little-endian word, zero above: two loads
// that may overlap (the bytes they share are the same), not a memcpy of a
// variable size.
uint64_t TailWord(const char* p, size_t size) {
  const auto byte = [p](size_t i) { return uint64_t{static_cast<uint8_t>(p[i])}; };
  if (size >= 4) {
    uint32_t low;
    uint32_t high;
    std::memcpy(&low, p, 4);
    std::memcpy(&high, p + size - 4, 4);
    return uint64_t{low} | uint64_t{high} << (8 * (size - 4));
  }
  return byte(0) | byte(size / 2) << (8 * (size / 2)) | byte(size - 1) << (8 * (size - 1));
}

}  // namespace

uint64_t Fingerprint::HashSomeBytes(std::string_view bytes, uint64_t seed) {
  uint64_t h = Mix(seed, bytes.size());
  size_t i = 0;
  if (bytes.size() >= 32) {
    uint64_t lanes[4] = {h, h ^ 1, h ^ 2, h ^ 3};
    const size_t stripes = bytes.size() / 32;
    AccumulateStripes(FastestStripeAccumulator(), bytes.data(), stripes, lanes);
    i = 32 * stripes;
    for (uint64_t lane : lanes) h = Mix(h, lane);
  }
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = Mix(h, word);
  }
  return Mix(h, i < bytes.size() ? TailWord(bytes.data() + i, bytes.size() - i) : 0);
}

std::string Fingerprint::Describe(std::string_view kind, int64_t time, uint64_t id,
                                  std::string_view bytes) {
  std::string out = std::string(kind) + " at " + std::to_string(time) + "ns id " +
                    std::to_string(id) + " (" + std::to_string(bytes.size()) + " bytes): ";
  for (size_t i = 0; i < bytes.size() && i < 120; ++i) {
    const char c = bytes[i];
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

void Fingerprint::Watch(EventKind kind, int64_t time, uint64_t id, std::string_view bytes,
                        int64_t index, uint64_t h) {
  if (keep_) hashes_.push_back(h);
  if (expected_ != nullptr && first_difference_ < 0 &&
      (static_cast<size_t>(index) >= expected_->size() || (*expected_)[index] != h)) {
    first_difference_ = index;
    description_ = Describe(kind.name(), time, id, bytes);
  }
  if (index == describe_) description_ = Describe(kind.name(), time, id, bytes);
  if (log_ != nullptr) {
    char hash[17];
    std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(h));
    *log_ << index << ' ' << hash << ' ' << Describe(kind.name(), time, id, bytes) << '\n';
  }
}

}  // namespace mcspec::sim
