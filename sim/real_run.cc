#include "real_run.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client_history.h"
#include "operation.h"
#include "prng.h"
#include "real_connection.h"
#include "workload.h"

namespace mcspec::sim {
namespace {

constexpr std::chrono::milliseconds kConnectTimeout(5000);
constexpr std::chrono::milliseconds kStatsTimeout(5000);
// After the last request, how long replies may take before the run gives
// up on them (they complete as info).
constexpr int64_t kDrainTimeoutNs = 10'000'000'000;

struct Pending {
  Operation op;
  std::vector<uint64_t> processes;
};

struct Client {
  std::unique_ptr<RealConnection> connection;
  uint64_t connection_number = 0;  // the history's: a new one every connect
  int64_t skew_s = 0;
  int64_t next_send_ns = 0;
  std::deque<Pending> awaiting;  // replies expected, in request order
  // Drawn but not yet sent: it must wait for the replies in flight.
  std::optional<Operation> held;
  KnownCasUniques known_cas;  // as the simulator's clients keep them
  std::vector<uint64_t> idle_processes;
};

std::optional<ServerCounters> ReadCounters(RealConnection& admin) {
  std::string general;
  std::string items;
  std::string error;
  if (!admin.Exchange("stats\r\n", "END\r\n", kStatsTimeout, &general, &error) ||
      !admin.Exchange("stats items\r\n", "END\r\n", kStatsTimeout, &items, &error)) {
    return std::nullopt;
  }
  // Sums every "STAT <...><suffix> N" line; a counter the server does not
  // keep (no slab mover) is 0.
  const auto sum = [](const std::string& reply, std::string_view suffix) {
    uint64_t total = 0;
    for (size_t line = 0; line < reply.size();) {
      const size_t end = reply.find("\r\n", line);
      const std::string_view text(reply.data() + line, end - line);
      const size_t space = text.rfind(' ');
      uint64_t value = 0;
      if (text.starts_with("STAT ") && space != std::string_view::npos &&
          text.substr(0, space).ends_with(suffix) &&
          std::from_chars(text.data() + space + 1, text.data() + text.size(), value).ec ==
              std::errc()) {
        total += value;
      }
      line = end + 2;
    }
    return total;
  };
  ServerCounters counters;
  counters.evictions = sum(general, " evictions");
  counters.slab_evictions = sum(general, " slab_reassign_evictions_nomem");
  counters.slab_rescues = sum(general, " slab_reassign_rescues");
  counters.out_of_memory = sum(items, ":outofmemory");
  return counters;
}

// memcached 1.6.18 answers a get with a key too long by discarding the
// responses it has not sent yet on the connection (conn_release_items), as
// if those requests had never been answered. The simulator feeds the
// server one request at a time, so it never shows; over a real socket such
// a request waits until no reply is outstanding.
bool DropsUnsentReplies(const Operation& op) {
  return op.kind == OpKind::kBadInput && op.bad_request.starts_with("get ");
}

// A retrieval's hits must name requested keys, in request order.
bool HitsFollowKeys(const Operation& op, const Reply& reply) {
  size_t key = 0;
  for (const Hit& hit : reply.hits) {
    while (key < op.keys.size() && op.keys[key] != hit.key) ++key;
    if (key == op.keys.size()) return false;
    ++key;
  }
  return true;
}

// What memcached adds to a value in an item (header, CAS, key, "\r\n"),
// generously.
constexpr uint64_t kItemOverhead = 512;

uint64_t ReadItemSizeMax(RealConnection& admin) {
  constexpr uint64_t kMemcachedDefault = 1024 * 1024;
  std::string reply;
  std::string error;
  if (!admin.Exchange("stats settings\r\n", "END\r\n", kStatsTimeout, &reply, &error)) {
    return kMemcachedDefault;
  }
  const std::string_view prefix = "STAT item_size_max ";
  const size_t at = reply.find(prefix);
  uint64_t size = kMemcachedDefault;
  if (at != std::string::npos) {
    std::from_chars(reply.data() + at + prefix.size(), reply.data() + reply.size(), size);
  }
  return size;
}

class TargetRun {
 public:
  TargetRun(const TargetRunOptions& options, TargetRunResult* result)
      : options_(options),
        result_(result),
        prng_(options.seed),
        params_(SwarmParameters::Draw(prng_)),
        workload_(params_) {
    if (options.clients) params_.clients = *options.clients;
    result_->drawn = params_;
    AdaptToTarget(&params_);
  }

