#include "workload.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace mcspec::sim {
namespace {

using Entries = std::vector<std::pair<uint32_t, uint64_t>>;

TEST(KnownCasUniques, AKnownKeyTakesItsNewUniqueInPlace) {
  KnownCasUniques known;
  known.Remember(1, 10);
  known.Remember(2, 20);
  known.Remember(1, 11);
  EXPECT_EQ(known.entries(), (Entries{{1, 11}, {2, 20}}));
}

TEST(KnownCasUniques, NewKeysReplaceSlotsRoundRobinWhenFull) {
  KnownCasUniques known;
  for (uint32_t key = 0; key < KnownCasUniques::kCapacity; ++key) known.Remember(key, key);
  known.Remember(100, 1);
  known.Remember(101, 2);
  const Entries& entries = known.entries();
  ASSERT_EQ(entries.size(), KnownCasUniques::kCapacity);
  EXPECT_EQ(entries[0], (std::pair<uint32_t, uint64_t>{100, 1}));
  EXPECT_EQ(entries[1], (std::pair<uint32_t, uint64_t>{101, 2}));
  EXPECT_EQ(entries[2], (std::pair<uint32_t, uint64_t>{2, 2}));
}

TEST(WorkloadTest, KeyNamesAndTheirIndexes) {
  for (const auto& [index, name] : std::vector<std::pair<uint32_t, std::string>>{
           {0, "k0"}, {9, "k9"}, {10, "k10"}, {999, "k999"}, {4294967295u, "k4294967295"}}) {
    EXPECT_EQ(Workload::KeyName(index), name);
    EXPECT_EQ(Workload::KeyIndex(name), index);
  }
}

// The operations a seed's workload draws are fixed bytes: a change in how
// they are drawn or written (keys, values, numbers) that changes a byte or
// a draw shows here. The hash of 3000 requests of each of 8 seeds.
TEST(WorkloadTest, DrawsAreFixed) {
  const uint64_t expected[] = {8782776635188728518u,  16599872163213716219u, 4059630769808352008u,
                               6844143102047569106u,  7696842551177706708u,  1078100572783288878u,
                               10991588591277990076u, 7969666989829154198u};
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Prng prng(seed);
    const SwarmParameters params = SwarmParameters::Draw(prng);
    Workload workload(params);
    const Entries known = {{3, 77}, {5, 1u << 31}};
    const Workload::ClientView view{1700000000, &known};
    Operation op;
    std::string bytes;
    uint64_t hash = 14695981039346656037u;  // FNV-1a
    for (int i = 0; i < 3000; ++i) {
      workload.Next(prng, view, &op);
      bytes.clear();
      EncodeRequest(op, &bytes);
      bytes += op.expected_error;
      for (char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211u;
    }
    EXPECT_EQ(hash, expected[seed - 1]) << seed;
  }
}

}  // namespace
}  // namespace mcspec::sim
