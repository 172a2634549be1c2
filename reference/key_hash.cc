#include "key_hash.h"

#include <cstring>

namespace mcspec::ref {
namespace {

constexpr uint32_t RotateLeft(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

constexpr uint32_t FinalMix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace

uint32_t Murmur3Hash(std::string_view key, uint32_t seed) {
  constexpr uint32_t c1 = 0xcc9e2d51;
  constexpr uint32_t c2 = 0x1b873593;
  const auto* bytes = reinterpret_cast<const unsigned char*>(key.data());
  const size_t blocks = key.size() / 4;
  uint32_t h = seed;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k;
    std::memcpy(&k, bytes + i * 4, sizeof(k));
    k *= c1;
    k = RotateLeft(k, 15);
    k *= c2;
    h ^= k;
    h = RotateLeft(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const unsigned char* tail = bytes + blocks * 4;
  uint32_t k = 0;
  switch (key.size() & 3) {
    case 3:
      k ^= uint32_t{tail[2]} << 16;
      [[fallthrough]];
    case 2:
      k ^= uint32_t{tail[1]} << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = RotateLeft(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(key.size());
  return FinalMix(h);
}

}  // namespace mcspec::ref
