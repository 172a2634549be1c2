// Writes shrunk trace inputs as a conformance case for specs/ (the YAML
// format of specs/README.md), to run with mcconform.
//
// The inputs are re-executed on the reference without injected bugs, which
// the oracle must accept; each step's expectation is exactly what it
// answered (what memcached 1.6.18 answers: the reference is its
// deterministic model), so the case passes on memcached and fails on a
// server with the bug. Steps: each piece a `send` on its connection (`c<N>`,
// UDP senders `u<N>` with `datagram`), followed by `expect` of its answer, or
// by a short `expect_nothing_for` when it has none and the next step is on
// another connection (so that a real server reads it first); clock jumps are
// `advance`; eviction watcher lines are `expect_regex` on the watcher's
// connection, their timestamps and ages left open. The case runs on a fresh
// server of the trace's flags, alone (`fresh`, `exclusive`): cas uniques are
// literal, as a fresh memcached assigns them. A client's close is not
// expressible in the format and is left out.
#ifndef MCSPEC_SIM_SHRINK_CASE_H_
#define MCSPEC_SIM_SHRINK_CASE_H_

#include <string>

#include "shrink_inputs.h"

namespace mcspec::sim {

struct CaseInfo {
  std::string id;           // a-z 0-9 _ - .
  std::string description;  // the case's: seed, bug, shrink
  std::string spec;         // protocol.txt's section title
};

// The suite file's text; false with *error when the inputs fail on the
// reference without injected bugs (no expectation could be trusted).
bool WriteConformanceCase(const TraceInputs& inputs, const CaseInfo& info, std::string* yaml,
                          std::string* error);

// The protocol.txt section a failure signature (shrink_judge.h) is about.
std::string SpecSectionFor(const std::string& signature);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHRINK_CASE_H_
