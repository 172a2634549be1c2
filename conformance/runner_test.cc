#include "runner.h"

#include <gtest/gtest.h>

#include "case_filter.h"
#include "embedded_target.h"
#include "suite_loader.h"

namespace mcspec::conformance {
namespace {

TestCase Load(std::string_view text) {
  LoadResult result;
  LoadSuiteText("t.yaml", text, &result);
  EXPECT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  EXPECT_EQ(result.cases.size(), 1u);
  return result.cases.empty() ? TestCase{} : result.cases[0];
}

CaseResult RunEmbedded(std::string_view text) {
  EmbeddedTarget target;
  return RunCase(Load(text), target, RunnerOptions{});
}

TEST(Runner, PassesAndCarriesCaptures) {
  const CaseResult result = RunEmbedded(R"(
cases:
  - id: a
    spec: Storage commands
    requires: [clock-control]
    settings: '-o no_modern'
    steps:
      - send: 'set ${ns}k 0 10 1\r\nA\r\ngets ${ns}k\r\n'
        expect_regex: 'STORED\r\nVALUE \S+ 0 1 (?<cas>\d+)\r\nA\r\nEND\r\n'
      - conn: b
        send: 'cas ${ns}k 0 10 1 ${cas}\r\nB\r\n'
        expect_any_of: ['EXISTS\r\n', 'STORED\r\n']
      - send: 'set ${ns}q 0 0 1 noreply\r\nA\r\n'
        expect_nothing_for: 50ms
      - advance: 11s
      - send: 'get ${ns}k\r\nquit\r\n'
        expect: 'END\r\n'
      - expect_closed: true
)");
  EXPECT_EQ(result.outcome, CaseResult::Outcome::kPassed) << result.detail;
}

TEST(Runner, ReportsTheStepAndBothSides) {
  const CaseResult result = RunEmbedded(R"(
cases:
  - id: a
    spec: Storage commands
    steps:
      - send: 'get ${ns}k\r\n'
        expect: 'VALUE ${ns}k 0 1\r\n'
)");
  ASSERT_EQ(result.outcome, CaseResult::Outcome::kFailed);
  const std::string ns = CaseNamespace("t/a", 0);
  std::string expected = "step 1 at t.yaml:6 (conn main): expect\n  sent:     \"get ";
  expected += ns;
  expected += "k\\r\\n\"\n  expected: \"VALUE ";
  expected += ns;
  expected += "k 0 1\\r\\n\"\n  received: \"END\\r\\n\"\n  first difference at byte 0\n";
  EXPECT_EQ(result.detail, expected);
}

TEST(Runner, UnexpectedBytesFailTheCase) {
  const CaseResult result = RunEmbedded(R"(
cases:
  - id: a
    spec: Storage commands
    steps:
      - send: 'get ${ns}k\r\nversion\r\n'
        expect: 'END\r\n'
)");
  ASSERT_EQ(result.outcome, CaseResult::Outcome::kFailed);
  EXPECT_NE(result.detail.find("received bytes no step expected"), std::string::npos);
}

TEST(Runner, StatsDeltaChecksExactChanges) {
  const std::string suite = R"(
cases:
  - id: a
    spec: General-purpose statistics
    exclusive: true
    steps:
      - stats_snapshot: s
      - send: 'get ${ns}k\r\n'
        expect: 'END\r\n'
      - stats_delta: {since: s, cmd_get: 1, get_misses: WANTED}
)";
  const size_t at = suite.find("WANTED");
  auto with = [&](char wanted) {
    std::string text(suite, 0, at);
    text.push_back(wanted);
    text.append(suite, at + 6);
    return text;
  };
  const CaseResult passing = RunEmbedded(with('1'));
  EXPECT_EQ(passing.outcome, CaseResult::Outcome::kPassed) << passing.detail;
  const CaseResult result = RunEmbedded(with('2'));
  ASSERT_EQ(result.outcome, CaseResult::Outcome::kFailed);
  EXPECT_NE(result.detail.find("get_misses: expected a change of 2, got 1 (0 -> 1)"),
            std::string::npos)
      << result.detail;
}

class NoClockTarget : public EmbeddedTarget {
 public:
  TargetCapabilities capabilities() override { return {false, true, false}; }
};

// A clock that overshoots (a server waited for in real seconds, under load)
// makes the case start over; it fails only when every run overshoots.
class OvershootingTarget : public EmbeddedTarget {
 public:
  explicit OvershootingTarget(int overshoots) : overshoots_(overshoots) {}
  bool BeginCase(const CaseNeeds& needs, std::string* skip_reason, std::string* error) override {
    ++begun;
    return EmbeddedTarget::BeginCase(needs, skip_reason, error);
  }
  ClockMove AdvanceClock(int64_t seconds, std::string* error) override {
    if (overshoots_-- > 0) {
      *error = "the clock jumped";
      return ClockMove::kOvershot;
    }
    return EmbeddedTarget::AdvanceClock(seconds, error);
  }
  int begun = 0;

