#include "tcp_target.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "settings_check.h"

namespace mcspec::conformance {
namespace {

constexpr std::chrono::milliseconds kControlTimeout(2000);

class SocketConnection : public Connection {
 public:
  explicit SocketConnection(int fd) : fd_(fd) {}
  ~SocketConnection() override { close(fd_); }

  bool Send(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  Status Receive(std::string* out, std::chrono::milliseconds timeout) override {
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
    if (ready == 0) return Status::kTimeout;
    char buffer[65536];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      out->append(buffer, static_cast<size_t>(n));
      return Status::kData;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Status::kTimeout;
    return Status::kClosed;
  }

 private:
  int fd_;
};

bool EndsWithAny(std::string_view text, std::initializer_list<std::string_view> terminators) {
  for (const std::string_view terminator : terminators) {
    if (text.ends_with(terminator)) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<TcpTarget> TcpTarget::Create(const std::string& address, std::string* error) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size() ||
      address.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    *error = "a target is `embedded` or HOST:PORT, not `" + address + "`";
    return nullptr;
  }
  return std::unique_ptr<TcpTarget>(
      new TcpTarget(address.substr(0, colon), address.substr(colon + 1)));
}

std::unique_ptr<Connection> TcpTarget::Connect(std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found);
  if (rc != 0) {
    *error = "cannot resolve " + name() + ": " + gai_strerror(rc);
    return nullptr;
  }
  int fd = -1;
  int last_errno = 0;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      last_errno = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    *error = "cannot connect to " + name() + ": " + std::strerror(last_errno);
    return nullptr;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return std::make_unique<SocketConnection>(fd);
}

bool TcpTarget::Ask(std::string_view request, std::initializer_list<std::string_view> terminators,
                    std::string* answer, std::string* error) {
  if (!control_) {
    control_ = Connect(error);
    if (!control_) return false;
  }
  answer->clear();
  if (!control_->Send(request)) {
    *error = "the control connection to " + name() + " failed";
    control_.reset();
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + kControlTimeout;
  while (!EndsWithAny(*answer, terminators)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || control_->Receive(answer, left) == Connection::Status::kClosed) {
      *error =
          name() + " did not answer `" + std::string(request.substr(0, request.find('\r'))) + "`";
      control_.reset();
      return false;
    }
  }
  return true;
}

TargetCapabilities TcpTarget::capabilities() {
  if (!capabilities_) {
    TargetCapabilities probed;
    std::string answer;
    std::string error;
    probed.meta = Ask("mn\r\n", {"MN\r\n", "ERROR\r\n"}, &answer, &error) && answer == "MN\r\n";
    probed.clock_control =
        Ask("debugtime 0\r\n", {"OK\r\n", "ERROR\r\n"}, &answer, &error) && answer == "OK\r\n";
    probed.ext = Ask("stats memory\r\n", {"END\r\n", "ERROR\r\n"}, &answer, &error) &&
                 answer.starts_with("STAT ");
    capabilities_ = probed;
  }
  return *capabilities_;
}

bool TcpTarget::BeginCase(const std::vector<std::string>& flags, std::string* skip_reason,
                          std::string* error) {
  std::string answer;
  if (!Ask("stats settings\r\n", {"END\r\n"}, &answer, error)) return false;
  const std::vector<std::string> mismatches = SettingsMismatches(flags, answer);
  skip_reason->clear();
  if (!mismatches.empty()) {
    *skip_reason = "the server's settings differ: " + mismatches[0];
    if (mismatches.size() > 1) {
      *skip_reason += " (and " + std::to_string(mismatches.size() - 1) + " more)";
    }
  }
  return true;
}

bool TcpTarget::AdvanceClock(int64_t seconds, std::string* error) {
  std::string answer;
  if (!Ask("debugtime " + std::to_string(seconds) + "\r\n", {"OK\r\n", "ERROR\r\n"}, &answer,
           error)) {
    return false;
  }
  if (answer != "OK\r\n") *error = name() + " refused debugtime";
  return answer == "OK\r\n";
}

}  // namespace mcspec::conformance
