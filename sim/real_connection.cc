#include "real_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mcspec::sim {
namespace {

std::string SystemError(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// A non-blocking connect to one address, waited for up to `timeout`.
int ConnectWithin(const addrinfo& address, std::chrono::milliseconds timeout, std::string* error) {
  const int fd = socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                        address.ai_protocol);
  if (fd < 0) {
    *error = SystemError("socket");
    return -1;
  }
  if (connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      *error = SystemError("connect");
      close(fd);
      return -1;
    }
    pollfd waiting{fd, POLLOUT, 0};
    const int ready = poll(&waiting, 1, static_cast<int>(timeout.count()));
    int status = 0;
    socklen_t length = sizeof(status);
    if (ready <= 0) {
      *error = ready == 0 ? "connect: timed out" : SystemError("poll");
      close(fd);
      return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &length) != 0 || status != 0) {
      errno = status;
      *error = SystemError("connect");
      close(fd);
      return -1;
    }
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace

bool ParseHostPort(std::string_view target, std::string* host, std::string* port,
                   std::string* error) {
  const size_t colon = target.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == target.size()) {
    *error = "a target is HOST:PORT, not \"" + std::string(target) + "\"";
    return false;
  }
  std::string_view name = target.substr(0, colon);
  if (name.starts_with('[') && name.ends_with(']')) name = name.substr(1, name.size() - 2);
  const std::string_view number = target.substr(colon + 1);
  if (number.find_first_not_of("0123456789") != std::string_view::npos || number.size() > 5) {
    *error = "the port of \"" + std::string(target) + "\" is not a number";
    return false;
  }
  *host = name;
  *port = number;
  return true;
}

std::unique_ptr<RealConnection> RealConnection::Open(const std::string& host,
                                                     const std::string& port,
                                                     std::chrono::milliseconds timeout,
                                                     std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (const int status = getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); status != 0) {
    *error = host + ":" + port + ": " + gai_strerror(status);
    return nullptr;
  }
  int fd = -1;
  std::string why = "no address";
  for (const addrinfo* address = addresses; address != nullptr && fd < 0;
       address = address->ai_next) {
    fd = ConnectWithin(*address, timeout, &why);
  }
  freeaddrinfo(addresses);
  if (fd < 0) {
    *error = host + ":" + port + ": " + why;
    return nullptr;
  }
  return std::unique_ptr<RealConnection>(new RealConnection(fd));
}

RealConnection::~RealConnection() {
  close(fd_);
}

bool RealConnection::Flush(std::string* error) {
  while (wants_write()) {
    const ssize_t sent =
        send(fd_, output_.data() + output_sent_, output_.size() - output_sent_, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      *error = SystemError("send");
      return false;
    }
    output_sent_ += static_cast<size_t>(sent);
  }
  if (output_sent_ == output_.size()) {
    output_.clear();
    output_sent_ = 0;
  }
  return true;
}

RealConnection::ReadStatus RealConnection::Fill(std::string* error) {
  char buffer[65536];
  while (true) {
    const ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
    if (got > 0) {
      input_.append(buffer, static_cast<size_t>(got));
      continue;
    }
    if (got == 0) {
      *error = "connection closed by the server";
      return ReadStatus::kClosed;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadStatus::kOk;
    if (errno == EINTR) continue;
    *error = SystemError("recv");
    return ReadStatus::kError;
  }
}

void RealConnection::Consume(size_t bytes) {
  input_read_ += bytes;
  // Compacts now and then rather than on every reply.
  if (input_read_ == input_.size()) {
    input_.clear();
    input_read_ = 0;
  } else if (input_read_ > 65536) {
    input_.erase(0, input_read_);
    input_read_ = 0;
  }
}

bool RealConnection::Exchange(std::string_view request, std::string_view terminator,
                              std::chrono::milliseconds timeout, std::string* reply,
                              std::string* error) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Queue(request);
  while (true) {
    if (!Flush(error)) return false;
    if (unread().ends_with(terminator)) {
      *reply = unread();
      Consume(reply->size());
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *error = "no reply to " + std::string(request.substr(0, request.find('\r'))) + " within " +
               std::to_string(timeout.count()) + " ms";
      return false;
    }
    pollfd waiting{fd_, static_cast<short>(POLLIN | (wants_write() ? POLLOUT : 0)), 0};
    if (poll(&waiting, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      *error = SystemError("poll");
      return false;
    }
    if (Fill(error) != ReadStatus::kOk) return false;
  }
}

}  // namespace mcspec::sim
