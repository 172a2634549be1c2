// Judges a trace's inputs without the simulator's clients: re-executes them
// against a fresh reference (the trace's flags; its injected bugs or none),
// reads each request back into an operation (shrink_request.h), takes its
// reply from what the server sent on that connection, and checks the replies
// with the sequential oracle through an ExecutionFeed, in execution order,
// evictions reported by any `watch` connection included: the check `mcsim
// run` applies, fed from bytes instead of clients.
//
// A cas with a source (shrink_inputs.h) sends the unique its source's reply
// showed for its key, when its command line arrives in its first piece.
//
// Requests that are not operations (mcsim's bad requests) are only held to
// being answered by one error line (ERROR, CLIENT_ERROR, SERVER_ERROR): they
// change nothing, and which error they get is not what a shrink is about.
#ifndef MCSPEC_SIM_SHRINK_JUDGE_H_
#define MCSPEC_SIM_SHRINK_JUDGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shrink_inputs.h"

namespace mcspec::sim {

struct StepOutput {
  std::string sent;   // the bytes the step delivered (a cas's unique as it was sent)
  std::string bytes;  // what the step's connection sent back (datagrams one after another)
  // Lines watcher connections sent because of the step: (conn, bytes).
  std::vector<std::pair<uint32_t, std::string>> watched;
};

struct Judgement {
  bool failed = false;
  std::string failure;    // what the oracle (or the reply parser) found
  std::string signature;  // FailureSignature(failure)
  // Steps executed: up to and including the one whose reply failed, or all.
  size_t steps_run = 0;
  uint64_t checked = 0;             // replies the oracle checked
  std::vector<StepOutput> outputs;  // one per step run
  std::vector<size_t> executed;     // requests, in the order they executed
  // Per gets request answered: each key's unique, as its reply showed it.
  std::map<size_t, std::map<std::string, uint64_t>> uniques_shown;
};

// `with_bugs`: the trace's injected bugs switched on (else memcached).
Judgement JudgeInputs(const TraceInputs& inputs, bool with_bugs);

// What kind of failure a failure text names, for "fails the same way": the
// oracle's refusal of a reply is "<command> got <reply kind>" (the reply's
// first word; HIT or MISS for a retrieval: "cas got STORED", "get got
// HIT"); an eviction of a key that cannot be stored is "eviction of an
// absent key"; anything else is the text up to its first colon.
std::string FailureSignature(std::string_view failure);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHRINK_JUDGE_H_
