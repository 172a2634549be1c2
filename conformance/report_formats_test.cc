#include "report_formats.h"

#include <gtest/gtest.h>

namespace mcspec::conformance {
namespace {

class ReportFormats : public ::testing::Test {
 protected:
  ReportFormats() {
    passed_.id = "storage/set";
    passed_.file = "specs/storage.yaml";
    passed_.line = 7;
    passed_.spec = "Storage commands";
    passed_.tags = {"storage"};
    failed_ = passed_;
    failed_.id = "storage/<bad>";
    skipped_ = passed_;
    skipped_.id = "storage/skipped";
    known_ = passed_;
    known_.id = "storage/known";
    CaseResult failure{CaseResult::Outcome::kFailed, "step 2: expect\n  received: \"\\r\\n\"\n"};
    failure.failed_step = 2;
    reports_ = {
        {&passed_, CaseResult{}, {Verdict::kPassed, ""}},
        {&failed_, failure, {Verdict::kFailed, ""}},
        {&skipped_, {CaseResult::Outcome::kSkipped, "requires meta"}, {Verdict::kSkipped, ""}},
        {&known_, failure, {Verdict::kKnownFailure, "proxy drops cas"}},
    };
    summary_ = Summarize("127.0.0.1:11211", reports_, 1.5);
  }

  TestCase passed_, failed_, skipped_, known_;
  std::vector<CaseReport> reports_;
  RunSummary summary_;
};

TEST_F(ReportFormats, Summary) {
  EXPECT_EQ(SummaryLine(summary_), "1 passed, 1 failed, 1 skipped, 1 known failures");
  RunSummary clean;
  clean.passed = 3;
  EXPECT_EQ(SummaryLine(clean), "3 passed, 0 failed, 0 skipped");
}

TEST_F(ReportFormats, Junit) {
  const std::string xml = JunitReport(summary_, reports_);
  EXPECT_NE(xml.find("<testsuites name=\"mcconform\" tests=\"4\" failures=\"1\" errors=\"0\" "
                     "skipped=\"2\" time=\"1.500000\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"storage\" name=\"set\" file=\"specs/storage.yaml\" "
                     "line=\"7\" time=\"0.000000\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("name=\"&lt;bad&gt;\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"failed\">step 2: expect\n  received: &quot;\\r\\n&quot;"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"requires meta\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"known failure: proxy drops cas\"/>"), std::string::npos);
}

TEST_F(ReportFormats, Json) {
  const std::string json = JsonReport(summary_, reports_);
  EXPECT_NE(json.find("\"summary\": {\"passed\": 1, \"failed\": 1, \"skipped\": 1, "
                      "\"known_failures\": 1, \"seconds\": 1.500000}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"id\": \"storage/set\", \"file\": \"specs/storage.yaml\", \"line\": 7, "
                      "\"spec\": \"Storage commands\", \"tags\": [\"storage\"], \"verdict\": "
                      "\"passed\", \"seconds\": 0.000000}"),
            std::string::npos);
  EXPECT_NE(json.find("\"verdict\": \"failed\", \"failed_step\": 2"), std::string::npos);
  EXPECT_NE(json.find("\"detail\": \"step 2: expect\\n  received: \\\"\\\\r\\\\n\\\"\\n\""),
            std::string::npos);
}

TEST_F(ReportFormats, Tap) {
  EXPECT_EQ(TapReport(reports_),
            "TAP version 13\n1..4\nok 1 - storage/set\nnot ok 2 - storage/<bad>\n  ---\n"
            "  message: |\n    step 2: expect\n      received: \"\\r\\n\"\n  ...\n"
            "ok 3 - storage/skipped # SKIP requires meta\n"
            "not ok 4 - storage/known # TODO known failure: proxy drops cas\n");
}

}  // namespace
}  // namespace mcspec::conformance
