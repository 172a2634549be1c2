#include "key_hash.h"

#include <cstring>

namespace mcspec::ref {
namespace {

constexpr uint32_t RotateLeft(uint32_t x, int r) {
  return (x << r) | (x >> (32 - r));
}

constexpr uint32_t FinalMix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace

uint32_t Murmur3Hash(std::string_view key) {
  constexpr uint32_t c1 = 0xcc9e2d51;
  constexpr uint32_t c2 = 0x1b873593;
  const auto* bytes = reinterpret_cast<const unsigned char*>(key.data());
  const size_t blocks = key.size() / 4;
  uint32_t h = 0;
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

// lookup3's hashlittle, reading the key a byte at a time (which gives the same
// result as its word-at-a-time paths on little-endian machines).
uint32_t JenkinsHash(std::string_view key) {
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  size_t length = key.size();
  uint32_t a = 0xdeadbeef + static_cast<uint32_t>(length);
  uint32_t b = a;
  uint32_t c = a;
  auto mix = [&]() {
    a -= c;
    a ^= RotateLeft(c, 4);
    c += b;
    b -= a;
    b ^= RotateLeft(a, 6);
    a += c;
    c -= b;
    c ^= RotateLeft(b, 8);
    b += a;
    a -= c;
    a ^= RotateLeft(c, 16);
    c += b;
    b -= a;
    b ^= RotateLeft(a, 19);
    a += c;
    c -= b;
    c ^= RotateLeft(b, 4);
    b += a;
  };
  auto word = [&](size_t offset, size_t available) {
    uint32_t w = 0;
    for (size_t i = 0; i < 4 && i < available; ++i) w |= uint32_t{k[offset + i]} << (8 * i);
    return w;
  };
  while (length > 12) {
    a += word(0, 4);
    b += word(4, 4);
    c += word(8, 4);
    mix();
    length -= 12;
    k += 12;
  }
  if (length == 0) return c;
  a += word(0, length);
  if (length > 4) b += word(4, length - 4);
  if (length > 8) c += word(8, length - 8);
  c ^= b;
  c -= RotateLeft(b, 14);
  a ^= c;
  a -= RotateLeft(c, 11);
  b ^= a;
  b -= RotateLeft(a, 25);
  c ^= b;
  c -= RotateLeft(b, 16);
  a ^= c;
  a -= RotateLeft(c, 4);
  b ^= a;
  b -= RotateLeft(a, 14);
  c ^= b;
  c -= RotateLeft(b, 24);
  return c;
}

}  // namespace mcspec::ref
