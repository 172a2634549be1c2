#include "fingerprint.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <sstream>
#include <string>

namespace mcspec::sim {
namespace {

// An event kind's compile-time hash is HashBytes' of its name, whatever its
// length against HashBytes' 8-byte words.
TEST(FingerprintTest, EventKindHashIsHashBytesOfItsName) {
  const EventKind kinds[] = {"",
                             "a",
                             "exec",
                             "server-in",
                             "1234567",
                             "12345678",
                             "123456789",
                             "udp-client-in",
                             "abcdefghijklmnop",
                             "abcdefghijklmnopq",
                             "abcdefghijklmnopqrstuvwxyz01234"};
  for (const EventKind& kind : kinds) {
    EXPECT_EQ(kind.hash(), Fingerprint::HashBytes(kind.name(), 0)) << kind.name();
  }
}

// HashBytes as its comment defines it, one word at a time and without SIMD:
// what the vectorised stripes must compute on every target.
uint64_t HashBytesByDefinition(std::string_view bytes, uint64_t seed) {
  const auto word_at = [&](size_t at, size_t size) {
    uint64_t word = 0;
    for (size_t b = 0; b < size; ++b) {
      word |= uint64_t{static_cast<uint8_t>(bytes[at + b])} << (8 * b);
    }
    return word;
  };
  uint64_t h = FingerprintMix(seed, bytes.size());
  size_t i = 0;
  if (bytes.size() >= 32) {
    uint64_t lanes[4] = {h, h ^ 1, h ^ 2, h ^ 3};
    uint64_t keys[4] = {0xbe4ba423396cfeb8ull, 0x1cad21f72c81017cull, 0xdb979083e96dd4deull,
                        0x1f67b3b7a4a44072ull};
    for (; i + 32 <= bytes.size(); i += 32) {
      for (size_t lane = 0; lane < 4; ++lane) {
        const uint64_t word = word_at(i + 8 * lane, 8);
        const uint64_t keyed = word ^ keys[lane];
        lanes[lane] += word + (keyed & 0xffffffffu) * (keyed >> 32);
        keys[lane] += 0x9e3779b97f4a7c15ull;
      }
    }
    for (uint64_t lane : lanes) h = FingerprintMix(h, lane);
  }
  for (; i + 8 <= bytes.size(); i += 8) h = FingerprintMix(h, word_at(i, 8));
  return FingerprintMix(h, word_at(i, bytes.size() - i));
}

RC_GTEST_PROP(FingerprintTest, HashBytesIsItsDefinition,
              (const std::string& bytes, uint64_t seed)) {
  RC_ASSERT(Fingerprint::HashBytes(bytes, seed) == HashBytesByDefinition(bytes, seed));
}

TEST(FingerprintTest, HashBytesOfLongInputsIsItsDefinition) {
  std::string bytes;
  for (size_t i = 0; i < 5000; ++i) bytes.push_back(static_cast<char>(i * 131 + (i >> 7)));
  for (size_t size : {31u, 32u, 33u, 63u, 64u, 100u, 4096u, 4999u, 5000u}) {
    const std::string_view prefix(bytes.data(), size);
    EXPECT_EQ(Fingerprint::HashBytes(prefix, 7), HashBytesByDefinition(prefix, 7)) << size;
  }
}

// Short inputs take their own paths (none, a few words, a tail of 1 to 7
// bytes read by overlapping loads): every length, and bytes with the high
// bit set, which a sign extension would spread.
TEST(FingerprintTest, HashBytesOfEveryShortLengthIsItsDefinition) {
  std::string bytes;
  for (size_t i = 0; i < 70; ++i) bytes.push_back(static_cast<char>(0x80 + i * 37));
  for (size_t offset = 0; offset < 3; ++offset) {
    for (size_t size = 0; offset + size <= bytes.size(); ++size) {
      const std::string_view part(bytes.data() + offset, size);
      EXPECT_EQ(Fingerprint::HashBytes(part, 11), HashBytesByDefinition(part, 11)) << size;
    }
  }
}

// Every byte counts, wherever it is, and so does the order of the stripes.
TEST(FingerprintTest, ABitFlippedOrStripesSwappedChangeTheHash) {
  std::string bytes(300, 'a');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 23);
  const uint64_t original = Fingerprint::HashBytes(bytes, 0);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      ASSERT_NE(Fingerprint::HashBytes(flipped, 0), original) << i << " " << bit;
    }
  }
  std::string swapped = bytes;
  std::memcpy(swapped.data(), bytes.data() + 32, 32);
  std::memcpy(swapped.data() + 32, bytes.data(), 32);
  EXPECT_NE(Fingerprint::HashBytes(swapped, 0), original);
}

TEST(FingerprintTest, SameEventsSameValueAndTheFirstDifferenceIsNamed) {
  const auto record_get = [](Fingerprint& fingerprint, const std::string& request) {
    fingerprint.Record("send", 10, 1, {});
    fingerprint.Record("server-in", 20, 1, request);
    fingerprint.Record("server-out", 20, 1, "END\r\n");
  };
  Fingerprint first;
  first.KeepHashes();
  record_get(first, "get k1\r\n");
  Fingerprint second;
  second.CompareWith(&first.hashes());
  record_get(second, "get k2\r\n");
  EXPECT_NE(first.value(), second.value());
  EXPECT_EQ(second.first_difference(), 1);
  EXPECT_EQ(second.description(), "server-in at 20ns id 1 (8 bytes): get k2\\r\\n");
  Fingerprint third;
  third.CompareWith(&first.hashes());
  record_get(third, "get k1\r\n");
  EXPECT_EQ(third.value(), first.value());
  EXPECT_EQ(third.first_difference(), -1);
  // Watched or not, a run's value is the same.
  Fingerprint unwatched;
  record_get(unwatched, "get k1\r\n");
  EXPECT_EQ(unwatched.value(), first.value());
  EXPECT_EQ(unwatched.events(), 3u);
}

}  // namespace
}  // namespace mcspec::sim
