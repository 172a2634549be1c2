#include "embedded_target.h"

#include <utility>

#include "session.h"
#include "settings.h"
#include "udp_connection.h"

namespace mcspec::conformance {

// The connection figures of `stats`, counted as memcached counts them: its
// listening socket counts in total_connections (3 for its first client), and
// `stats reset` zeroes the total.
constexpr int kUdpPort = 11211;  // what `stats settings` shows as udpport

struct ConnectionCounts {
  uint64_t live = 0;
  uint64_t total = 2;
};

// memcached's UDP socket: one connection serving every client socket. Its
// replies go to the sender of the datagram that began the request being
// answered (ref::UdpConnection decides which).
class EmbeddedUdpPort {
 public:
  EmbeddedUdpPort(ref::Server& server, int port)
      : connection_(server, 0, "udp:127.0.0.1:" + std::to_string(port)) {}

  int AddClient() {
    inboxes_.emplace_back();
    return static_cast<int>(inboxes_.size()) - 1;
  }

  void Send(int client, std::string_view datagram) {
    // Client sockets get ports memcached would show as their peers.
    const std::string peer = "udp:127.0.0.1:" + std::to_string(kFirstClientPort + client);
    std::vector<std::string> replies;
    if (connection_.Receive(datagram, peer, &replies)) requester_ = client;
    if (requester_ < 0) return;
    for (const std::string& reply : replies) inboxes_[requester_] += reply;
  }

  std::string Take(int client) { return std::exchange(inboxes_[client], {}); }

 private:
  static constexpr int kFirstClientPort = 40000;
  ref::UdpConnection connection_;
  std::vector<std::string> inboxes_;  // replies each client socket has not read
  int requester_ = -1;
};

namespace {

class DatagramConnection : public Connection {
 public:
  explicit DatagramConnection(std::shared_ptr<EmbeddedUdpPort> port)
      : port_(std::move(port)), client_(port_->AddClient()) {}

  bool Send(std::string_view datagram) override {
    port_->Send(client_, datagram);
    return true;
  }

  Status Receive(std::string* out, std::chrono::milliseconds) override {
    const std::string replies = port_->Take(client_);
    out->append(replies);
    return replies.empty() ? Status::kTimeout : Status::kData;
  }

 private:
  std::shared_ptr<EmbeddedUdpPort> port_;
  int client_;
};

class SessionConnection : public Connection {
 public:
  SessionConnection(ref::Server& server, std::shared_ptr<ConnectionCounts> counts)
      : counts_(std::move(counts)), session_(server) {
    ++counts_->live;
    ++counts_->total;
  }
  ~SessionConnection() override { --counts_->live; }

  bool Send(std::string_view bytes) override {
    session_.Receive(bytes, &pending_);
    return true;
  }

  Status Receive(std::string* out, std::chrono::milliseconds) override {
    session_.Poll(&pending_);
    if (!pending_.empty()) {
      out->append(pending_);
      pending_.clear();
      return Status::kData;
    }
    return session_.closed() ? Status::kClosed : Status::kTimeout;
  }

 private:
  std::shared_ptr<ConnectionCounts> counts_;
  ref::Session session_;
  std::string pending_;
};

}  // namespace

std::string EmbeddedTarget::name() const {
  std::string name = "embedded";
  for (const std::string& flag : base_flags_) name += " " + flag;
  if (injected_bugs_.any()) name += " (with injected bugs)";
  return name;
}

bool EmbeddedTarget::BeginCase(const CaseNeeds& needs, std::string* skip_reason,
                               std::string* error) {
  udp_port_.reset();
  server_.reset();
  std::vector<std::string> flags = needs.settings.value_or(base_flags_);
  if (needs.udp) {
    flags.push_back("-U");
    flags.push_back(std::to_string(kUdpPort));
  }
  const ref::FlagParseResult parsed = ref::ParseServerFlags(flags);
  if (!parsed.error.empty()) {
    *error = "the reference refuses the settings: " + parsed.error;
    return false;
  }
  ref::Settings settings = parsed.settings;
  settings.injected_bugs = injected_bugs_;
  server_ = std::make_unique<ref::Server>(settings);
  auto counts = std::make_shared<ConnectionCounts>();
  counts_ = counts;  // the host figures below see the connections it counts
  server_->set_host(
      [counts] {
        ref::HostFigures figures;
        figures.curr_connections = counts->live;
        figures.total_connections = counts->total;
        return figures;
      },
      [counts] { counts->total = 0; });
  if (needs.udp) {
    // memcached counts its UDP connection among the clients.
    ++counts->live;
    ++counts->total;
    udp_port_ = std::make_shared<EmbeddedUdpPort>(*server_, kUdpPort);
  }
  skip_reason->clear();
  return true;
}

std::unique_ptr<Connection> EmbeddedTarget::Connect(std::string* error) {
  if (!server_) {
    *error = "no case has begun";
    return nullptr;
  }
  return std::make_unique<SessionConnection>(*server_, counts_);
}

std::unique_ptr<Connection> EmbeddedTarget::ConnectDatagram(std::string* error) {
  if (!udp_port_) {
    *error = "the case's server has no UDP port";
    return nullptr;
  }
  return std::make_unique<DatagramConnection>(udp_port_);
}

Target::ClockMove EmbeddedTarget::AdvanceClock(int64_t seconds, std::string*) {
  server_->AdvanceClock(seconds);
  return ClockMove::kMoved;
}

}  // namespace mcspec::conformance
