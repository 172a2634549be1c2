#include "udp_connection.h"

#include <algorithm>

namespace mcspec::ref {

UdpConnection::UdpConnection(Server& server, int fd, std::string listen_addr)
    : server_(server), session_(server, fd), listen_addr_(std::move(listen_addr)) {}

bool UdpConnection::Receive(std::string_view datagram, std::string_view peer,
                            std::vector<std::string>* replies) {
  scratch_.clear();
  const bool to_sender = Receive(datagram, peer, &scratch_);
  for (size_t i = 0; i < scratch_.size(); ++i) replies->emplace_back(scratch_[i]);
  return to_sender;
}

bool UdpConnection::Receive(std::string_view datagram, std::string_view peer,
                            DatagramList* replies) {
  responses_.clear();
  bool new_requester = false;
  if (const uint64_t left = session_.value_bytes_left(); left > 0) {
    if (datagram.empty()) {
      session_.AbortDatagramValue();
      return false;
    }
    const uint64_t limit =
        session_.swallowing() ? std::min<uint64_t>(left, kUdpReadBufferSize) : left;
    session_.ReceiveDatagram(datagram.substr(0, std::min<uint64_t>(limit, datagram.size())),
                             &responses_);
  } else {
    // memcached counts every datagram longer than a header, even one it
    // drops; the session counts the payload of those it takes.
    const std::optional<UdpRequest> request = ParseUdpRequest(datagram);
    if (datagram.size() > kUdpHeaderSize) {
      server_.counters().bytes_read += request ? kUdpHeaderSize : datagram.size();
    }
    if (!request) return false;
    request_id_ = request->request_id;
    if (session_.peer_addr() != peer || session_.listen_addr() != listen_addr_) {
      session_.set_addresses(std::string(peer), listen_addr_);
    }
    session_.ReceiveDatagram(request->payload, &responses_);
    new_requester = true;
  }
  const size_t before = replies->size();
  FrameUdpResponses(request_id_, responses_, replies);
  server_.counters().bytes_written += (replies->size() - before) * kUdpHeaderSize;
  return new_requester;
}

}  // namespace mcspec::ref
