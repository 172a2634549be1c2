// `mcsim check FILE [--html OUT] [--evictions|--no-evictions] [--budget N]`:
// checks a recorded history (history.h) for linearizability against the
// memcached key model, whether it was recorded in simulation or against a
// real server, and prints a summary: events, operations, keys, search steps
// and time taken, and for each key without a linearization the operations
// involved with their times and processes. With --html, a failing history is
// also drawn as a page (history_html.h).
//
// Exit status: 0 linearizable, 1 not linearizable, 2 bad usage or input,
// 3 unknown (the step budget ran out on some key, and no key failed).
#ifndef MCSPEC_SIM_CHECK_COMMAND_H_
#define MCSPEC_SIM_CHECK_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace mcspec::sim {

// `args` are the words after `mcsim check`.
int RunCheckCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Checks a history as `mcsim check` does with its default options (for
// `mcsim run --check-linearizable`). Returns the exit status `mcsim check`
// would give, with one line on *summary ("linearizable: N operations, S
// search steps, T ms") and, when not 0, the explanation on *details.
int CheckRecordedHistory(const std::string& history, std::string* summary, std::string* details);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_CHECK_COMMAND_H_
