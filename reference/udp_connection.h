// memcached's UDP "connection", without sockets: one per UDP socket, serving
// every client that sends to it, one datagram at a time.
//
// A datagram carries requests (udp_frame.h says which memcached takes); they
// run on a Session in datagram mode and its response objects come back
// framed, with the datagram's request id. While a value is still being read,
// memcached reads the next datagram straight from the socket into the item,
// header and all, cut to the bytes the value still needs (or, for a refused
// value, to its read buffer); the replies then still go to the client whose
// request is being completed. Header bytes count in bytes_read and
// bytes_written as memcached counts them.
#ifndef MCSPEC_REFERENCE_UDP_CONNECTION_H_
#define MCSPEC_REFERENCE_UDP_CONNECTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "session.h"
#include "udp_frame.h"

namespace mcspec::ref {

class UdpConnection {
 public:
  // `fd` numbers the connection (memcached: the socket's); `listen_addr` is
  // the socket's address in memcached's form ("udp:127.0.0.1:11211").
  UdpConnection(Server& server, int fd, std::string listen_addr);

  // Takes one datagram from `peer` (memcached's form, "udp:127.0.0.1:40000")
  // and appends the datagrams to send back. Returns true when they (and later
  // ones, until the next true) go to this datagram's sender, false when the
  // datagram was ignored or continued the requester's value.
  bool Receive(std::string_view datagram, std::string_view peer, DatagramList* replies);
  // The same, each reply datagram a string of its own.
  bool Receive(std::string_view datagram, std::string_view peer, std::vector<std::string>* replies);

  const Session& session() const { return session_; }

 private:
  Server& server_;
  Session session_;
  std::string listen_addr_;
  uint16_t request_id_ = 0;
  std::vector<Session::Response> responses_;
  DatagramList scratch_;  // the replies of the vector<string> form
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_UDP_CONNECTION_H_
