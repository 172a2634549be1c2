// Each of the reference's injected bugs is found by mcsim within a bounded
// number of seeds, and the same seeds pass without it.
#include "injected_bugs.h"

#include <gtest/gtest.h>

#include "simulation.h"

namespace mcspec::sim {
namespace {

constexpr uint64_t kMaxSeeds = 50;
constexpr uint64_t kOps = 10000;

class InjectedBugTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(InjectedBugTest, FoundWithinBoundedSeedsAndAbsentWithoutIt) {
  RunOptions options;
  options.ops = kOps;
  options.bugs = {std::string(GetParam())};
  uint64_t found_at = 0;
  for (uint64_t seed = 1; seed <= kMaxSeeds && found_at == 0; ++seed) {
    options.seed = seed;
    const RunResult result = RunSimulation(options);
    if (!result.passed) {
      found_at = seed;
      std::printf("%s: found by seed %llu: %s\n", options.bugs[0].c_str(),
                  static_cast<unsigned long long>(seed), result.failure.substr(0, 300).c_str());
    }
  }
  ASSERT_NE(found_at, 0u) << GetParam() << " not found in " << kMaxSeeds << " seeds";
  options.bugs.clear();
  for (uint64_t seed = 1; seed <= found_at; ++seed) {
    options.seed = seed;
    const RunResult result = RunSimulation(options);
    EXPECT_TRUE(result.passed) << "seed " << seed << " without the bug: " << result.failure;
  }
}

INSTANTIATE_TEST_SUITE_P(AllBugs, InjectedBugTest, ::testing::ValuesIn(ref::kInjectedBugNames),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace mcspec::sim
