// mcref's network front end: one thread and one Boost.Asio io_context around
// the protocol core. It owns the sockets, the real clock and the process's
// connection bookkeeping; every protocol decision stays in Session.
//
// What it reproduces of memcached 1.6.18 (-t N):
// - Listeners: TCP on each `-l` address (comma-separated, `host:port`,
//   `[v6]:port`, `*`; all interfaces by default), UDP likewise with `-U`
//   (one connection per worker thread on each UDP socket, as memcached dups
//   them), or only the unix socket of `-s` (mode from `-a`). Port -1 takes
//   any free port; MEMCACHED_PORT_FILENAME receives the ports as memcached
//   writes them. File descriptors are numbered as memcached numbers them
//   (3 + 4N of its own come before its first listener), which `stats
//   conns`, watch lines and the connection limit show.
// - Connections: with maxconns_fast (the default) a client whose descriptor
//   is at least `-c` - 1 gets "ERROR Too many open connections" and is
//   closed; without it, accepting pauses while descriptors run out. Idle TCP
//   clients are closed after `-o idle_timeout`. connevents watch lines,
//   -vv's connection lines, and the stats figures (curr_, total_, rejected_
//   connections, connection_structures, reserved_fds, accepting_conns,
//   listen_disabled_num, idle_kicks) follow memcached's counting.
// - Time: memcached's clock ticks once a second from the start (relative time
//   62); with a virtual clock only `debugtime` moves it.
// - Stopping: SIGINT, SIGTERM and `shutdown` exit with status 0 ("Exiting
//   normally" with -v); SIGUSR1 and `shutdown graceful` close the connections
//   and print "Gracefully stopping". SIGHUP is ignored.
#ifndef MCSPEC_REFERENCE_NET_SERVER_H_
#define MCSPEC_REFERENCE_NET_SERVER_H_

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "udp_connection.h"

namespace mcspec::ref {

class StreamConnection;

class NetServer {
 public:
  // With `real_clock`, the server's clock ticks every second.
  NetServer(Server& server, bool real_clock);
  ~NetServer();
  NetServer(const NetServer&) = delete;
  NetServer& operator=(const NetServer&) = delete;

  // Opens memcached's listeners for the server's settings. On failure, false
  // with memcached's message and exit status.
  bool Listen(std::string* error, int* exit_status);
  // Serves until a stop; returns the process's exit status.
  int Run();

  // For connections.
  Server& server() { return server_; }
  // After any session ran: delivers watch lines, and stops on `shutdown`.
  void AfterActivity();
  void Watching(StreamConnection& connection);
  void Closed(StreamConnection& connection, std::string_view reason);

 private:
  using StreamSocket = boost::asio::generic::stream_protocol::socket;
  using StreamAcceptor = boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol>;
  struct UdpPort {
    UdpPort(boost::asio::io_context& io, Server& server, int fd, int family, std::string addr);
    boost::asio::ip::udp::socket socket;
    UdpConnection connection;
    std::vector<char> buffer;
    boost::asio::ip::udp::endpoint sender;
    boost::asio::ip::udp::endpoint requester;
  };
  enum class Stop { kNone, kNormal, kGraceful };

  void WaitForSignals();
  bool ListenUnix(std::string* error);
  void MaximizeSendBuffer(int fd);
  // memcached's server_socket(): every address `host` resolves to.
  bool ListenInet(const char* host, int port, bool udp, size_t udp_conns, FILE* port_file);
  void AddConnection(int fd);
  void Accept(StreamAcceptor& acceptor);
  void OnAccepted(StreamAcceptor& acceptor, StreamSocket socket);
  void PauseAccepting();
  void ResumeAccepting();
  void ReceiveUdp(UdpPort& port);
  void ScheduleTick();
  void CloseIdle();
  void LogConnEvent(std::string_view body);
  HostFigures Figures() const;
  void ResetFigures();

  std::set<int> inherited_;  // descriptors open before the server's own
  Server& server_;
  bool real_clock_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer tick_timer_;
  std::chrono::steady_clock::time_point started_;
  int64_t ticks_ = 0;
  std::vector<std::unique_ptr<StreamAcceptor>> acceptors_;
  std::vector<std::unique_ptr<UdpPort>> udp_ports_;
  std::vector<int> extra_udp_fds_;  // memcached's per-thread dups
  std::map<int, std::shared_ptr<StreamConnection>> connections_;
  std::set<int> watchers_;
  Stop stop_ = Stop::kNone;

  // Bookkeeping as memcached's stats count it.
  uint64_t curr_conns_ = 0;  // listeners and UDP connections included
  uint64_t total_conns_ = 0;
  uint64_t rejected_conns_ = 0;
  std::set<int> conn_structures_;  // memcached keeps one per descriptor used
  bool accepting_ = true;
  uint64_t listen_disabled_num_ = 0;
  uint64_t time_in_listen_disabled_us_ = 0;
  std::chrono::steady_clock::time_point listen_disabled_since_;
  uint64_t idle_kicks_ = 0;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_NET_SERVER_H_
