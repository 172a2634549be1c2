// `mcsim shrink TRACE [--out FILE] [--id ID] [--budget N]`: minimises a
// failing trace (shrink.h) and writes the result as a conformance case
// (shrink_case.h) to FILE, or to standard output. What each pass removed
// and the sizes before and after go to standard output when the case goes
// to a file, else to standard error; so do the elapsed time and the failure
// kept. The case's id is ID, else "seed-N-BUG" from the trace's command.
//
// Exit status: 0 written, 1 the trace cannot be shrunk (it does not fail
// with its injected bugs, or fails without them too), 2 bad usage or input.
#ifndef MCSPEC_SIM_SHRINK_COMMAND_H_
#define MCSPEC_SIM_SHRINK_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace mcspec::sim {

// `args` are the words after `mcsim shrink`.
int RunShrinkCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHRINK_COMMAND_H_
