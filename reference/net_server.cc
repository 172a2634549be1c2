#include "net_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "socket_address.h"
#include "stream_connection.h"
#include "udp_frame.h"

namespace mcspec::ref {
namespace {

constexpr int kExitOsErr = 71;  // EX_OSERR
constexpr char kTooManyConnections[] = "ERROR Too many open connections\r\n";

// memcached's vperror: the message, then errno's text.
std::string WithErrno(const std::string& message, int error) {
  return message + ": " + std::strerror(error);
}

// The descriptors open now: at startup, those the process inherited.
std::set<int> OpenDescriptors() {
  std::set<int> open;
  for (int fd = 0; fd < 1024; ++fd) {
    if (fcntl(fd, F_GETFD) != -1) open.insert(fd);
  }
  return open;
}

// Takes the lowest free descriptors with /dev/null until `count` of those the
// process did not inherit are in use, so that the listeners get the numbers
// memcached's get: before them it holds 3 + 4N descriptors (its event base and
// a pipe, and an eventfd, an event base and a pipe per worker thread), our own
// event loop's among them.
void ReserveDescriptors(const std::set<int>& inherited, int count) {
  int first = 0;
  for (int slots = 0;; ++first) {
    if (inherited.contains(first)) continue;
    if (slots++ == count) break;
  }
  while (true) {
    const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (fd >= first) {
      close(fd);
      return;
    }
  }
}

std::string LocalAddress(int fd, bool udp) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ConnAddressText(reinterpret_cast<sockaddr*>(&addr), udp);
}

// The protocol listeners speak, as memcached's -vv names it: -Y makes every
// connection ASCII.
std::string ProtocolNameFor(const Server& server) {
  return server.settings().auth_file.empty() ? "auto-negotiate" : "ascii";
}

void Verbose(const Server& server, uint32_t level, const std::string& line) {
  if (server.settings().verbose >= level) std::fputs(line.c_str(), stderr);
}

// A unix socket's address as memcached's `stats conns` shows a listener's:
// it reads it into a sockaddr_in6, which keeps 26 bytes of the path.
std::string UnixListenerText(const std::string& path) {
  return "unix:" + path.substr(0, sizeof(sockaddr_in6) - sizeof(sa_family_t));
}

}  // namespace

NetServer::UdpPort::UdpPort(boost::asio::io_context& io, Server& server, int fd, int family,
                            std::string addr)
    : socket(io, family == AF_INET6 ? boost::asio::ip::udp::v6() : boost::asio::ip::udp::v4(), fd),
      connection(server, fd, std::move(addr)),
      buffer(kUdpReadBufferSize) {}

NetServer::NetServer(Server& server, bool real_clock)
    : inherited_(OpenDescriptors()),
      server_(server),
      real_clock_(real_clock),
      signals_(io_, SIGINT, SIGTERM, SIGUSR1),
      tick_timer_(io_),
      started_(std::chrono::steady_clock::now()) {
  signals_.add(SIGHUP);
  server_.set_host([this] { return Figures(); }, [this] { ResetFigures(); });
  server_.verbose_log().set_sink(
      [](std::string_view text) { std::fwrite(text.data(), 1, text.size(), stderr); });
}

NetServer::~NetServer() {
  server_.set_host(nullptr);
  server_.verbose_log().set_sink(nullptr);
  for (int fd : extra_udp_fds_) close(fd);
}

