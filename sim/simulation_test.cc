#include "simulation.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "history.h"
#include "trace.h"

namespace mcspec::sim {
namespace {

RunOptions Options(uint64_t seed, uint64_t ops) {
  RunOptions options;
  options.seed = seed;
  options.ops = ops;
  return options;
}

TEST(SimulationTest, SeedsPassAndCheckEveryExecution) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const RunResult result = RunSimulation(Options(seed, 3000));
    EXPECT_TRUE(result.passed) << "seed " << seed << ": " << result.failure;
    EXPECT_EQ(result.ops_issued, 3000u);
    EXPECT_GT(result.ops_checked, 2500u) << "seed " << seed;
    EXPECT_FALSE(result.parameters.empty());
  }
}

TEST(SimulationTest, SameSeedSameEvents) {
  RunOptions options = Options(11, 3000);
  options.keep_event_hashes = true;
  const RunResult first = RunSimulation(options);
  options.compare_with = &first.event_hashes;
  const RunResult second = RunSimulation(options);
  EXPECT_EQ(first.fingerprint, second.fingerprint);
  EXPECT_EQ(first.events, second.events);
  EXPECT_EQ(first.event_hashes, second.event_hashes);
  EXPECT_EQ(second.first_difference, -1);
}

TEST(SimulationTest, DifferentSeedsDifferAndTheFirstDifferenceIsNamed) {
  RunOptions options = Options(12, 2000);
  options.keep_event_hashes = true;
  const RunResult first = RunSimulation(options);
  RunOptions other = Options(13, 2000);
  other.compare_with = &first.event_hashes;
  const RunResult second = RunSimulation(other);
  EXPECT_NE(first.fingerprint, second.fingerprint);
  ASSERT_GE(second.first_difference, 0);
  EXPECT_FALSE(second.event_description.empty());
  // Asking a run to describe an event gives the same text as a comparison did.
  RunOptions describe = Options(13, 2000);
  describe.describe_event = second.first_difference;
  EXPECT_EQ(RunSimulation(describe).event_description, second.event_description);
}

TEST(SimulationTest, ReplayOfARecordedTraceIsIdentical) {
  for (uint64_t seed : {2u, 3u, 21u}) {  // seed 2 has UDP clients
    std::stringstream trace;
    RunOptions options = Options(seed, 2000);
    options.trace = &trace;
    ASSERT_TRUE(RunSimulation(options).passed);
    const ReplayResult replay = Replay(trace);
    EXPECT_TRUE(replay.identical) << replay.error;
    EXPECT_GT(replay.inputs, 2000u);
    EXPECT_EQ(replay.command, ReproduceCommand(options));
  }
}

TEST(SimulationTest, ReplayNamesTheFirstDifference) {
  std::stringstream trace;
  RunOptions options = Options(4, 500);
  options.trace = &trace;
  ASSERT_TRUE(RunSimulation(options).passed);
  std::string text = trace.str();
  const size_t out = text.find("- out ");
  ASSERT_NE(out, std::string::npos);
  const size_t eol = text.find('\n', out);
  text.insert(eol, "X");
  std::istringstream altered(text);
  const ReplayResult replay = Replay(altered);
  EXPECT_FALSE(replay.identical);
  EXPECT_NE(replay.error.find("where the trace has"), std::string::npos) << replay.error;
}

TEST(SimulationTest, HistoryIsWellFormed) {
  std::stringstream history;
  RunOptions options = Options(5, 3000);
  options.history = &history;
  ASSERT_TRUE(RunSimulation(options).passed);
  const HistoryReadResult read = ReadHistory(history);
  ASSERT_TRUE(read.error.empty()) << read.error;
  // Each process has at most one operation pending; info ends a process;
  // times never decrease.
  std::map<uint64_t, bool> pending;
  std::map<uint64_t, bool> retired;
  int64_t last_time = 0;
  size_t invokes = 0;
  for (const HistoryEvent& event : read.events) {
    EXPECT_GE(event.time, last_time);
    last_time = event.time;
    EXPECT_FALSE(retired[event.process]) << "process " << event.process << " used after info";
    if (event.type == EventType::kInvoke) {
      EXPECT_FALSE(pending[event.process]) << "process " << event.process;
      pending[event.process] = true;
      invokes++;
    } else {
      EXPECT_TRUE(pending[event.process]) << "process " << event.process;
      pending[event.process] = false;
      if (event.type == EventType::kInfo) retired[event.process] = true;
    }
  }
  EXPECT_GE(invokes, 3000u);
  for (const auto& [process, open] : pending) EXPECT_FALSE(open) << "process " << process;
}

}  // namespace
}  // namespace mcspec::sim
