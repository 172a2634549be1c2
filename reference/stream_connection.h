// One TCP or unix-socket client of mcref's network front end (net_server.h):
// the bytes it sends go to its Session, the Session's output back to it.
//
// Reads are memcached's: at most 16 KiB of requests at a time, less the
// partial request kept from the last read, and a value's bytes up to what it
// still needs. While output is being written nothing more is read or
// processed, so a client that sends without reading holds one read's worth
// of responses at most (memcached stops on its blocked write the same way).
// A Session that yields after -R requests carries on only after the other
// ready connections have had their turn.
#ifndef MCSPEC_REFERENCE_STREAM_CONNECTION_H_
#define MCSPEC_REFERENCE_STREAM_CONNECTION_H_

#include <boost/asio/generic/stream_protocol.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "session.h"

namespace mcspec::ref {

class NetServer;

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  using Socket = boost::asio::generic::stream_protocol::socket;

  // `log_endpoint` and `transport` describe the peer in connevents lines
  // ("rip=127.0.0.1 rport=40000", "tcp" or "local").
  StreamConnection(NetServer& net, Socket socket, std::string log_endpoint,
                   std::string_view transport);
  StreamConnection(const StreamConnection&) = delete;
  StreamConnection& operator=(const StreamConnection&) = delete;

  void Start();
  // Sends the watch lines waiting for this connection, if it watches and is
  // not already writing.
  void DeliverWatchLines();
  // Closes the socket; `reason` is memcached's (normal, error, idle_timeout,
  // shutdown).
  void Close(std::string_view reason);

  int fd() const { return fd_; }
  bool tcp() const { return transport_ == "tcp"; }
  const Session& session() const { return session_; }
  Session& session() { return session_; }
  const std::string& log_endpoint() const { return log_endpoint_; }
  std::string_view transport() const { return transport_; }

 private:
  // Decides the next step: write pending output, close, resume after a
  // yield, or read.
  void Continue();
  void StartRead();
  void StartWrite();

  NetServer& net_;
  Socket socket_;
  int fd_;
  Session session_;
  std::string log_endpoint_;
  std::string_view transport_;
  std::string out_;
  std::vector<char> in_;
  bool reading_ = false;
  bool writing_ = false;
  bool resume_posted_ = false;
  bool closed_ = false;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_STREAM_CONNECTION_H_
