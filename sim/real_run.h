// One seed's workload against a real server (`mcsim run --target`): the
// simulator's swarm parameters, workload, request encoding, reply parsing
// and history recording (client_history.h), driven over real TCP sockets in
// real time by one thread polling every connection. Nothing about the run
// is deterministic but the workload's shape; times in the history are
// monotonic nanoseconds since the run started.
//
// What a real network and server cannot take from the seed (AdaptToTarget):
// server settings and clock jumps (the target has its own -m, LRU and real
// clock), network faults and UDP clients. flush_all is sent without delay: a
// delayed flush_all can make items an earlier one flushed visible again,
// which the checker's key model (key_model.h) does not allow. TTLs are kept:
// that model lets an item written with a non-zero exptime vanish at any
// moment and never requires it to, so the real clock's uncertainty cannot
// make it wrong (and it cannot see an item living too long).
//
// The target is flushed (flush_all) before the run: the checker starts with
// every key absent.
//
// Evictions are judged from the server's own counters, read with `stats`
// and `stats items` before and after the run: `evictions` and
// `slab_reassign_evictions_nomem` (items dropped at an LRU tail or by a slab
// page move), `outofmemory` (stores refused for memory, which unlink the old
// value: a noreply one leaves no trace in the history), and
// `slab_reassign_rescues` (items a page move relinked: they get new CAS
// uniques without being written).
#ifndef MCSPEC_SIM_REAL_RUN_H_
#define MCSPEC_SIM_REAL_RUN_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "swarm.h"

namespace mcspec::sim {

struct TargetRunOptions {
  std::string host;
  std::string port;
  uint64_t seed = 1;
  uint64_t ops = 10000;             // operations to issue, unless duration_ns > 0
  int64_t duration_ns = 0;          // > 0: issue operations for this long instead
  std::optional<uint32_t> clients;  // overrides the swarm's draw
  std::ostream* history = nullptr;  // the history (history.h), when given
};

// The counters of `stats` that tell what the server dropped or relinked.
struct ServerCounters {
  uint64_t evictions = 0;
  uint64_t slab_evictions = 0;  // slab_reassign_evictions_nomem
  uint64_t slab_rescues = 0;    // slab_reassign_rescues
  uint64_t out_of_memory = 0;   // `stats items`: outofmemory, all classes
};

struct TargetRunResult {
  // A connection could not be made or broke (not the server's answer): the
  // run says nothing about the server.
  std::string connection_error;
  // The server answered something the protocol does not allow: a reply that
  // does not parse, bytes with no request waiting, hits out of request
  // order, the wrong error for a bad request.
  std::string failure;
  SwarmParameters drawn;  // the seed's parameters, before AdaptToTarget
  uint64_t ops_issued = 0;
  uint64_t replies = 0;
  uint64_t unknown = 0;     // completed as info (noreply, closed connections)
  uint64_t unanswered = 0;  // of those, no reply within the drain timeout
  // Some store may have made an item larger than the target's item size
  // limit (`stats settings` item_size_max): memcached then refuses it (an
  // append or prepend NOT_STORED with the key present, a set unlinking the
  // old value), which the key model does not allow. Judged from an upper
  // bound on each key's length.
  bool may_exceed_item_size = false;
  uint64_t connections = 0;    // opened by clients
  uint64_t server_closes = 0;  // client connections the server closed
  int64_t elapsed_ns = 0;      // first request to last reply
  // `stats` before and after; empty when the server did not answer it.
  std::optional<ServerCounters> before;
  std::optional<ServerCounters> after;
};

// The seed's parameters as a real run uses them (see above).
void AdaptToTarget(SwarmParameters* params);
// What of the seed's parameters a real run leaves out, in one line.
std::string NotApplied(const SwarmParameters& drawn);

TargetRunResult RunAgainstTarget(const TargetRunOptions& options);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_REAL_RUN_H_