  void Run();

 private:
  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                start_)
        .count();
  }
  bool MayIssue(int64_t now) const {
    return options_.duration_ns > 0 ? now < options_.duration_ns
                                    : result_->ops_issued < options_.ops;
  }
  bool Connect(Client& client);
  // Whether the client may put its next request on the wire now.
  bool CanSend(const Client& client) const;
  void SendDue(Client& client, int64_t now);
  void Receive(Client& client, int64_t now);
  void ParseReplies(Client& client, int64_t now);
  void Complete(Client& client, Pending& pending, const Reply& reply, int64_t now);
  void Abandon(const Pending& pending, std::string_view why, int64_t now);
  uint64_t TakeProcess(Client& client);
  bool Busy() const;
  // Raises the bound on the length of the operation's key after it.
  void BoundLength(const Operation& op);
  // How long poll may sleep: until the next request is due, or the end.
  int64_t SleepNs(int64_t now, bool issuing) const;

  const TargetRunOptions& options_;
  TargetRunResult* result_;
  Prng prng_;
  SwarmParameters params_;
  Workload workload_;
  std::chrono::steady_clock::time_point start_;
  std::vector<Client> clients_;
  uint64_t next_process_ = 0;
  uint64_t item_size_max_ = 0;
  // Per key index: no order of the stores so far makes its value longer.
  std::vector<uint64_t> length_bound_;
};

void TargetRun::BoundLength(const Operation& op) {
  if (!IsStorage(op.kind) && op.kind != OpKind::kIncr && op.kind != OpKind::kDecr) return;
  uint64_t& bound = length_bound_[Workload::KeyIndex(op.key())];
  if (op.kind == OpKind::kAppend || op.kind == OpKind::kPrepend) {
    bound += op.value.size();
  } else {
    bound = std::max<uint64_t>(bound, IsStorage(op.kind) ? op.value.size() : 20);
  }
  if (bound + kItemOverhead > item_size_max_) result_->may_exceed_item_size = true;
}

bool TargetRun::Connect(Client& client) {
  client.connection = RealConnection::Open(options_.host, options_.port, kConnectTimeout,
                                           &result_->connection_error);
  if (client.connection == nullptr) return false;
  client.connection_number = result_->connections++;
  return true;
}

uint64_t TargetRun::TakeProcess(Client& client) {
  if (client.idle_processes.empty()) return next_process_++;
  const uint64_t process = client.idle_processes.back();
  client.idle_processes.pop_back();
  return process;
}

bool TargetRun::CanSend(const Client& client) const {
  if (!client.connection || client.awaiting.size() >= params_.pipeline_depth) return false;
  return !client.held || !DropsUnsentReplies(*client.held) || client.awaiting.empty();
}

void TargetRun::SendDue(Client& client, int64_t now) {
  while (CanSend(client) && now >= client.next_send_ns) {
    if (!client.held) {
      if (!MayIssue(now)) return;
      result_->ops_issued++;
      // Absolute exptimes are drawn on the real unix clock, off by the
      // client's skew.
      const Workload::ClientView view{static_cast<int64_t>(std::time(nullptr)) + client.skew_s,
                                      &client.known_cas.entries()};
      client.held = workload_.Next(prng_, view);
      if (!CanSend(client)) return;
    }
    Pending pending{std::move(*client.held), {}};
    client.held.reset();
    BoundLength(pending.op);
    const size_t processes = IsRetrieval(pending.op.kind) ? pending.op.keys.size() : 1;
    for (size_t i = 0; i < processes; ++i) pending.processes.push_back(TakeProcess(client));
    if (options_.history != nullptr) {
      for (size_t i = 0; i < processes; ++i) {
        RecordInvoke(*options_.history, pending.processes[i], now, pending.op, i,
                     client.connection_number);
      }
    }
    std::string bytes;
    EncodeRequest(pending.op, &bytes);
    client.connection->Queue(bytes);
    client.next_send_ns =
        now + 1 +
        static_cast<int64_t>(prng_.Below(static_cast<uint64_t>(2 * params_.think_time_ns)));
    if (pending.op.noreply) {
      Abandon(pending, "noreply", now);
    } else {
      client.awaiting.push_back(std::move(pending));
    }
  }
}

