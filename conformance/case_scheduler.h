// Runs a list of cases on `jobs` targets at once and hands back their results
// in the list's order, whatever order they finished in.
//
// Each worker thread owns one Target, made by the factory. When the targets'
// servers are private (the embedded reference, spawned servers), any case may
// run beside any other. When they share one server, the cases that need it to
// themselves (`exclusive`) run after all the others, one at a time. Cases that
// name settings are run grouped by settings, so that a spawned server is
// restarted as seldom as possible.
#ifndef MCSPEC_CONFORMANCE_CASE_SCHEDULER_H_
#define MCSPEC_CONFORMANCE_CASE_SCHEDULER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runner.h"
#include "target.h"
#include "test_case.h"

namespace mcspec::conformance {

// Makes one Target for a worker; nullptr with *error set on failure.
using TargetFactory = std::function<std::unique_ptr<Target>(std::string* error)>;

// Called on the calling thread, once per case in list order, as soon as that
// case and every case before it have finished.
using ResultCallback = std::function<void(size_t index, const CaseResult& result)>;
// Called on the calling thread whenever more cases have finished, in any order.
using ProgressCallback = std::function<void(size_t finished)>;

// Runs every case; false with *error set when a target could not be made.
bool RunCases(const std::vector<const TestCase*>& cases, const TargetFactory& make_target, int jobs,
              const RunnerOptions& options, const ResultCallback& on_result,
              const ProgressCallback& on_progress, std::string* error);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_CASE_SCHEDULER_H_
