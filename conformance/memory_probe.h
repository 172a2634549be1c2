// `mcconform memory`: the MEMORY STATS report (reference/memory_report.h,
// defined in docs/memory-stats.md) of any server, computed from its
// `stats`, `stats slabs` and `stats items` replies.
//
// It is the reference's `stats memory` for servers that lack it, with one
// difference: only the reference knows its peak, so peak.allocated is the
// current total.allocated here.
#ifndef MCSPEC_CONFORMANCE_MEMORY_PROBE_H_
#define MCSPEC_CONFORMANCE_MEMORY_PROBE_H_

#include <chrono>
#include <string>
#include <vector>

#include "memory_report.h"
#include "target.h"

namespace mcspec::conformance {

// Asks the three stats families on `connection` (which must have nothing
// unread) and computes the report; false with *error set when the server
// does not answer them or lacks a figure.
bool ProbeMemoryStats(Connection& connection, std::chrono::milliseconds timeout,
                      std::vector<ref::MemoryStat>* report, std::string* error);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_MEMORY_PROBE_H_
