// One simulated UDP client: its own socket, one request at a time, each a
// single datagram with memcached's 8-byte frame header and a fresh request
// id, for single-key operations with values small enough to fit (a
// multi-key get's reply is several independently framed objects, which
// reordering makes ambiguous). The reply's datagrams are put together by
// sequence number; a reply that does not arrive whole within a timeout
// completes the operation as `info`. A request the network duplicates runs
// twice on the server: each copy is its own operation in the execution feed,
// and the client answers for the copy whose reply it took.
#ifndef MCSPEC_SIM_SIM_UDP_CLIENT_H_
#define MCSPEC_SIM_SIM_UDP_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim_client.h"

namespace mcspec::sim {

class UdpClient : public DatagramEndpoint {
 public:
  UdpClient(uint32_t index, ClientContext& context);

  void Start();
  bool done() const { return !waiting_ && !send_scheduled_ && context_.ops_left == 0; }

  void OnDatagram(std::string_view bytes, uint64_t tag) override;

 private:
  // The datagrams of one copy's reply.
  struct Assembly {
    uint64_t tag = 0;
    uint16_t total = 0;
    std::vector<std::string> parts;
    size_t received = 0;
  };

  void ScheduleSend();
  void SendOne();
  // Takes *reply, when given (the feed leaves buffers in it to reuse).
  void Finish(uint64_t answered, Reply* reply);
  // Parses the whole reply to the copy `tag` and finishes with it.
  void FinishWithPayload(uint64_t tag, std::string_view payload);

  uint32_t index_;
  ClientContext& context_;
  int64_t skew_s_;
  uint32_t socket_ = 0;
  bool waiting_ = false;
  bool send_scheduled_ = false;
  uint16_t request_id_ = 0;
  uint64_t attempt_ = 0;  // tells a stale timeout from the current one
  uint64_t op_id_ = 0;
  uint64_t duplicate_id_ = 0;
  uint64_t process_ = 0;
  // The extra process of a request the server will run twice (0: none).
  uint64_t second_run_process_ = 0;
  // The assemblies of the current request: the first assembly_count_ (the
  // others are kept for their buffers).
  std::vector<Assembly> assemblies_;
  size_t assembly_count_ = 0;
  std::string datagram_;                               // scratch: the request sent
  std::string payload_;                                // scratch: a reply put together
  Reply reply_;                                        // scratch: the reply parsed
  std::vector<std::pair<uint32_t, uint64_t>> no_cas_;  // UDP clients do not race cas
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SIM_UDP_CLIENT_H_
