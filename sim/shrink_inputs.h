// A trace's inputs (trace.h) in the units a shrinker removes: the requests
// each connection sent, and the schedule of what reached the server when
// (connections opening and closing, pieces of requests, clock jumps,
// datagrams). The server's recorded outputs are left out: whoever replays
// the inputs computes them again.
//
// Every `in` record lies within one request (the simulator hands the server
// bytes split at request boundaries), so a request is the bytes of the
// records up to its `request` record, and a storage request's `header`
// record says where its command line ends. Bytes after a connection's last
// `request` record form one incomplete request (the eviction watcher's
// `watch evictions`, or a request cut short by a reset).
#ifndef MCSPEC_SIM_SHRINK_INPUTS_H_
#define MCSPEC_SIM_SHRINK_INPUTS_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace mcspec::sim {

struct TraceRequest {
  uint32_t conn = 0;
  std::string bytes;
  size_t header = 0;      // storage: its command line's length; 0: not marked
  bool complete = false;  // its `request` record was seen
  std::string peer;       // a datagram's sender; empty over TCP
  // A cas over TCP: the gets request whose reply showed the unique it sends
  // (shrink.h finds it). A judge sends the unique that reply shows then, so
  // that removing other stores, which shifts every later unique, keeps the
  // cas's relation to its item. kNoSource: the unique is literal.
  static constexpr size_t kNoSource = static_cast<size_t>(-1);
  size_t cas_source = kNoSource;

  bool operator==(const TraceRequest&) const = default;
};

struct TraceStep {
  enum class Kind : uint8_t { kOpen, kPiece, kClock, kClose, kUdpOpen, kDatagram };
  Kind kind = Kind::kOpen;
  uint32_t conn = 0;
  size_t request = 0;   // kPiece, kDatagram: index in TraceInputs::requests
  size_t size = 0;      // kPiece: how many of the request's bytes arrive
  int64_t seconds = 0;  // kClock

  bool operator==(const TraceStep&) const = default;
};

struct TraceInputs {
  std::string command;  // the run that made the trace
  std::vector<std::string> flags;
  std::vector<std::string> bugs;
  std::vector<TraceRequest> requests;
  std::vector<TraceStep> steps;

  size_t connections() const;  // TCP connections and UDP senders
  size_t bytes() const;        // request bytes
  size_t pieces() const;       // kPiece and kDatagram steps
  size_t clock_jumps() const;
  int64_t clock_seconds() const;
  // "N connections, N requests, N bytes in N pieces, N clock jumps (N s)".
  std::string Summary() const;

  bool operator==(const TraceInputs&) const = default;
};

// Reads a trace; false with *error (naming the line) when it does not parse.
bool ParseTraceInputs(std::istream& trace, TraceInputs* inputs, std::string* error);

// The inputs with only the requests and steps kept (`keep_request`,
// `keep_step`, one flag each); a request's pieces go with it, and a request
// of which only the first pieces remain is cut to their bytes (incomplete).
// A kept cas keeps its source.
TraceInputs Keep(const TraceInputs& inputs, const std::vector<bool>& keep_request,
                 const std::vector<bool>& keep_step);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHRINK_INPUTS_H_
