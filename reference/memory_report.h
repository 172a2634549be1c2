// `stats memory`: Redis's MEMORY STATS report for a memcached server, in
// memcached's "STAT name value" form. docs/memory-stats.md defines each line.
//
// The report is a pure function of the replies to `stats`, `stats slabs` and
// `stats items`, so that it can be computed for any memcached (mcconform) as
// well as for the reference, which answers `stats memory` with it. That
// command is an extension: memcached 1.6.18 answers it with ERROR.
#ifndef MCSPEC_REFERENCE_MEMORY_REPORT_H_
#define MCSPEC_REFERENCE_MEMORY_REPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server.h"

namespace mcspec::ref {

// One stats family, name -> value.
using StatMap = std::map<std::string, std::string, std::less<>>;

// Parses a reply made of "STAT name value\r\n" lines, optionally ended by
// "END\r\n". nullopt when a line has another form or a name repeats.
std::optional<StatMap> ParseStatReply(std::string_view reply);

struct MemoryStatsInput {
  StatMap general;  // `stats`
  StatMap slabs;    // `stats slabs`
  StatMap items;    // `stats items`
  // The highest allocator.allocated plus hash table bytes the server has
  // held (Cache::peak_bytes). Only the reference tracks it; without it
  // peak.allocated is total.allocated.
  std::optional<uint64_t> peak_store_bytes;
};

struct MemoryStat {
  std::string name;
  std::string value;
};

// The report's lines, in the order of Redis's reply. False, with *error
// naming the figure, when the input lacks a figure or it is not a number.
bool ComputeMemoryStats(const MemoryStatsInput& input, std::vector<MemoryStat>* report,
                        std::string* error);

// The reference's `stats memory`: its own `stats`, `stats slabs` and
// `stats items` replies, parsed and passed to ComputeMemoryStats. Appends the
// "STAT name value\r\n" lines without the final "END\r\n".
void AppendMemoryStats(const Server& server, std::string* out);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_MEMORY_REPORT_H_
