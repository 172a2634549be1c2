#include "network_target.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

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

// A connected UDP socket: it sends one datagram per Send and receives only
// the server's datagrams, one per Receive.
class DatagramConnection : public Connection {
 public:
  explicit DatagramConnection(int fd) : fd_(fd) {}
  ~DatagramConnection() override { close(fd_); }

  bool Send(std::string_view datagram) override {
    ssize_t n;
    do {
      n = send(fd_, datagram.data(), datagram.size(), 0);
    } while (n < 0 && errno == EINTR);
    // A refused earlier datagram (no one listening) is reported on a later
    // call; the datagram itself is then still sent by the retry.
    if (n < 0 && errno == ECONNREFUSED) n = send(fd_, datagram.data(), datagram.size(), 0);
    return n == static_cast<ssize_t>(datagram.size());
  }

  Status Receive(std::string* out, std::chrono::milliseconds timeout) override {
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
    if (ready <= 0) return Status::kTimeout;
    char buffer[65536];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0) return Status::kTimeout;  // ECONNREFUSED: nothing will answer
    out->append(buffer, static_cast<size_t>(n));
    return Status::kData;
  }

 private:
  int fd_;
};

int ConnectUnix(const std::string& path, std::string* error) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    *error = "unix socket path too long: " + path;
    return -1;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    *error = "cannot connect to unix:" + path + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

int ConnectInet(const std::string& host, const std::string& port, bool udp, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    *error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
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
    *error = "cannot connect to " + std::string(udp ? "udp:" : "") + host + ":" + port + ": " +
             std::strerror(last_errno);
    return -1;
  }
  if (!udp) {
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

bool EndsWithAny(std::string_view text, std::initializer_list<std::string_view> terminators) {
  for (const std::string_view terminator : terminators) {
    if (text.ends_with(terminator)) return true;
  }
  return false;
}

}  // namespace

NetworkTarget::NetworkTarget(std::string name, std::string host, std::string port,
                             std::string unix_path, ClockMode clock)
    : name_(std::move(name)),
      host_(std::move(host)),
      port_(std::move(port)),
      unix_path_(std::move(unix_path)),
      clock_(clock) {}

