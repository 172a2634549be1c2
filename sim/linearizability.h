// Linearizability of a memcached history, key by key.
//
// A history is linearizable when every operation can be given a point
// between its invoke and its completion such that, taken in the order of
// those points, the results are what the sequential model (key_model.h)
// allows. Operations on different keys never interact, so each key's
// sub-history is checked on its own (P-compositionality), with the search
// of Wing and Gong as refined by Lowe and used by Porcupine: a linked list of
// call and return entries, operations lifted out as they are linearized,
// backtracking, and a cache of (linearized set, model states) already
// explored. An operation that only observes the key (ObservesOnly) and that
// the present states all pass unchanged is linearized at once with no
// alternative tried: moved to the front, it keeps any linearization one, and
// without this the search explores every subset of the writes open with it.
//
// `fail` operations took no effect and are left out; `info` operations (and
// operations never completed) may take effect at any point after their
// invoke (before their completion if settled), or never.
//
// Where the history records connections, `ok` operations sent on one
// connection take effect in the order sent, as a memcached server runs a
// connection's requests one after another: a client pipelining requests on
// one connection has them overlap in time, but not in effect. This is more
// than linearizability asks, and cuts the search where clients pipeline
// (CheckOptions::connection_order turns it off).
#ifndef MCSPEC_SIM_LINEARIZABILITY_H_
#define MCSPEC_SIM_LINEARIZABILITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history.h"
#include "key_model.h"

namespace mcspec::sim {

// One operation of a history: its invoke and completion events.
struct HistoryOperation {
  size_t invoke_event = 0;    // 1-based positions of the events in the history
  size_t complete_event = 0;  // 0: never completed
  uint64_t process = 0;
  std::optional<uint64_t> connection;  // the TCP connection it went on, if recorded
  std::string key;
  int64_t invoke_time = 0;
  EventType completion = EventType::kInfo;  // kOk, kFail, or kInfo (also: never completed)
  bool settled = false;                     // an info that took effect by its completion, or never
  std::optional<int64_t> complete_time;     // none when never completed
  KeyOperation operation;

  // "#12 process 3 [1200, 1900] set \"a\" flags 0 -> STORED"
  std::string Describe() const;
};

// Pairs invokes with completions. False with *error ("event N: why") when
// the events do not form a history: a completion without a pending invoke,
// a second invoke while one is pending, a completion for another operation
// or key, an unknown operation or result.
bool CollectOperations(const std::vector<HistoryEvent>& events,
                       std::vector<HistoryOperation>* operations, std::string* error);

struct CheckOptions {
  KeyModelOptions model;
  // Search steps (model steps tried) allowed per key; 0: no bound. A key
  // whose search runs out is reported as unknown.
  uint64_t step_budget = 5'000'000;
  // Order a connection's `ok` operations as sent (see above).
  bool connection_order = true;
};

enum class Verdict { kLinearizable, kNotLinearizable, kUnknown };

// Why a key's sub-history has no linearization.
struct KeyFailure {
  std::string key;
  std::vector<HistoryOperation> operations;  // the key's, in invoke order
  // The longest order found in which a prefix of the operations is
  // explained (indices into `operations`), and the states it may leave.
  std::vector<size_t> longest_order;
  std::vector<KeyState> states_after;
  // The operation whose completion no extension reaches: it must have taken
  // effect by then, and at that point none of `stuck` (indices into
  // `operations`) can go next; other pending operations, if any, can, but
  // lead to no linearization of the rest.
  size_t deadline = 0;
  std::vector<size_t> stuck;
  std::vector<std::string> stuck_reasons;  // one per `stuck`
  std::string explanation;                 // all of the above, in words
};

struct CheckResult {
  Verdict verdict = Verdict::kLinearizable;
  size_t operations = 0;
  size_t keys = 0;
  uint64_t steps = 0;                // model steps tried, all keys
  std::vector<KeyFailure> failures;  // keys without a linearization, in key order
  std::vector<std::string> unknown;  // keys whose search ran out of budget
};

CheckResult CheckOperations(const std::vector<HistoryOperation>& operations,
                            const CheckOptions& options);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_LINEARIZABILITY_H_
