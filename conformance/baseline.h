// Baselines: a target's known failures, and the verdict on a case's result in
// their light.
//
// A baseline file (YAML) lists, for one target, the cases known to fail there,
// each with the step it fails at and why:
//
//   target: 127.0.0.1:11211
//   failures:
//     - case: storage/cas-stale
//       step: 3
//       reason: the proxy forwards cas to a server without cas support
//
// A listed case that fails at its step is a known failure and does not fail
// the run; one that fails at another step is a failure; one that passes is
// stale and fails the run, so that the list never hides a fixed bug.
// `--update-baseline` rewrites the file from a run (UpdateBaseline).
#ifndef MCSPEC_CONFORMANCE_BASELINE_H_
#define MCSPEC_CONFORMANCE_BASELINE_H_

#include <map>
#include <string>
#include <vector>

#include "runner.h"
#include "test_case.h"

namespace mcspec::conformance {

struct KnownFailure {
  int step = 0;  // CaseResult::failed_step
  std::string reason;
};

struct Baseline {
  std::string target;
  std::map<std::string, KnownFailure> failures;  // by case id
};

// Reads a baseline file; false with *error ("file:line: reason") when it
// cannot be read or is malformed.
bool LoadBaseline(const std::string& path, Baseline* baseline, std::string* error);
// The file's text, failures sorted by case id.
std::string FormatBaseline(const Baseline& baseline);

enum class Verdict { kPassed, kFailed, kSkipped, kKnownFailure, kStale };

struct Judgement {
  Verdict verdict = Verdict::kPassed;
  std::string note;  // for known failures and stale entries, what the baseline says
};

// The verdict on a case's result; `baseline` may be null.
Judgement Judge(const TestCase& test, const CaseResult& result, const Baseline* baseline);

// A run's results folded into a baseline: the failed cases become its
// entries (keeping the reasons it already gave them), passed cases leave it,
// and the entries of cases the run skipped or did not select stay.
struct RunResult {
  const TestCase* test;
  CaseResult result;
};
Baseline UpdateBaseline(const Baseline& old, const std::string& target,
                        const std::vector<RunResult>& results);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_BASELINE_H_
