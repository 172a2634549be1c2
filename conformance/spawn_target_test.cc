#include "spawn_target.h"

#include <gtest/gtest.h>

#include "network_target.h"
#include "runner.h"
#include "suite_loader.h"
#include "testing/memcached_oracle.h"

namespace mcspec::conformance {
namespace {

TEST(SplitCommandLine, BlanksAndQuotes) {
  std::vector<std::string> words;
  ASSERT_TRUE(SplitCommandLine("  memcached -p {port}\t-o 'a b' \"c'd\" ''", &words));
  EXPECT_EQ(words, (std::vector<std::string>{"memcached", "-p", "{port}", "-o", "a b", "c'd", ""}));
  EXPECT_FALSE(SplitCommandLine("memcached 'open", &words));
}

TEST(SpawnTarget, NeedsACommandWithAPort) {
  std::string error;
  EXPECT_EQ(SpawnTarget::Create("memcached -p 11211", {}, ClockMode::kSkip, &error), nullptr);
  EXPECT_EQ(error, "the --spawn command must say where the port goes: {port}");
  EXPECT_EQ(SpawnTarget::Create("  ", {}, ClockMode::kSkip, &error), nullptr);
}

TEST(SpawnTarget, ReportsAServerThatDoesNotStart) {
  std::string error;
  auto target = SpawnTarget::Create("false {port}", {}, ClockMode::kSkip, &error);
  ASSERT_NE(target, nullptr) << error;
  std::string skip_reason;
  EXPECT_FALSE(target->BeginCase(CaseNeeds{}, &skip_reason, &error));
  EXPECT_EQ(error, "the spawned server exited: false {port}");
}

// Cases run on memcached started with the base flags, or with their own
// settings, which restart it; the settings check then passes.
TEST(SpawnTarget, StartsMemcachedWithTheCasesSettings) {
  LoadResult loaded;
  LoadSuiteText("s.yaml", R"(
defaults: {spec: Settings statistics, exclusive: true}
cases:
  - id: base-is-no-modern
    steps:
      - send: 'stats settings\r\n'
        expect_regex: '(?:STAT [^\r\n]*\r\n)*STAT lru_segmented no\r\n(?:STAT [^\r\n]*\r\n)*END\r\n'
  - id: own-settings
    settings: '-m 8'
    steps:
      - send: 'stats settings\r\n'
        expect_regex: 'STAT maxbytes 8388608\r\n(?:STAT [^\r\n]*\r\n)*END\r\n'
)",
                &loaded);
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  std::string error;
  auto target = SpawnTarget::Create("memcached -u root -l 127.0.0.1 -p {port} -t 1",
                                    {"-o", "no_modern"}, ClockMode::kSkip, &error);
  ASSERT_NE(target, nullptr) << error;
  EXPECT_TRUE(target->private_server());
  EXPECT_TRUE(target->capabilities().meta);
  EXPECT_FALSE(target->capabilities().clock_control);
  for (const TestCase& test : loaded.cases) {
    const CaseResult result = RunCase(test, *target, RunnerOptions{});
    EXPECT_EQ(result.outcome, CaseResult::Outcome::kPassed) << test.id << "\n" << result.detail;
  }
}

// A `fresh` case gets a server that has served nothing: the spawned one is
// restarted, while a case without it sees what earlier cases stored. A fixed
// server cannot give one, so the case is skipped there.
TEST(SpawnTarget, RestartsTheServerForAFreshCase) {
  LoadResult loaded;
  LoadSuiteText("s.yaml", R"(
defaults: {spec: General-purpose statistics, exclusive: true}
cases:
  - id: stores
    steps:
      - send: 'set ${ns}k 0 0 1\r\nA\r\n'
        expect: 'STORED\r\n'
  - id: sees-the-item
    steps:
      - send: 'stats\r\n'
        expect_regex: '(?:STAT [^\r\n]*\r\n)*STAT curr_items 1\r\n(?:STAT [^\r\n]*\r\n)*END\r\n'
  - id: fresh-is-empty
    fresh: true
    steps:
      - send: 'stats\r\n'
        expect_regex: '(?:STAT [^\r\n]*\r\n)*STAT curr_items 0\r\n(?:STAT [^\r\n]*\r\n)*END\r\n'
)",
                &loaded);
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  ASSERT_TRUE(loaded.cases[2].fresh);
  std::string error;
  auto target = SpawnTarget::Create("memcached -u root -l 127.0.0.1 -p {port} -t 1", {},
                                    ClockMode::kSkip, &error);
  ASSERT_NE(target, nullptr) << error;
  for (const TestCase& test : loaded.cases) {
    const CaseResult result = RunCase(test, *target, RunnerOptions{});
    EXPECT_EQ(result.outcome, CaseResult::Outcome::kPassed) << test.id << "\n" << result.detail;
  }

  auto fixed = NetworkTarget::Create("127.0.0.1:1", ClockMode::kSkip, &error);
  ASSERT_NE(fixed, nullptr) << error;
  CaseNeeds needs;
  needs.fresh = true;
  std::string skip_reason;
  ASSERT_TRUE(fixed->BeginCase(needs, &skip_reason, &error)) << error;
  EXPECT_EQ(skip_reason,
            "it needs a server that has just started, and this one is already running");
}

// Datagram cases run on a spawned server given -U; a running server without a
// UDP port skips them.
TEST(SpawnTarget, GivesUdpCasesAUdpPort) {
  LoadResult loaded;
  LoadSuiteText("s.yaml", R"(
defaults: {spec: UDP protocol}
cases:
  - id: version
    steps:
      - datagram: '\x00\x07\x00\x00\x00\x01\x00\x00version\r\n'
        expect_regex: '\x00\x07\x00\x00\x00\x01\x00\x00VERSION 1\.6\.18\r\n'
)",
                &loaded);
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  std::string error;
  auto spawned = SpawnTarget::Create("memcached -u root -l 127.0.0.1 -p {port} -t 1", {},
                                     ClockMode::kSkip, &error);
  ASSERT_NE(spawned, nullptr) << error;
  const CaseResult result = RunCase(loaded.cases[0], *spawned, RunnerOptions{});
  EXPECT_EQ(result.outcome, CaseResult::Outcome::kPassed) << result.detail;

  const testing::MemcachedOracle memcached({"-t", "1"});
  ASSERT_EQ(memcached.error(), "");
  auto fixed = NetworkTarget::Create("127.0.0.1:" + std::to_string(memcached.port()),
                                     ClockMode::kSkip, &error);
  ASSERT_NE(fixed, nullptr) << error;
  EXPECT_FALSE(fixed->capabilities().udp);
  const CaseResult skipped = RunCase(loaded.cases[0], *fixed, RunnerOptions{});
  EXPECT_EQ(skipped.outcome, CaseResult::Outcome::kSkipped);
  EXPECT_EQ(skipped.detail, "requires udp, which " + fixed->name() + " lacks");
}

}  // namespace
}  // namespace mcspec::conformance
