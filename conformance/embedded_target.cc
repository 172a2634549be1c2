#include "embedded_target.h"

#include "session.h"
#include "settings.h"

namespace mcspec::conformance {

// The connection figures of `stats`, counted as memcached counts them: its
// listening socket counts in total_connections (3 for its first client), and
// `stats reset` zeroes the total.
struct ConnectionCounts {
  uint64_t live = 0;
  uint64_t total = 2;
};

namespace {

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
  return name;
}

bool EmbeddedTarget::BeginCase(const CaseNeeds& needs, std::string* skip_reason,
                               std::string* error) {
  server_.reset();
  const ref::FlagParseResult parsed = ref::ParseServerFlags(needs.settings.value_or(base_flags_));
  if (!parsed.error.empty()) {
    *error = "the reference refuses the settings: " + parsed.error;
    return false;
  }
  server_ = std::make_unique<ref::Server>(parsed.settings);
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

bool EmbeddedTarget::AdvanceClock(int64_t seconds, std::string*) {
  server_->AdvanceClock(seconds);
  return true;
}

}  // namespace mcspec::conformance