bool NetServer::Listen(std::string* error, int* exit_status) {
  const Settings& settings = server_.settings();
  *exit_status = kExitOsErr;
  ReserveDescriptors(inherited_, 3 + 4 * static_cast<int>(settings.num_threads));
  if (!settings.socketpath.empty()) {
    if (!ListenUnix(error)) return false;
  } else {
    const char* port_filename = std::getenv("MEMCACHED_PORT_FILENAME");
    const std::string lock_name = port_filename ? std::string(port_filename) + ".lck" : "";
    FILE* port_file = port_filename ? std::fopen(lock_name.c_str(), "a") : nullptr;
    // One UDP connection per worker thread, unless -l lists several addresses.
    const size_t udp_conns = settings.inter.find(',') != std::string::npos
                                 ? 1
                                 : static_cast<size_t>(settings.num_threads);
    for (const bool udp : {false, true}) {
      const int port = udp ? settings.udp_port : settings.tcp_port;
      if (port == 0) continue;
      bool ok = true;
      int failed_errno = 0;
      if (settings.inter.empty()) {
        ok = ListenInet(nullptr, port, udp, udp_conns, port_file);
        failed_errno = errno;
      } else {
        std::string list = settings.inter;
        char* save = nullptr;
        for (char* p = strtok_r(list.data(), ";,", &save); p != nullptr;
             p = strtok_r(nullptr, ";,", &save)) {
          int the_port = port;
          char* host = nullptr;
          if (*p == '[') {
            char* end = std::strchr(p, ']');
            if (end == nullptr) {
              *error = std::string("Invalid IPV6 address: \"") + p + "\"";
              return false;
            }
            host = ++p;
            *end = '\0';
            p = end + 1;
          }
          if (char* colon = std::strchr(p, ':');
              colon != nullptr && (std::strchr(colon + 1, ':') == nullptr || host != nullptr)) {
            *colon = '\0';
            char* end = nullptr;
            errno = 0;
            const long parsed = std::strtol(colon + 1, &end, 10);
            if (errno != 0 || end == colon + 1 || *end != '\0') {
              *error = std::string("Invalid port number: \"") + (colon + 1) + "\"";
              return false;
            }
            the_port = static_cast<int>(parsed);
          }
          if (host != nullptr) p = host;
          if (std::strcmp(p, "*") == 0) p = nullptr;
          if (!ListenInet(p, the_port, udp, udp_conns, port_file) && ok) {
            ok = false;
            failed_errno = errno;
          }
        }
      }
      if (!ok) {
        *error = WithErrno(settings.inter.empty()
                               ? std::string("failed to listen on ") + (udp ? "UDP" : "TCP") +
                                     " port " + std::to_string(port)
                               : "failed to listen on one of interface(s) " + settings.inter,
                           failed_errno);
        return false;
      }
    }
    if (port_file != nullptr) {
      std::fclose(port_file);
      std::rename(lock_name.c_str(), port_filename);
    }
  }
  const uint64_t reserved_fds = 5ull * settings.num_threads;
  if (curr_conns_ + reserved_fds >= settings.maxconns - 1) {
    *error = "Maxconns setting is too low, use -c to increase.";
    *exit_status = EXIT_FAILURE;
    return false;
  }
  return true;
}

bool NetServer::ListenUnix(std::string* error) {
  const Settings& settings = server_.settings();
  const std::string& path = settings.socketpath;
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct stat st {};
  // memcached removes a socket file left behind by an earlier run.
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const mode_t old_umask = umask(~(settings.access & 0777));
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  const int bind_errno = errno;
  umask(old_umask);
  if (!bound || listen(fd, static_cast<int>(settings.backlog)) != 0) {
    const int failed = bound ? errno : bind_errno;
    close(fd);
    *error = WithErrno("failed to listen on UNIX socket: " + path, failed);
    return false;
  }
  server_.AddListener(Listener{fd, UnixListenerText(path), false});
  acceptors_.push_back(
      std::make_unique<StreamAcceptor>(io_, boost::asio::generic::stream_protocol(AF_UNIX, 0), fd));
  AddConnection(fd);
  Verbose(server_, 2,
          "<" + std::to_string(fd) + " server listening (" + ProtocolNameFor(server_) + ")\n");
  return true;
}

