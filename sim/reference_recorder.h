// Histories with a known linearization, for testing and timing checkers:
// operations are run one at a time against the reference server (text
// protocol, one session per process) and their replies parsed into history
// events; then they are given overlapping invoke/complete intervals that
// each contain the moment the operation ran, so the execution order is a
// linearization of the resulting history.
#ifndef MCSPEC_SIM_REFERENCE_RECORDER_H_
#define MCSPEC_SIM_REFERENCE_RECORDER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "history.h"
#include "server.h"
#include "session.h"

namespace mcspec::sim {

// Draws a number uniformly in [0, bound); bound > 0.
using RandomBelow = std::function<uint64_t(uint64_t bound)>;

class ReferenceRecorder {
 public:
  explicit ReferenceRecorder(const ref::Settings& settings);

  // Sends `invoke` (an operation of history.h) on its process's session and
  // returns the completion: `ok` with the parsed reply, or `fail` with the
  // reply as error when it is not one the format knows (e.g. SERVER_ERROR).
  HistoryEvent Execute(const HistoryEvent& invoke);

 private:
  ref::Server server_;
  std::map<uint64_t, std::unique_ptr<ref::Session>> sessions_;
};

// An operation as it ran: in execution order, one at a time.
struct SequentialOperation {
  HistoryEvent invoke;
  HistoryEvent completion;
};

// The events of `operations` with times: each operation's interval contains
// its execution moment, a process's operations do not overlap, and other
// processes' operations overlap freely. Events are returned in time order.
std::vector<HistoryEvent> Interleave(const std::vector<SequentialOperation>& operations,
                                     const RandomBelow& below);

// A random workload of storage, retrieval and arithmetic commands.
struct Workload {
  size_t operations = 1000;
  size_t clients = 8;
  size_t keys = 10;
  // Per mille of operations whose completion is lost (recorded as `info`,
  // the client going on as a new process) and that are refused before being
  // sent (recorded as `fail`, never run).
  uint32_t info_per_mille = 0;
  uint32_t fail_per_mille = 0;
};

// Runs `workload` against a fresh reference server with default settings.
// Clients remember the uniques their gets saw and send them with cas.
std::vector<SequentialOperation> RunWorkload(const Workload& workload, const RandomBelow& below);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_REFERENCE_RECORDER_H_