std::unique_ptr<NetworkTarget> NetworkTarget::Create(const std::string& address, ClockMode clock,
                                                     std::string* error) {
  if (address.starts_with("unix:")) {
    if (address.size() == 5) {
      *error = "unix:PATH needs a path";
      return nullptr;
    }
    return std::unique_ptr<NetworkTarget>(
        new NetworkTarget(address, "", "", address.substr(5), clock));
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size() ||
      address.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    *error = "a target is `embedded`, HOST:PORT or unix:PATH, not `" + address + "`";
    return nullptr;
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::unique_ptr<NetworkTarget>(
      new NetworkTarget(address, std::move(host), address.substr(colon + 1), "", clock));
}

std::unique_ptr<Connection> NetworkTarget::Connect(std::string* error) {
  const int fd =
      unix_path_.empty() ? ConnectInet(host_, port_, false, error) : ConnectUnix(unix_path_, error);
  if (fd < 0) return nullptr;
  return std::make_unique<SocketConnection>(fd);
}

std::unique_ptr<Connection> NetworkTarget::ConnectDatagram(std::string* error) {
  if (!capabilities().udp) {
    *error = name() + " has no UDP port";
    return nullptr;
  }
  const int fd = ConnectInet(host_, udp_port_, true, error);
  if (fd < 0) return nullptr;
  return std::make_unique<DatagramConnection>(fd);
}

bool NetworkTarget::Ask(std::string_view request,
                        std::initializer_list<std::string_view> terminators, std::string* answer,
                        std::string* error) {
  if (!control_) {
    control_ = Connect(error);
    if (!control_) return false;
    if (credentials_) {
      const std::string block = credentials_->first + " " + credentials_->second;
      const std::string login =
          "set mcconform 0 0 " + std::to_string(block.size()) + "\r\n" + block + "\r\n";
      std::string reply;
      if (control_->Send(login)) {
        while (!reply.ends_with("\r\n") &&
               control_->Receive(&reply, kControlTimeout) == Connection::Status::kData) {
        }
      }
      if (reply != "STORED\r\n") {
        *error = name() + " refused the credentials of user " + credentials_->first;
        control_.reset();
        return false;
      }
    }
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

TargetCapabilities NetworkTarget::capabilities() {
  if (!capabilities_) {
    TargetCapabilities probed;
    std::string answer;
    std::string error;
    probed.meta = Ask("mn\r\n", {"MN\r\n", "ERROR\r\n"}, &answer, &error) && answer == "MN\r\n";
    debugtime_ =
        Ask("debugtime 0\r\n", {"OK\r\n", "ERROR\r\n"}, &answer, &error) && answer == "OK\r\n";
    probed.clock_control = debugtime_ || clock_ == ClockMode::kSleep;
    probed.ext = Ask("stats memory\r\n", {"END\r\n", "ERROR\r\n"}, &answer, &error) &&
                 answer.starts_with("STAT ");
    if (unix_path_.empty() && Ask("stats settings\r\n", {"END\r\n"}, &answer, &error)) {
      for (const auto& [name, value] : ParseStatLines(answer)) {
        if (name == "udpport" && value != "0") udp_port_ = value;
      }
      probed.udp = !udp_port_.empty();
    }
    capabilities_ = probed;
  }
  return *capabilities_;
}

bool NetworkTarget::BeginCase(const CaseNeeds& needs, std::string* skip_reason,
                              std::string* error) {
  skip_reason->clear();
  if (needs.fresh) {
    *skip_reason = "it needs a server that has just started, and this one is already running";
    return true;
  }
  if (needs.settings) {
    std::string answer;
    if (!Ask("stats settings\r\n", {"END\r\n"}, &answer, error)) return false;
    const std::vector<std::string> mismatches = SettingsMismatches(*needs.settings, answer);
    if (!mismatches.empty()) {
      *skip_reason = "the server's settings differ: " + mismatches[0];
      if (mismatches.size() > 1) {
        *skip_reason += " (and " + std::to_string(mismatches.size() - 1) + " more)";
      }
      return true;
    }
  }
  if (needs.advance_seconds > 0 && !capabilities().clock_control) return true;
  if (needs.advance_seconds > 0 && !debugtime_) {
    if (needs.advance_seconds > kMaxSleepSeconds) {
      *skip_reason = "it moves the clock " + std::to_string(needs.advance_seconds) +
                     " s, longer than --clock sleep waits (" + std::to_string(kMaxSleepSeconds) +
                     " s)";
      return true;
    }
    int64_t now = 0;
    if (!ServerTime(&now, error) || !AwaitServerTime(now, true, &case_start_time_, error)) {
      return false;
    }
    advanced_ = 0;
  }
  return true;
}

bool NetworkTarget::ServerTime(int64_t* time, std::string* error) {
  std::string answer;
  if (!Ask("stats\r\n", {"END\r\n"}, &answer, error)) return false;
  for (const auto& [name, value] : ParseStatLines(answer)) {
    if (name == "time") {
      *time = std::strtoll(value.c_str(), nullptr, 10);
      return true;
    }
  }
  *error = name() + " reports no `time` stat, so its clock cannot be followed";
  return false;
}

bool NetworkTarget::AwaitServerTime(int64_t time, bool after_change, int64_t* reached,
                                    std::string* error) {
  // A tick is at most a second away; allow for a slow server.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(after_change ? 3 : 3 + time - case_start_time_);
  while (true) {
    if (!ServerTime(reached, error)) return false;
    if (after_change ? *reached != time : *reached >= time) return true;
    if (std::chrono::steady_clock::now() > deadline) {
      *error = name() + "'s clock did not reach " + std::to_string(time);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Target::ClockMove NetworkTarget::AdvanceClock(int64_t seconds, std::string* error) {
  std::string answer;
  if (!debugtime_) {
    if (clock_ != ClockMode::kSleep) {
      *error = name() + " has no clock control";
      return ClockMove::kFailed;
    }
    advanced_ += seconds;
    int64_t reached = 0;
    if (!AwaitServerTime(case_start_time_ + advanced_, false, &reached, error)) {
      return ClockMove::kFailed;
    }
    if (reached != case_start_time_ + advanced_) {
      *error = name() + "'s clock jumped to " + std::to_string(reached - case_start_time_) +
               " s after the case's start; the case wanted " + std::to_string(advanced_);
      return ClockMove::kOvershot;
    }
    return ClockMove::kMoved;
  }
  if (!Ask("debugtime " + std::to_string(seconds) + "\r\n", {"OK\r\n", "ERROR\r\n"}, &answer,
           error)) {
    return ClockMove::kFailed;
  }
  if (answer != "OK\r\n") {
    *error = name() + " refused debugtime";
    return ClockMove::kFailed;
  }
  return ClockMove::kMoved;
}

}  // namespace mcspec::conformance