// An info is a process's last event: its processes are not reused.
void TargetRun::Abandon(const Pending& pending, std::string_view why, int64_t now) {
  result_->unknown++;
  if (options_.history != nullptr) {
    // Not settled: a real server gives no sign of when (or whether) it ran
    // the request, so it may take effect at any time after its invoke.
    RecordNoReply(*options_.history, pending.processes, now, pending.op, why, false);
  }
}

void TargetRun::Complete(Client& client, Pending& pending, const Reply& reply, int64_t now) {
  result_->replies++;
  const Operation& op = pending.op;
  if (op.kind == OpKind::kBadInput && reply.line != op.expected_error) {
    result_->failure = "bad request `" + DescribeOperation(op) + "`: memcached answers `" +
                       op.expected_error + "`, the target answered `" + DescribeReply(reply) + "`";
    return;
  }
  if (IsRetrieval(op.kind) && !HitsFollowKeys(op, reply)) {
    result_->failure = "reply to `" + DescribeOperation(op) +
                       "`: hits not among the keys or not in their order: " + DescribeReply(reply);
    return;
  }
  if (op.kind == OpKind::kGets) {
    for (const Hit& hit : reply.hits)
      client.known_cas.Remember(Workload::KeyIndex(hit.key), hit.cas);
  }
  if (options_.history != nullptr) {
    RecordReply(*options_.history, pending.processes, now, op, reply);
  }
  for (uint64_t process : pending.processes) client.idle_processes.push_back(process);
}

void TargetRun::ParseReplies(Client& client, int64_t now) {
  Reply reply;
  std::string error;
  RealConnection& connection = *client.connection;
  while (!connection.unread().empty() && result_->failure.empty()) {
    if (client.awaiting.empty()) {
      result_->failure =
          "bytes with no request waiting: " + std::string(connection.unread().substr(0, 100));
      return;
    }
    Pending& pending = client.awaiting.front();
    const size_t used = ParseReply(pending.op.kind, connection.unread(), &reply, &error);
    if (used == 0) return;
    if (used == std::string_view::npos) {
      result_->failure = "reply to `" + DescribeOperation(pending.op) + "`: " + error;
      return;
    }
    connection.Consume(used);
    Complete(client, pending, reply, now);
    client.awaiting.pop_front();
  }
}

void TargetRun::Receive(Client& client, int64_t now) {
  std::string error;
  const RealConnection::ReadStatus status = client.connection->Fill(&error);
  ParseReplies(client, now);
  if (status == RealConnection::ReadStatus::kOk) return;
  // The server closed the connection (or it broke): what is unanswered may
  // or may not have taken effect. The client goes on over a new one.
  result_->server_closes++;
  while (!client.awaiting.empty()) {
    Abandon(client.awaiting.front(), error, now);
    client.awaiting.pop_front();
  }
  client.connection.reset();
  if (MayIssue(now)) {
    Connect(client);
  } else {
    client.held.reset();  // never sent: not in the history
  }
}

bool TargetRun::Busy() const {
  for (const Client& client : clients_) {
    if (!client.awaiting.empty() ||
        (client.connection && (client.held || client.connection->wants_write()))) {
      return true;
    }
  }
  return false;
}

int64_t TargetRun::SleepNs(int64_t now, bool issuing) const {
  if (!issuing) return kDrainTimeoutNs;
  int64_t sleep = options_.duration_ns > 0 ? options_.duration_ns - now : kDrainTimeoutNs;
  for (const Client& client : clients_) {
    if (CanSend(client)) sleep = std::min(sleep, client.next_send_ns - now);
  }
  return std::max<int64_t>(sleep, 0);
}

