// The suites in specs/ against the real memcached 1.6.18: one server with
// default settings and one per distinct settings the suites use, each on a
// free loopback port. No case may fail, and every case must have run on some
// server unless it needs what a real memcached lacks (clock control, the
// reference's extensions).
#include <gtest/gtest.h>

#include <set>

#include "runner.h"
#include "suite_loader.h"
#include "tcp_target.h"
#include "testing/memcached_oracle.h"

namespace mcspec::conformance {
namespace {

TEST(MemcachedConformance, EverySuitePassesOnTheRealServer) {
  const LoadResult loaded = LoadSuites({MCSPEC_SPECS_DIR});
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  std::set<std::vector<std::string>> all_settings = {{}};
  for (const TestCase& test : loaded.cases) all_settings.insert(test.settings);

  std::set<std::string> ran;
  for (const std::vector<std::string>& settings : all_settings) {
    std::vector<std::string> flags = {"-t", "1"};
    flags.insert(flags.end(), settings.begin(), settings.end());
    const testing::MemcachedOracle memcached(flags);
    ASSERT_EQ(memcached.error(), "");
    std::string error;
    auto target = TcpTarget::Create("127.0.0.1:" + std::to_string(memcached.port()), &error);
    ASSERT_NE(target, nullptr) << error;
    for (const TestCase& test : loaded.cases) {
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
