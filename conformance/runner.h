// Runs one conformance case on a Target and judges it.
//
// The runner opens the case's connections as steps first name them, sends
// each step's bytes and waits (up to the timeout) for its expectation; the
// first step that fails ends the case with a report of the step, what was sent,
// what was expected and what came. A case is skipped, with the reason, when the
// target lacks a capability it requires or cannot run it with its settings.
// Bytes nobody expected, left on any connection at the end, fail the case.
//
// Keys are namespaced per case: ${ns} is "c" + 8 hex digits + ":", derived from
// the case id and the namespace seed, so that cases sharing a server never
// touch each other's keys and a run is reproducible from its seed.
#ifndef MCSPEC_CONFORMANCE_RUNNER_H_
#define MCSPEC_CONFORMANCE_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "target.h"
#include "test_case.h"

namespace mcspec::conformance {

struct RunnerOptions {
  // How long to wait for an expected response over a network.
  std::chrono::milliseconds timeout{2000};
  uint64_t ns_seed = 0;
};

struct CaseResult {
  enum class Outcome { kPassed, kFailed, kSkipped };
  Outcome outcome = Outcome::kPassed;
  std::string detail;  // why it failed (a multi-line report) or was skipped
  // The step that failed, from 1; 0 when the case could not start, one past
  // the last step when unexpected bytes were left at its end.
  int failed_step = 0;
  std::chrono::microseconds elapsed{0};
};

std::string CaseNamespace(const std::string& case_id, uint64_t seed);

// What the case asks of its server: its settings and how far it moves the clock.
CaseNeeds NeedsOf(const TestCase& test);

CaseResult RunCase(const TestCase& test, Target& target, const RunnerOptions& options);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_RUNNER_H_
