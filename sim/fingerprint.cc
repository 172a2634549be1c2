#include "fingerprint.h"

#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mcspec::sim {
namespace {

constexpr uint64_t Mix(uint64_t h, uint64_t word) {
  return FingerprintMix(h, word);
}

// Bytes from 32 on are read in stripes of 32 bytes: four little-endian
// words, each added with the 32x32->64 product of its halves (after an xor
// with its lane's key) into its own lane, as xxh3 accumulates; the lanes
// have no dependency through a multiply, so the loop runs at the speed
// bytes are read. The keys move on by an odd constant every stripe, so that
// swapped stripes hash apart.
constexpr uint64_t kLaneKeys[4] = {0xbe4ba423396cfeb8ull, 0x1cad21f72c81017cull,
                                   0xdb979083e96dd4deull, 0x1f67b3b7a4a44072ull};
constexpr uint64_t kKeyStep = 0x9e3779b97f4a7c15ull;

#if defined(__SSE2__)
// Two lanes per register; pmuludq multiplies the low halves of each lane.
void AccumulateStripes(const char* data, size_t stripes, uint64_t lanes[4]) {
  __m128i acc0 = _mm_set_epi64x(static_cast<int64_t>(lanes[1]), static_cast<int64_t>(lanes[0]));
  __m128i acc1 = _mm_set_epi64x(static_cast<int64_t>(lanes[3]), static_cast<int64_t>(lanes[2]));
  __m128i key0 =
      _mm_set_epi64x(static_cast<int64_t>(kLaneKeys[1]), static_cast<int64_t>(kLaneKeys[0]));
  __m128i key1 =
      _mm_set_epi64x(static_cast<int64_t>(kLaneKeys[3]), static_cast<int64_t>(kLaneKeys[2]));
  const __m128i step = _mm_set1_epi64x(static_cast<int64_t>(kKeyStep));
  const auto accumulate = [](__m128i acc, __m128i words, __m128i key) {
    const __m128i keyed = _mm_xor_si128(words, key);
    const __m128i high_halves = _mm_shuffle_epi32(keyed, _MM_SHUFFLE(3, 3, 1, 1));
    return _mm_add_epi64(acc, _mm_add_epi64(words, _mm_mul_epu32(keyed, high_halves)));
  };
  for (size_t s = 0; s < stripes; ++s, data += 32) {
    acc0 = accumulate(acc0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(data)), key0);
    acc1 = accumulate(acc1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16)), key1);
    key0 = _mm_add_epi64(key0, step);
    key1 = _mm_add_epi64(key1, step);
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), acc0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes + 2), acc1);
}
#else
void AccumulateStripes(const char* data, size_t stripes, uint64_t lanes[4]) {
  uint64_t keys[4] = {kLaneKeys[0], kLaneKeys[1], kLaneKeys[2], kLaneKeys[3]};
  for (size_t s = 0; s < stripes; ++s, data += 32) {
    for (int lane = 0; lane < 4; ++lane) {
      uint64_t word;
      std::memcpy(&word, data + 8 * lane, 8);
      const uint64_t keyed = word ^ keys[lane];
      lanes[lane] += word + (keyed & 0xffffffffu) * (keyed >> 32);
      keys[lane] += kKeyStep;
    }
  }
}
#endif

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
    AccumulateStripes(bytes.data(), stripes, lanes);
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
