#include "fingerprint.h"

#include <gtest/gtest.h>

#include <sstream>

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
}

}  // namespace
}  // namespace mcspec::sim