bool NetServer::ListenInet(const char* host, int port, bool udp, size_t udp_conns,
                           FILE* port_file) {
  addrinfo hints{};
  hints.ai_flags = AI_PASSIVE;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
  const std::string port_text = std::to_string(port == -1 ? 0 : port);
  addrinfo* list = nullptr;
  if (const int failed = getaddrinfo(host, port_text.c_str(), &hints, &list); failed != 0) {
    std::fprintf(stderr, "getaddrinfo(): %s\n", gai_strerror(failed));
    return false;
  }
  int bound = 0;
  bool failed = false;
  for (addrinfo* ai = list; ai != nullptr && !failed; ai = ai->ai_next) {
    const int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (udp) {
      MaximizeSendBuffer(fd);
    } else {
      const linger no_linger{0, 0};
      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof(no_linger));
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      const int bind_errno = errno;
      close(fd);
      // An address taken by another socket is skipped, as memcached does.
      if (bind_errno == EADDRINUSE) continue;
      std::perror("bind()");
      errno = bind_errno;
      failed = true;
      break;
    }
    if (!udp && listen(fd, static_cast<int>(server_.settings().backlog)) != 0) {
      std::perror("listen()");
      close(fd);
      failed = true;
      break;
    }
    ++bound;
    const std::string addr = LocalAddress(fd, udp);
    if (port_file != nullptr) {
      sockaddr_storage local{};
      socklen_t len = sizeof(local);
      getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
      const unsigned local_port = ai->ai_family == AF_INET
                                      ? ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port)
                                      : ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
      std::fprintf(port_file, "%s INET%s: %u\n", udp ? "UDP" : "TCP",
                   ai->ai_family == AF_INET ? "" : "6", local_port);
    }
    if (udp) {
      for (size_t i = 0; i < udp_conns; ++i) {
        const int conn_fd = i == 0 ? fd : dup(fd);
        server_.AddListener(Listener{conn_fd, addr, true});
        if (i == 0) {
          udp_ports_.push_back(std::make_unique<UdpPort>(io_, server_, fd, ai->ai_family, addr));
        } else {
          extra_udp_fds_.push_back(conn_fd);
        }
        AddConnection(conn_fd);
        Verbose(server_, 2, "<" + std::to_string(conn_fd) + " server listening (udp)\n");
      }
    } else {
      server_.AddListener(Listener{fd, addr, false});
      acceptors_.push_back(std::make_unique<StreamAcceptor>(
          io_, boost::asio::generic::stream_protocol(ai->ai_family, IPPROTO_TCP), fd));
      AddConnection(fd);
      Verbose(server_, 2,
              "<" + std::to_string(fd) + " server listening (" + ProtocolNameFor(server_) + ")\n");
    }
  }
  freeaddrinfo(list);
  return !failed && bound > 0;
}

// memcached's binary search for the largest send buffer a UDP socket takes.
void NetServer::MaximizeSendBuffer(int fd) {
  constexpr int kMaxSendBuffer = 256 * 1024 * 1024;
  int old_size = 0;
  socklen_t size = sizeof(old_size);
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &old_size, &size) != 0) return;
  int last_good = 0;
  int min = old_size;
  int max = kMaxSendBuffer;
  while (min <= max) {
    const int avg = static_cast<int>((static_cast<unsigned>(min) + static_cast<unsigned>(max)) / 2);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &avg, sizeof(avg)) == 0) {
      last_good = avg;
      min = avg + 1;
    } else {
      max = avg - 1;
    }
  }
  Verbose(server_, 2,
          "<" + std::to_string(fd) + " send buffer was " + std::to_string(old_size) + ", now " +
              std::to_string(last_good) + "\n");
}

void NetServer::AddConnection(int fd) {
  ++curr_conns_;
  ++total_conns_;
  conn_structures_.insert(fd);
}

void NetServer::WaitForSignals() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    // SIGHUP only asks memcached to reload its auth file; it keeps running.
    if (signal == SIGHUP) {
      WaitForSignals();
      return;
    }
    stop_ = signal == SIGUSR1 ? Stop::kGraceful : Stop::kNormal;
    io_.stop();
  });
}

