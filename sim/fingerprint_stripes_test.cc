#include "fingerprint_stripes.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <string>

namespace mcspec::sim {
namespace {

std::array<uint64_t, 4> Accumulate(StripeAccumulator accumulator, const std::string& bytes,
                                   const std::array<uint64_t, 4>& start) {
  std::array<uint64_t, 4> lanes = start;
  AccumulateStripes(accumulator, bytes.data(), bytes.size() / 32, lanes.data());
  return lanes;
}

RC_GTEST_PROP(FingerprintStripesTest, EveryAccumulatorGivesTheSameLanes,
              (uint64_t lane0, uint64_t lane1, uint64_t lane2, uint64_t lane3)) {
  const auto stripes = *rc::gen::inRange<size_t>(0, 100);
  const auto bytes = *rc::gen::container<std::string>(stripes * 32, rc::gen::arbitrary<char>());
  const std::array<uint64_t, 4> start = {lane0, lane1, lane2, lane3};
  const auto expected = Accumulate(StripeAccumulator::kWords, bytes, start);
  for (StripeAccumulator accumulator : AvailableStripeAccumulators()) {
    RC_ASSERT(Accumulate(accumulator, bytes, start) == expected);
  }
}

TEST(FingerprintStripesTest, LongInputsAndTheFastestAgree) {
  std::string bytes(size_t{32} * 4099, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) ^ (i >> 7));
  const std::array<uint64_t, 4> start = {1, 2, 3, 4};
  const auto expected = Accumulate(StripeAccumulator::kWords, bytes, start);
  EXPECT_NE(expected, start);
  for (StripeAccumulator accumulator : AvailableStripeAccumulators()) {
    EXPECT_EQ(Accumulate(accumulator, bytes, start), expected) << static_cast<int>(accumulator);
  }
  const auto available = AvailableStripeAccumulators();
  EXPECT_NE(std::find(available.begin(), available.end(), FastestStripeAccumulator()),
            available.end());
#if defined(__x86_64__)
  // Every x86-64 processor has SSE2: the vector code is what this compares.
  EXPECT_GE(available.size(), 2u);
#endif
}

}  // namespace
}  // namespace mcspec::sim
