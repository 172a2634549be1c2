#include "workload.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mcspec::sim
