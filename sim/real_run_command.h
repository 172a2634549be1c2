// `mcsim run --target HOST:PORT --seed N [--ops N | --duration S]
// [--clients N] [--history FILE] [--html OUT]`: runs the seed's workload
// against a real server (real_run.h), records the history and checks it as
// `mcsim check` does (check_command.h), with evictions allowed when the
// server's counters show it evicted during the run.
//
// Prints the seed's parameters and what of them does not apply, a summary
// line (operations, replies, time, operations per second), the server's
// counters, then the check. Exit status as `mcsim check`: 0 linearizable,
// 1 not (or the server broke the protocol), 2 bad usage or no connection,
// 3 unknown (the check's budget ran out, or a failing verdict is not to be
// trusted because the server relinked items with new CAS uniques).
#ifndef MCSPEC_SIM_REAL_RUN_COMMAND_H_
#define MCSPEC_SIM_REAL_RUN_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace mcspec::sim {

// `args` are the words after `mcsim run`.
int RunTargetCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_REAL_RUN_COMMAND_H_