int NetServer::Run() {
  WaitForSignals();
  for (auto& acceptor : acceptors_) Accept(*acceptor);
  for (auto& port : udp_ports_) ReceiveUdp(*port);
  ScheduleTick();
  io_.run();
  if (stop_ == Stop::kGraceful) {
    std::fputs("Gracefully stopping\n", stderr);
    // memcached -v narrates stopping its threads, then closes connections.
    if (server_.settings().verbose > 0) {
      std::fputs(
          "stopped assoc\nasking workers to stop\nasking background threads to stop\n"
          "stopped lru crawler\nstopped maintainer\nstopped slab mover\n"
          "stopped logger thread\nstopped idle timeout thread\nclosing connections\n",
          stderr);
    }
    auto open = connections_;
    for (auto& [fd, connection] : open) connection->Close("shutdown");
    if (server_.settings().verbose > 0) {
      std::fputs("reaping worker threads\nall background threads stopped\n", stderr);
    }
  } else if (server_.settings().verbose > 0) {
    std::fputs("Exiting normally\n", stderr);
  }
  return 0;
}

void NetServer::Accept(StreamAcceptor& acceptor) {
  acceptor.async_accept(
      [this, &acceptor](const boost::system::error_code& error, StreamSocket socket) {
        if (!error) {
          OnAccepted(acceptor, std::move(socket));
          if (accepting_) Accept(acceptor);
          return;
        }
        if (error == boost::asio::error::operation_aborted) return;
        std::fprintf(stderr, "accept4(): %s\n", error.message().c_str());
        if (error.value() == EMFILE) {
          Verbose(server_, 1, "Too many open connections\n");
          PauseAccepting();
          return;
        }
        Accept(acceptor);
      });
}

void NetServer::OnAccepted(StreamAcceptor& acceptor, StreamSocket socket) {
  const int fd = socket.native_handle();
  const Settings& settings = server_.settings();
  if (settings.maxconns_fast && fd >= static_cast<int>(settings.maxconns) - 1) {
    ++rejected_conns_;
    boost::system::error_code ignored;
    boost::asio::write(
        socket, boost::asio::buffer(kTooManyConnections, sizeof(kTooManyConnections) - 1), ignored);
    return;
  }
  const bool is_unix = acceptor.local_endpoint().protocol().family() == AF_UNIX;
  sockaddr_storage peer{};
  if (!is_unix) {
    socklen_t len = sizeof(peer);
    getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  // memcached leaves a unix-socket client's address zeroed.
  const sockaddr* peer_addr = reinterpret_cast<const sockaddr*>(&peer);
  auto connection = std::make_shared<StreamConnection>(
      *this, std::move(socket), LogEndpointText(peer_addr), is_unix ? "local" : "tcp");
  connection->session().set_addresses(ConnAddressText(peer_addr, false), LocalAddress(fd, false));
  connections_[fd] = connection;
  AddConnection(fd);
  LogConnEvent("type=conn_new " + connection->log_endpoint() +
               " transport=" + std::string(connection->transport()) + " cfd=" + std::to_string(fd));
  // -Y makes every connection ASCII; otherwise memcached negotiates.
  Verbose(server_, 2,
          "<" + std::to_string(fd) +
              (server_.settings().auth_file.empty() ? " new auto-negotiating client connection\n"
                                                    : " new ascii client connection.\n"));
  connection->Start();
}

void NetServer::PauseAccepting() {
  if (!accepting_) return;
  accepting_ = false;
  ++listen_disabled_num_;
  listen_disabled_since_ = std::chrono::steady_clock::now();
}

void NetServer::ResumeAccepting() {
  if (accepting_) return;
  accepting_ = true;
  time_in_listen_disabled_us_ +=
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - listen_disabled_since_)
                                .count());
  for (auto& acceptor : acceptors_) Accept(*acceptor);
}

void NetServer::Closed(StreamConnection& connection, std::string_view reason) {
  const int fd = connection.fd();
  LogConnEvent("type=conn_close " + connection.log_endpoint() +
               " transport=" + std::string(connection.transport()) +
               " reason=" + std::string(reason) + " cfd=" + std::to_string(fd));
  Verbose(server_, 2, "<" + std::to_string(fd) + " connection closed.\n");
  --curr_conns_;
  watchers_.erase(fd);
  // Whoever closes it holds a reference until it is done with it.
  connections_.erase(fd);
  ResumeAccepting();
}

