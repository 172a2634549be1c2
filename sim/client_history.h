// The history events (sim/history.h) of a simulated client's operations.
//
// Each operation is invoked by one process per key (a multi-get of N keys is
// N processes, invoked and completed at the same instants, each with its
// key's HIT or MISS). A reply completes it as `ok` with memcached's reply
// word, or as `fail` when it is an error (the request was refused; note that
// a set refused for want of memory also unlinks the key's old value, as
// memcached does). No reply (noreply, a broken connection, a lost datagram)
// completes it as `info` (settled once the server has run it or never will:
// a noreply request is completed when the reply to a later request on its
// connection arrives), after which the process is never used again,
// unless the simulator knows that the request never reached the server (the
// broken connection or the lost datagram took it): then as `fail`. Two
// operation names beyond history.h's list: "flush_all" (result OK, exptime
// = its delay) and "bad" (a deliberately malformed request, always `fail`
// with memcached's error).
//
// What the simulator knows and no client saw is recorded too, each as a
// process of its own, so that a checker allows for it:
// - an eviction the watcher reported: "evict" on the key, invoked and
//   completed `ok` ("EVICTED") at the instant it was reported;
// - a flush_all taking effect (flush_watch.h): "flush", with no key,
//   invoked and completed `ok` at that instant, "FLUSHED" or, when the
//   server's clock is at the second in which stores are hidden as they land,
//   "FLUSHING" (until the next "FLUSHED"); or "RESTORED" when a delayed
//   flush_all showed hidden items again;
// - a UDP request the network delivered twice, so that the server ran it
//   twice: the second copy is one more operation, invoked with the client's
//   and completed `info` when the client's completes (either copy may be the
//   one whose reply the client took).
#ifndef MCSPEC_SIM_CLIENT_HISTORY_H_
#define MCSPEC_SIM_CLIENT_HISTORY_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "operation.h"

namespace mcspec::sim {

// `connection`: the TCP connection the request goes on (none for UDP).
void RecordInvoke(std::ostream& out, uint64_t process, int64_t time, const Operation& op,
                  size_t key_index, std::optional<uint64_t> connection);
void RecordReply(std::ostream& out, const std::vector<uint64_t>& processes, int64_t time,
                 const Operation& op, const Reply& reply);
// `settled`: the server has run the request or never will (history.h).
void RecordNoReply(std::ostream& out, const std::vector<uint64_t>& processes, int64_t time,
                   const Operation& op, std::string_view why, bool settled);
void RecordNeverRan(std::ostream& out, const std::vector<uint64_t>& processes, int64_t time,
                    const Operation& op, std::string_view why);
void RecordEviction(std::ostream& out, uint64_t process, int64_t time, const std::string& key);
// `result`: FLUSHED, FLUSHING or RESTORED.
void RecordFlush(std::ostream& out, uint64_t process, int64_t time, std::string_view result);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_CLIENT_HISTORY_H_
