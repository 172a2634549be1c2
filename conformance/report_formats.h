// A run's results as machine-readable reports: JUnit XML (CI dashboards),
// JSON (scripts) and TAP version 13 (test harnesses).
//
// Every case of the run appears in list order with its verdict (baseline.h):
// JUnit marks known failures as skipped with the baseline's reason and stale
// entries as failures; TAP marks known failures `# TODO` (its directive for
// expected failures) and skips `# SKIP`.
#ifndef MCSPEC_CONFORMANCE_REPORT_FORMATS_H_
#define MCSPEC_CONFORMANCE_REPORT_FORMATS_H_

#include <string>
#include <vector>

#include "baseline.h"
#include "runner.h"
#include "test_case.h"

namespace mcspec::conformance {

struct CaseReport {
  const TestCase* test;
  CaseResult result;
  Judgement judgement;
};

struct RunSummary {
  std::string target;
  int passed = 0;
  int failed = 0;  // failures and stale baseline entries
  int skipped = 0;
  int known_failures = 0;
  double seconds = 0;
};

RunSummary Summarize(const std::string& target, const std::vector<CaseReport>& reports,
                     double seconds);

std::string JunitReport(const RunSummary& summary, const std::vector<CaseReport>& reports);
std::string JsonReport(const RunSummary& summary, const std::vector<CaseReport>& reports);
std::string TapReport(const std::vector<CaseReport>& reports);

// "N passed, N failed, N skipped" and ", N known failures" when there are any.
std::string SummaryLine(const RunSummary& summary);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_REPORT_FORMATS_H_
