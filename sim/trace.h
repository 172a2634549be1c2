// A trace: everything the server received in one run, with when, and what
// it answered, so that `mcsim replay` can re-execute the run against a fresh
// reference byte for byte, without the simulator.
//
// Text, one record per line; bytes are escaped (\\ \r \n \t, \xNN for other
// bytes outside printable ASCII), so a trace reads in an editor:
//   mcsim-trace 1
//   command mcsim run --seed 7 --ops 1000        the run that made it
//   flags -m 4 -o slab_automove=0                the server's flags
//   bug lost_append                              an injected bug (any number)
//   <ns> open <conn>                             a connection is accepted
//   <ns> in <conn> <bytes>                       bytes handed to its session
//   - out <conn> <bytes>                         what that input made it send
//   <ns> poll <conn>                             a watcher's lines collected
//   <ns> clock <seconds>                         the server clock jumps
//   <ns> close <conn>                            the connection is gone
//   <ns> udp-open <conn>                         the server's UDP socket
//   <ns> udp <conn> <peer> <bytes>               a datagram it received from peer
//   <ns> request <conn> <id>                     the input so far completed request <id>
//   <ns> header <conn> <id>                      ... the command line of storage request <id>
// After `udp`, `out` holds the datagrams sent back, each as "<size>:" and its bytes.
// `out` follows the `in` or `poll` that produced it and is absent when
// nothing was sent. `request` and `header` mark where each client request
// ends in its connection's input (replay ignores them; a shrinker uses them
// to drop whole requests). Connections are independent records: a shrinker can
// drop a connection's lines, or single requests, and replay the rest (the
// outputs recorded then no longer all match, which replay reports).
#ifndef MCSPEC_SIM_TRACE_H_
#define MCSPEC_SIM_TRACE_H_

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::sim {

class TraceWriter {
 public:
  explicit TraceWriter(std::ostream& out) : out_(out) {}
  void Header(std::string_view command, const std::vector<std::string>& flags,
              const std::vector<std::string>& bugs);
  void Open(int64_t time, uint32_t conn);
  void In(int64_t time, uint32_t conn, std::string_view bytes, std::string_view output);
  void Poll(int64_t time, uint32_t conn, std::string_view output);
  void Clock(int64_t time, int64_t seconds);
  void Close(int64_t time, uint32_t conn);
  void OpenUdp(int64_t time, uint32_t conn);
  void RequestEnd(int64_t time, uint32_t conn, uint64_t id, bool header);
  void Datagram(int64_t time, uint32_t conn, std::string_view peer, std::string_view bytes,
                const std::vector<std::string>& replies);

 private:
  void Output(uint32_t conn, std::string_view output);
  std::ostream& out_;
};

struct ReplayResult {
  bool identical = false;
  std::string error;  // a trace that does not parse, or the first difference
  std::string command;
  uint64_t inputs = 0;  // in and poll records replayed
  uint64_t bytes_out = 0;
};

ReplayResult Replay(std::istream& trace);

// Datagrams as one string: each as "<size>:" then its bytes.
std::string JoinDatagrams(const std::vector<std::string>& datagrams);
// Reads the bytes of a trace record, written by conformance::EncodeEscapes.
bool UnescapeBytes(std::string_view text, std::string* bytes);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_TRACE_H_