void NetServer::Watching(StreamConnection& connection) {
  watchers_.insert(connection.fd());
}

void NetServer::AfterActivity() {
  if (server_.shutdown_requested() && stop_ == Stop::kNone) {
    stop_ = server_.shutdown_graceful() ? Stop::kGraceful : Stop::kNormal;
    io_.stop();
    return;
  }
  if (watchers_.empty()) return;
  const std::set<int> watching = watchers_;
  for (int fd : watching) {
    if (auto it = connections_.find(fd); it != connections_.end()) it->second->DeliverWatchLines();
  }
}

void NetServer::LogConnEvent(std::string_view body) {
  WatchLog& log = server_.watch_log();
  if (!log.Wants(WatchLog::kConnEvents)) return;
  log.Log(WatchLog::kConnEvents, server_.clock().unix_now(), body);
  AfterActivity();
}

void NetServer::ReceiveUdp(UdpPort& port) {
  port.socket.async_receive_from(
      boost::asio::buffer(port.buffer), port.sender,
      [this, &port](const boost::system::error_code& error, size_t n) {
        if (error == boost::asio::error::operation_aborted) return;
        if (!error) {
          std::vector<std::string> replies;
          const std::string peer = ConnAddressText(port.sender.data(), true);
          if (port.connection.Receive(std::string_view(port.buffer.data(), n), peer, &replies)) {
            port.requester = port.sender;
          }
          for (const std::string& reply : replies) {
            boost::system::error_code ignored;
            port.socket.send_to(boost::asio::buffer(reply), port.requester, 0, ignored);
          }
          AfterActivity();
        }
        ReceiveUdp(port);
      });
}

void NetServer::ScheduleTick() {
  tick_timer_.expires_at(started_ + std::chrono::seconds(ticks_ + 1));
  tick_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    const int64_t due = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
    if (due > ticks_) {
      if (real_clock_) server_.Tick(static_cast<uint32_t>(due - ticks_));
      ticks_ = due;
    }
    CloseIdle();
    AfterActivity();
    ScheduleTick();
  });
}

// memcached's idle timeout thread: TCP clients waiting for a request, idle
// for longer than idle_timeout seconds of the server's clock.
void NetServer::CloseIdle() {
  const uint32_t timeout = server_.settings().idle_timeout;
  if (timeout == 0) return;
  const RelTime now = server_.clock().now();
  std::vector<std::shared_ptr<StreamConnection>> idle;
  for (auto& [fd, connection] : connections_) {
    const Session& session = connection->session();
    const std::string_view state = session.state_name();
    if (!connection->tcp() || (state != "conn_read" && state != "conn_new_cmd")) continue;
    if (now - session.last_command_time() > timeout) idle.push_back(connection);
  }
  for (auto& connection : idle) {
    Verbose(server_, 2, "Closing idle fd " + std::to_string(connection->fd()) + "\n");
    ++idle_kicks_;
    connection->Close("idle_timeout");
  }
}

HostFigures NetServer::Figures() const {
  HostFigures figures;
  figures.pid = static_cast<uint64_t>(getpid());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  figures.rusage_user_us = usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
  figures.rusage_system_us = usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
  // memcached reports one connection fewer than it counts.
  figures.curr_connections = curr_conns_ - 1;
  figures.total_connections = total_conns_;
  figures.rejected_connections = rejected_conns_;
  figures.connection_structures = static_cast<uint32_t>(conn_structures_.size());
  figures.reserved_fds = 5 * server_.settings().num_threads;
  figures.accepting_conns = accepting_;
  figures.listen_disabled_num = listen_disabled_num_;
  figures.time_in_listen_disabled_us = time_in_listen_disabled_us_;
  figures.idle_kicks = idle_kicks_;
  return figures;
}

void NetServer::ResetFigures() {
  total_conns_ = 0;
  rejected_conns_ = 0;
  listen_disabled_num_ = 0;
  time_in_listen_disabled_us_ = 0;
  idle_kicks_ = 0;
}

}  // namespace mcspec::ref
