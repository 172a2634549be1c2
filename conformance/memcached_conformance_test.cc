// The suites in specs/ against the real memcached 1.6.18, each server on a
// free loopback port: cases that name no settings run on a server with
// default settings and on one with `-o no_modern`, and must pass on both;
// cases that name settings run on a server started with exactly those. No
// case may fail, and every case must have run somewhere unless it needs what
// a real memcached lacks (clock control, the reference's extensions). The
// cases that move the clock are run against memcached by the CTest tests
// mcconform_specs_memcached*, which wait for real seconds.
#include <gtest/gtest.h>

#include <set>

#include "network_target.h"
#include "runner.h"
#include "settings.h"
#include "suite_loader.h"
#include "testing/memcached_oracle.h"

namespace mcspec::conformance {
namespace {

TEST(MemcachedConformance, EverySuitePassesOnTheRealServer) {
  const LoadResult loaded = LoadSuites({MCSPEC_SPECS_DIR});
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  const std::vector<std::string> any_settings[] = {{}, {"-o", "no_modern"}};
  std::set<std::vector<std::string>> servers(std::begin(any_settings), std::end(any_settings));
  for (const TestCase& test : loaded.cases) {
    if (test.settings) servers.insert(*test.settings);
  }

  std::set<std::string> ran;
  for (const std::vector<std::string>& settings : servers) {
    const bool runs_any = std::find(std::begin(any_settings), std::end(any_settings), settings) !=
                          std::end(any_settings);
    std::vector<std::string> flags = {"-t", "1"};
    flags.insert(flags.end(), settings.begin(), settings.end());
    const testing::MemcachedOracle memcached(flags);
    ASSERT_EQ(memcached.error(), "");
    std::string error;
    auto target = NetworkTarget::Create("127.0.0.1:" + std::to_string(memcached.port()),
                                        ClockMode::kSkip, &error);
    ASSERT_NE(target, nullptr) << error;
    const ref::FlagParseResult parsed = ref::ParseServerFlags(settings);
    if (!parsed.settings.auth_entries.empty()) {
      target->set_credentials(parsed.settings.auth_entries[0].first,
                              parsed.settings.auth_entries[0].second);
    }
    for (const TestCase& test : loaded.cases) {
      if (test.settings ? *test.settings != settings : !runs_any) continue;
      const CaseResult result = RunCase(test, *target, RunnerOptions{});
      EXPECT_NE(result.outcome, CaseResult::Outcome::kFailed)
          << test.id << " with memcached " << ::testing::PrintToString(flags) << "\n"
          << result.detail;
      if (result.outcome == CaseResult::Outcome::kPassed) ran.insert(test.id);
    }
  }
  for (const TestCase& test : loaded.cases) {
    const bool needs_more = std::find_if(test.requires_capabilities.begin(),
                                         test.requires_capabilities.end(), [](Capability c) {
                                           return c != Capability::kMeta;
                                         }) != test.requires_capabilities.end();
    EXPECT_TRUE(ran.contains(test.id) || needs_more) << test.id << " ran on no server";
  }
}

}  // namespace
}  // namespace mcspec::conformance