void TargetRun::Run() {
  std::unique_ptr<RealConnection> admin = RealConnection::Open(
      options_.host, options_.port, kConnectTimeout, &result_->connection_error);
  if (admin == nullptr) return;
  // The checker starts every key absent: whatever the target held is flushed
  // (without delay, so no earlier delayed flush_all can bring it back).
  std::string reply;
  if (!admin->Exchange("flush_all\r\n", "\r\n", kStatsTimeout, &reply,
                       &result_->connection_error)) {
    return;
  }
  if (reply != "OK\r\n") {
    result_->connection_error = "the target answered flush_all with " + reply;
    return;
  }
  result_->before = ReadCounters(*admin);
  item_size_max_ = ReadItemSizeMax(*admin);
  length_bound_.assign(params_.key_count, 0);
  clients_.resize(params_.clients);
  for (Client& client : clients_) {
    client.skew_s =
        prng_.Range(-static_cast<int64_t>(params_.client_skew_s), params_.client_skew_s);
    if (!Connect(client)) return;
  }
  start_ = std::chrono::steady_clock::now();
  int64_t drain_deadline = -1;
  std::vector<pollfd> polled;
  std::vector<Client*> polled_clients;
  while (result_->failure.empty()) {
    int64_t now = Now();
    const bool issuing = MayIssue(now);
    for (Client& client : clients_) {
      if (client.connection) SendDue(client, now);
      if (client.connection && !client.connection->Flush(&result_->connection_error)) return;
    }
    if (!issuing) {
      if (!Busy()) break;
      if (drain_deadline < 0) drain_deadline = now + kDrainTimeoutNs;
      if (now >= drain_deadline) {
        for (Client& client : clients_) {
          for (const Pending& pending : client.awaiting) {
            result_->unanswered++;
            Abandon(pending, "no reply within 10 s after the last request", now);
          }
          client.awaiting.clear();
        }
        break;
      }
    }
    polled.clear();
    polled_clients.clear();
    for (Client& client : clients_) {
      if (!client.connection) continue;
      const auto events =
          static_cast<short>(POLLIN | (client.connection->wants_write() ? POLLOUT : 0));
      polled.push_back({client.connection->fd(), events, 0});
      polled_clients.push_back(&client);
    }
    int64_t sleep = SleepNs(now, issuing);
    if (drain_deadline >= 0) sleep = std::min(sleep, std::max<int64_t>(drain_deadline - now, 0));
    const timespec timeout{static_cast<time_t>(sleep / 1'000'000'000),
                           static_cast<long>(sleep % 1'000'000'000)};
    if (ppoll(polled.data(), polled.size(), &timeout, nullptr) < 0 && errno != EINTR) {
      result_->connection_error = std::string("poll: ") + std::strerror(errno);
      return;
    }
    // Replies are stamped after they were read: a completion's time is never
    // before the server sent it.
    now = Now();
    for (size_t i = 0; i < polled.size() && result_->failure.empty(); ++i) {
      if ((polled[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0) Receive(*polled_clients[i], now);
    }
    for (Client& client : clients_) {
      if (!client.connection && MayIssue(now)) return;  // a reconnect failed
    }
    result_->elapsed_ns = now;
  }
  result_->after = ReadCounters(*admin);
}

}  // namespace

void AdaptToTarget(SwarmParameters* params) {
  params->max_flush_delay = 0;
  params->udp_clients = 0;
}

std::string NotApplied(const SwarmParameters& drawn) {
  return "not applied to a real target: the server line (its -m, LRU and clock are the "
         "target's own, in real time), the faults line (a real network is not faulted), " +
         std::to_string(drawn.udp_clients) + " udp clients; flush_all delays 0.." +
         std::to_string(drawn.max_flush_delay) +
         "s become 0 (a delayed flush_all can bring flushed items back, which the checker's "
         "model does not allow)";
}

TargetRunResult RunAgainstTarget(const TargetRunOptions& options) {
  TargetRunResult result;
  TargetRun run(options, &result);
  run.Run();
  return result;
}

}  // namespace mcspec::sim
