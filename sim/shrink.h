// `mcsim shrink`: minimises a failing trace's inputs by delta debugging
// while they still fail the same way, and only because of the injected bugs.
//
// A candidate "still fails" when, judged as `mcsim run` judges (shrink_judge.h),
// it fails with the trace's injected bugs with the same FailureSignature as
// the whole trace, and passes on the reference without them. The passes, each
// deterministic, repeat until none removes anything (the result is then
// 1-minimal for each: no single connection, request, clock jump, ... can go)
// or the budget of judged candidates runs out:
//   - first, each cas is given its source (shrink_inputs.h), the gets that
//     showed the unique it sends, so that its unique follows removals;
//   - everything after the step whose reply failed;
//   - whole connections (a UDP sender counts as one), then whole requests,
//     then clock jumps: halving chunks, then one at a time (ddmin);
//   - split writes: a request's pieces merged into one (at its last piece's
//     place, else at its first), fewer byte boundaries;
//   - clock jumps merged when nothing arrives between them, and each made
//     as short as possible;
//   - keys dropped from multi-key gets; values shortened; flags and
//     exptimes set to 0; keys renamed to one letter throughout.
#ifndef MCSPEC_SIM_SHRINK_H_
#define MCSPEC_SIM_SHRINK_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "shrink_inputs.h"

namespace mcspec::sim {

struct ShrinkOptions {
  uint64_t max_checks = 20000;  // candidates judged at most
  std::ostream* log = nullptr;  // what each pass removed
};

struct ShrinkResult {
  bool ok = false;
  std::string error;  // why nothing was shrunk (the trace does not fail, ...)
  TraceInputs inputs;
  std::string failure;    // the shrunk inputs' failure with the bugs
  std::string signature;  // the original's, which it keeps
  uint64_t checks = 0;    // candidates judged
  bool minimal = false;   // false: the budget ran out first
};

ShrinkResult Shrink(const TraceInputs& inputs, const ShrinkOptions& options);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHRINK_H_
