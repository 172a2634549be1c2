#include "baseline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace mcspec::conformance {
namespace {

std::string WriteTemp(const std::string& text) {
  char path[] = "/tmp/mcconform-baseline-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

TestCase Case(const std::string& id) {
  TestCase test;
  test.id = id;
  return test;
}

CaseResult Failed(int step) {
  CaseResult result{CaseResult::Outcome::kFailed,
                    "step " + std::to_string(step) + " at x.yaml:3 (conn main): expect\n  more\n"};
  result.failed_step = step;
  return result;
}

TEST(Baseline, LoadsAndJudges) {
  const std::string path = WriteTemp(R"(
target: 127.0.0.1:11211
failures:
  - case: a/known
    step: 2
    reason: the proxy drops cas
)");
  Baseline baseline;
  std::string error;
  ASSERT_TRUE(LoadBaseline(path, &baseline, &error)) << error;
  std::remove(path.c_str());
  EXPECT_EQ(baseline.target, "127.0.0.1:11211");

  const TestCase known = Case("a/known");
  EXPECT_EQ(Judge(known, Failed(2), &baseline).verdict, Verdict::kKnownFailure);
  EXPECT_EQ(Judge(known, Failed(2), &baseline).note, "the proxy drops cas");
  // Failing elsewhere is a new failure; passing makes the entry stale.
  EXPECT_EQ(Judge(known, Failed(3), &baseline).verdict, Verdict::kFailed);
  EXPECT_EQ(Judge(known, CaseResult{}, &baseline).verdict, Verdict::kStale);
  EXPECT_EQ(Judge(known, CaseResult{CaseResult::Outcome::kSkipped, "x"}, &baseline).verdict,
            Verdict::kSkipped);
  const TestCase other = Case("a/other");
  EXPECT_EQ(Judge(other, Failed(1), &baseline).verdict, Verdict::kFailed);
  EXPECT_EQ(Judge(other, CaseResult{}, &baseline).verdict, Verdict::kPassed);
  EXPECT_EQ(Judge(other, Failed(1), nullptr).verdict, Verdict::kFailed);
}

TEST(Baseline, RefusesMalformedFiles) {
  for (const char* text : {"failures: 3\n", "failures:\n  - case: a\n    step: 1\n",
                           "failures:\n  - {case: a, step: x, reason: r}\n",
                           "failures:\n  - {case: a, step: 1, reason: r, extra: 1}\n",
                           "failures:\n  - {case: a, step: 1, reason: r}\n  - {case: a, step: "
                           "2, reason: r}\n",
                           "colour: red\n"}) {
    const std::string path = WriteTemp(text);
    Baseline baseline;
    std::string error;
    EXPECT_FALSE(LoadBaseline(path, &baseline, &error)) << text;
    EXPECT_TRUE(error.starts_with(path + ":")) << error;
    std::remove(path.c_str());
  }
  Baseline baseline;
  std::string error;
  EXPECT_FALSE(LoadBaseline("/nonexistent/baseline.yaml", &baseline, &error));
}

TEST(Baseline, UpdateKeepsReasonsAndDropsFixedCases) {
  Baseline old;
  old.failures["a/still"] = {2, "known reason"};
  old.failures["a/fixed"] = {1, "was broken"};
  old.failures["a/not-run"] = {4, "elsewhere"};
  const TestCase still = Case("a/still");
  const TestCase fixed = Case("a/fixed");
  const TestCase fresh = Case("a/fresh");
  const Baseline updated =
      UpdateBaseline(old, "t", {{&still, Failed(3)}, {&fixed, CaseResult{}}, {&fresh, Failed(1)}});
  EXPECT_EQ(updated.target, "t");
  ASSERT_EQ(updated.failures.size(), 3u);
  EXPECT_EQ(updated.failures.at("a/still").step, 3);
  EXPECT_EQ(updated.failures.at("a/still").reason, "known reason");
  EXPECT_EQ(updated.failures.at("a/fresh").reason, "step 1 at x.yaml:3 (conn main): expect");
  EXPECT_EQ(updated.failures.at("a/not-run").step, 4);
  EXPECT_FALSE(updated.failures.contains("a/fixed"));

  // What FormatBaseline writes, LoadBaseline reads back.
  const std::string path = WriteTemp(FormatBaseline(updated));
  Baseline reread;
  std::string error;
  ASSERT_TRUE(LoadBaseline(path, &reread, &error)) << error;
  std::remove(path.c_str());
  EXPECT_EQ(reread.target, "t");
  ASSERT_EQ(reread.failures.size(), 3u);
  EXPECT_EQ(reread.failures.at("a/fresh").reason, updated.failures.at("a/fresh").reason);
  EXPECT_EQ(reread.failures.at("a/still").step, 3);
}

}  // namespace
}  // namespace mcspec::conformance
