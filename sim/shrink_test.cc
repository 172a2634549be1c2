// mcsim shrink end to end, for each of the reference's injected bugs: a
// failing seed's trace shrinks to a small case, which loads, passes on the
// reference and fails on the reference with the bug.
#include "shrink.h"

#include <gtest/gtest.h>

#include <sstream>

#include "embedded_target.h"
#include "injected_bugs.h"
#include "runner.h"
#include "shrink_case.h"
#include "shrink_judge.h"
#include "simulation.h"
#include "suite_loader.h"

namespace mcspec::sim {
namespace {

constexpr uint64_t kMaxSeeds = 50;
constexpr uint64_t kOps = 2000;

// The first seed (as in injected_bugs_test) whose run finds the bug, traced.
TraceInputs FailingTrace(const std::string& bug, uint64_t* seed) {
  RunOptions options;
  options.ops = kOps;
  options.bugs = {bug};
  for (options.seed = 1; options.seed <= kMaxSeeds; ++options.seed) {
    if (RunSimulation(options).passed) continue;
    std::stringstream trace;
    options.trace = &trace;
    RunSimulation(options);
    TraceInputs inputs;
    std::string error;
    EXPECT_TRUE(ParseTraceInputs(trace, &inputs, &error)) << error;
    *seed = options.seed;
    return inputs;
  }
  ADD_FAILURE() << bug << " not found in " << kMaxSeeds << " seeds";
  return {};
}

conformance::CaseResult RunOn(const conformance::TestCase& test, ref::InjectedBugs bugs) {
  conformance::EmbeddedTarget target({}, bugs);
  return conformance::RunCase(test, target, conformance::RunnerOptions{});
}

class ShrinkTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ShrinkTest, ShrunkCaseIsSmallPassesWithoutTheBugAndFailsWithIt) {
  const std::string bug(GetParam());
  uint64_t seed = 0;
  const TraceInputs inputs = FailingTrace(bug, &seed);
  ASSERT_NE(seed, 0u);
  std::ostringstream log;
  ShrinkOptions options;
  options.log = &log;
  const ShrinkResult result = Shrink(inputs, options);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_TRUE(result.minimal) << log.str();
  std::printf("%s, seed %llu: %s -> %s, %llu candidates judged\n", bug.c_str(),
              static_cast<unsigned long long>(seed), inputs.Summary().c_str(),
              result.inputs.Summary().c_str(), static_cast<unsigned long long>(result.checks));
  // Small. An eviction needs the memory filled first, which takes as many
  // stores as the seed's value sizes make it take: there, a tenth of the
  // run's requests at most.
  if (bug == "evict_without_unlink") {
    EXPECT_LE(result.inputs.requests.size() * 10, inputs.requests.size()) << log.str();
  } else {
    EXPECT_LE(result.inputs.requests.size(), 8u) << log.str();
  }
  EXPECT_LT(result.inputs.bytes(), inputs.bytes());
  // Still failing the same way, and only with the bug.
  const Judgement with_bug = JudgeInputs(result.inputs, true);
  EXPECT_TRUE(with_bug.failed);
  EXPECT_EQ(with_bug.signature, JudgeInputs(inputs, true).signature);
  EXPECT_FALSE(JudgeInputs(result.inputs, false).failed);

  CaseInfo info{"seed-" + std::to_string(seed) + "-" + bug, "shrunk for a test",
                SpecSectionFor(result.signature)};
  std::string yaml;
  std::string error;
  ASSERT_TRUE(WriteConformanceCase(result.inputs, info, &yaml, &error)) << error;
  conformance::LoadResult loaded;
  conformance::LoadSuiteText("shrunk.yaml", yaml, &loaded);
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front().ToString() << "\n" << yaml;
  ASSERT_EQ(loaded.cases.size(), 1u);

  const conformance::CaseResult correct = RunOn(loaded.cases[0], {});
  EXPECT_EQ(correct.outcome, conformance::CaseResult::Outcome::kPassed) << correct.detail << "\n"
                                                                        << yaml;
  ref::InjectedBugs bugs;
  ASSERT_TRUE(bugs.Enable(bug));
  const conformance::CaseResult buggy = RunOn(loaded.cases[0], bugs);
  EXPECT_EQ(buggy.outcome, conformance::CaseResult::Outcome::kFailed) << yaml;
}

INSTANTIATE_TEST_SUITE_P(AllBugs, ShrinkTest, ::testing::ValuesIn(ref::kInjectedBugNames),
                         [](const auto& info) { return std::string(info.param); });

TEST(ShrinkBudgetTest, ABudgetStopsEarlyWithInputsThatStillFail) {
  uint64_t seed = 0;
  const TraceInputs inputs = FailingTrace("cas_off_by_one", &seed);
  ShrinkOptions options;
  options.max_checks = 3;
  const ShrinkResult result = Shrink(inputs, options);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_FALSE(result.minimal);
  EXPECT_LE(result.checks, 3u);
  const Judgement judged = JudgeInputs(result.inputs, true);
  EXPECT_EQ(judged.signature, result.signature);
  EXPECT_FALSE(JudgeInputs(result.inputs, false).failed);
}

TEST(ShrinkErrorsTest, APassingTraceIsNotShrunk) {
  std::istringstream in(
      "mcsim-trace 1\ncommand test\nflags -m 64\nbug lost_append\n0 open 1\n"
      "1 in 1 get a\\r\\n\n1 request 1 1\n");
  TraceInputs inputs;
  std::string error;
  ASSERT_TRUE(ParseTraceInputs(in, &inputs, &error)) << error;
  const ShrinkResult result = Shrink(inputs, ShrinkOptions{});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "the trace passes, its injected bugs switched on");
}

}  // namespace
}  // namespace mcspec::sim
