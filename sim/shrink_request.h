// A client request's bytes read back into the Operation mcsim's clients would
// have issued (operation.h), for a shrinker that has only a trace's bytes.
//
// Strict: a request is an operation only if EncodeRequest writes exactly
// its bytes again, so nothing is guessed. Anything else (mcsim's bad
// requests, `watch evictions`) is not an operation.
#ifndef MCSPEC_SIM_SHRINK_REQUEST_H_
#define MCSPEC_SIM_SHRINK_REQUEST_H_

#include <string_view>

#include "operation.h"

namespace mcspec::sim {

// True, with *op filled, when `bytes` is exactly one request EncodeRequest
// writes (command line and, for storage, its data block).
bool ParseRequest(std::string_view bytes, Operation* op);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHRINK_REQUEST_H_
