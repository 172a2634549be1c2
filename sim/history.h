// A history: what clients asked a memcached-protocol server and what they
// got back, as a sequence of events in the order they happened. mcsim records
// one for every run (simulated or against a real server) and its checkers
// read it; on disk it is JSON lines, one event per line.
//
// An operation is an `invoke` event followed, in the same process, by one
// completion:
//   ok    the operation took effect (or was a read) with the given result;
//   fail  it certainly did not take effect (the request was refused or never
//         reached the server);
//   info  unknown: the connection broke before the answer arrived, so it may
//         or may not have taken effect, at any time after its invoke. The
//         process never invokes again; its client goes on as a new process.
//         With "settled":1, if it took effect it did so before this event
//         (e.g. a noreply request, completed when the reply to a later
//         request on its connection arrives, or a request whose connection
//         is gone: the server runs nothing more of it).
//         Files written before this field existed read as before.
// A process has at most one operation pending. Times are nanoseconds on the
// recorder's clock (virtual in simulation), non-decreasing in file order.
//
// One line per event, keys in this order, absent keys omitted:
//   {"type":"invoke","process":3,"time":1200,"f":"set","key":"k1",
//    "connection":2,"value":"abc","flags":0,"exptime":0}
//   {"type":"ok","process":3,"time":1900,"f":"set","key":"k1","result":"STORED"}
//   {"type":"ok","process":4,"time":2000,"f":"gets","key":"k1","result":"HIT",
//    "value":"abc","flags":0,"cas":17}
// Strings are JSON strings; bytes outside printable ASCII are written as
// \u00XX (one byte each), so any byte string round-trips.
#ifndef MCSPEC_SIM_HISTORY_H_
#define MCSPEC_SIM_HISTORY_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::sim {

enum class EventType { kInvoke, kOk, kFail, kInfo };

// The operations and their results (memcached's reply words; a get is "HIT"
// with value, flags (and cas for gets) or "MISS"):
//   get, gets                       HIT | MISS
//   set                             STORED
//   add, replace, append, prepend   STORED | NOT_STORED
//   cas                             STORED | EXISTS | NOT_FOUND
//   delete                          DELETED | NOT_FOUND
//   incr, decr                      NUMBER (with `number`) | NOT_FOUND |
//                                   NON_NUMERIC (the value is not a number)
//   touch                           TOUCHED | NOT_FOUND
//   evict                           EVICTED: not a request but what the
//                                   server reported (memcached's `watch
//                                   evictions`): it evicted the key's live
//                                   item, at a point between the invoke and
//                                   the ok. mcsim records one per eviction,
//                                   each its own process; files without any
//                                   read as before.
//   flush                           FLUSHED | FLUSHING | RESTORED: not a
//                                   request either,
//                                   and with no key: a flush_all took
//                                   effect, hiding every item present, at a
//                                   point between the invoke and the ok.
//                                   FLUSHING: and from then until the next
//                                   flush every item stored is hidden as it
//                                   lands (the second memcached's
//                                   oldest_live names). RESTORED: a delayed
//                                   flush_all moved that second ahead of
//                                   the clock, showing again the hidden
//                                   items memcached had not unlinked yet.
//                                   mcsim records these in simulated runs,
//                                   each its own process;
//                                   in a file with any, the flush_all
//                                   requests themselves change nothing.
struct HistoryEvent {
  EventType type = EventType::kInvoke;
  uint64_t process = 0;
  int64_t time = 0;
  std::string f;
  std::string key;
  // invoke: the TCP connection the request went on, numbered by the
  // recorder, when the request went on one. A server runs a connection's
  // requests in the order sent, and the checkers order them so.
  std::optional<uint64_t> connection;
  // invoke: the data of a storage operation; ok of a get hit: the value.
  std::optional<std::string> value;
  std::optional<uint32_t> flags;
  std::optional<int64_t> exptime;  // storage operations and touch
  std::optional<uint64_t> delta;   // incr, decr
  // invoke of cas: the unique sent; ok of gets: the unique received.
  std::optional<uint64_t> cas;
  std::string result;              // completions only
  std::optional<uint64_t> number;  // ok of incr/decr: the new value
  std::string error;               // fail/info: why, free text
  bool settled = false;            // info: took effect before this event, or never

  bool operator==(const HistoryEvent&) const = default;
};

const char* EventTypeName(EventType type);

// One JSON line, without the newline.
std::string ToJsonLine(const HistoryEvent& event);

// Parses one line; false with *error set when it is not an event.
bool ParseJsonLine(std::string_view line, HistoryEvent* event, std::string* error);

struct HistoryReadResult {
  std::vector<HistoryEvent> events;
  std::string error;  // "line N: why" for the first bad line; events stop before it
};
HistoryReadResult ReadHistory(std::istream& in);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_HISTORY_H_