 private:
  int overshoots_;
};

TEST(Runner, RunsACaseAgainWhenTheClockOvershoots) {
  const TestCase test = Load(R"(
cases:
  - id: a
    spec: Touch
    requires: [clock-control]
    steps:
      - send: 'set ${ns}k 0 2 1\r\nA\r\n'
        expect: 'STORED\r\n'
      - advance: 2s
      - send: 'get ${ns}k\r\n'
        expect: 'END\r\n'
)");
  OvershootingTarget twice(2);
  const CaseResult passed = RunCase(test, twice, RunnerOptions{});
  EXPECT_EQ(passed.outcome, CaseResult::Outcome::kPassed) << passed.detail;
  EXPECT_EQ(twice.begun, 3);

  OvershootingTarget always(3);
  const CaseResult failed = RunCase(test, always, RunnerOptions{});
  EXPECT_EQ(failed.outcome, CaseResult::Outcome::kFailed);
  EXPECT_EQ(failed.failed_step, 2);
  EXPECT_NE(failed.detail.find("the clock jumped\n  (the clock overshot on all 3 runs)\n"),
            std::string::npos)
      << failed.detail;
  EXPECT_EQ(always.begun, 3);
}

TEST(Runner, SkipsWhatTheTargetLacks) {
  NoClockTarget target;
  const CaseResult result = RunCase(Load(R"(
cases:
  - id: a
    spec: Touch
    requires: [clock-control]
    steps: [{advance: 1s}]
)"),
                                    target, RunnerOptions{});
  EXPECT_EQ(result.outcome, CaseResult::Outcome::kSkipped);
  EXPECT_EQ(result.detail, "requires clock-control, which embedded lacks");
}

TEST(Runner, NamespacesDependOnIdAndSeed) {
  EXPECT_EQ(CaseNamespace("a/b", 0), CaseNamespace("a/b", 0));
  EXPECT_NE(CaseNamespace("a/b", 0), CaseNamespace("a/c", 0));
  EXPECT_NE(CaseNamespace("a/b", 0), CaseNamespace("a/b", 1));
  EXPECT_EQ(CaseNamespace("a/b", 7).size(), 10u);
}

TEST(CaseFilter, TagsAndGlob) {
  TestCase test;
  test.id = "storage/set-get";
  test.tags = {"basic", "storage"};
  CaseFilter filter;
  std::string error;
  ASSERT_TRUE(CaseFilter::Parse("meta,storage", "", &filter, &error));
  EXPECT_TRUE(filter.Selects(test));
  ASSERT_TRUE(CaseFilter::Parse("storage,!basic", "", &filter, &error));
  EXPECT_FALSE(filter.Selects(test));
  ASSERT_TRUE(CaseFilter::Parse("", "storage/*", &filter, &error));
  EXPECT_TRUE(filter.Selects(test));
  ASSERT_TRUE(CaseFilter::Parse("", "meta/*", &filter, &error));
  EXPECT_FALSE(filter.Selects(test));
  EXPECT_FALSE(CaseFilter::Parse("a,,b", "", &filter, &error));
}

}  // namespace
}  // namespace mcspec::conformance
