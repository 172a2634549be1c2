#include "simulation.h"

#include <memory>
#include <optional>

#include "client_history.h"
#include "execution_feed.h"
#include "fingerprint.h"
#include "flush_watch.h"
#include "sequential_oracle.h"
#include "server.h"
#include "session.h"
#include "settings.h"
#include "sim_client.h"
#include "sim_udp_client.h"
#include "trace.h"
#include "workload.h"

namespace mcspec::sim {
namespace {

// The eviction watcher's lines: "ts=... gid=... type=eviction key=K ...\n"
// (after the "OK\r\n" of the watch command).
// Keys are URI-encoded by memcached; mcsim's keys need no encoding.
class EvictionWatcher {
 public:
  // Returns false (with *error) on a line that is not an eviction.
  bool Parse(std::string_view polled, std::vector<std::string>* keys, std::string* error) {
    buffer_.append(polled);
    size_t pos = 0;
    while (true) {
      const size_t eol = buffer_.find('\n', pos);
      if (eol == std::string::npos) break;
      std::string_view line = std::string_view(buffer_).substr(pos, eol - pos);
      if (line.ends_with('\r')) line.remove_suffix(1);
      pos = eol + 1;
      if (line == "OK") continue;
      const size_t type = line.find(" type=eviction key=");
      if (type == std::string_view::npos) {
        *error = "eviction watcher: unexpected line: " + std::string(line);
        return false;
      }
      const size_t begin = type + std::string_view(" type=eviction key=").size();
      const size_t end = line.find(' ', begin);
      keys->emplace_back(line.substr(begin, end - begin));
    }
    buffer_.erase(0, pos);
    return true;
  }

 private:
  std::string buffer_;
};

class Simulation : public ServerObserver {
 public:
  Simulation(const RunOptions& options, RunResult* result)
      : options_(options),
        result_(result),
        prng_(options.seed),
        params_(SwarmParameters::Draw(prng_)),
        oracle_(0),
        feed_(oracle_) {}

  void Run();

  void HeaderRead(uint64_t tag) override {
    PollWatcher();
    feed_.HeaderRead(tag, server_->clock().now());
    fingerprint_.Record("header", loop_.now(), tag, {});
  }
  void Executed(uint64_t tag) override {
    PollWatcher();
    WatchFlush();
    feed_.Executed(tag, server_->clock().now());
    fingerprint_.Record("exec", loop_.now(), tag, {});
  }
  void Dropped(uint64_t tag) override { feed_.Dropped(tag); }

 private:
  // A trace records every poll, empty or not; the fingerprint only those that find something.
  void PollWatcher() {
    const uint64_t events = server_->watch_log().events_logged();
    if (trace_ == nullptr && events_at_poll_ == events) return;
    events_at_poll_ = events;
    TakeWatcherLines();
  }
  void TakeWatcherLines();
  // Records in the history when a flush_all takes effect.
  void WatchFlush() {
    if (options_.history == nullptr) return;
    const FlushChange change = flush_watch_.Observe(*server_);
    if (change == FlushChange::kNone) return;
    RecordFlush(*options_.history, context_->next_process++, loop_.now(),
                change == FlushChange::kFlushed    ? "FLUSHED"
                : change == FlushChange::kFlushing ? "FLUSHING"
                                                   : "RESTORED");
  }
  void Tick();
  bool Active() const;
  bool Failed() const { return feed_.failure() || !context_->failure.empty() || !failure_.empty(); }

  const RunOptions& options_;
  RunResult* result_;
  Prng prng_;
  SwarmParameters params_;
  EventLoop loop_;
  Fingerprint fingerprint_;
  std::unique_ptr<ref::Server> server_;
  SequentialOracle oracle_;
  ExecutionFeed feed_;
  std::unique_ptr<TraceWriter> trace_;
  std::unique_ptr<SimNetwork> network_;
  std::unique_ptr<Workload> workload_;
  std::unique_ptr<ClientContext> context_;
  std::vector<std::unique_ptr<SimClient>> clients_;
  std::vector<std::unique_ptr<UdpClient>> udp_clients_;
  ConnectionId watcher_ = 0;
  EvictionWatcher eviction_parser_;
  // The server's events_logged() at the watcher's last poll, which took all it had: the watcher
  // gets lines only when an event is logged, so until then a poll would find nothing.
  std::optional<uint64_t> events_at_poll_;
  std::string polled_;
  std::vector<std::string> evicted_;
  FlushWatch flush_watch_;
  std::string failure_;
};

void Simulation::TakeWatcherLines() {
  polled_.clear();
  network_->Poll(watcher_, &polled_);
  if (polled_.empty()) return;
  evicted_.clear();
  std::string error;
  if (!eviction_parser_.Parse(polled_, &evicted_, &error)) {
    if (failure_.empty()) failure_ = error;
    return;
  }
  for (std::string& key : evicted_) {
    fingerprint_.Record("evicted", loop_.now(), 0, key);
    if (options_.history != nullptr) {
      RecordEviction(*options_.history, context_->next_process++, loop_.now(), key);
    }
    feed_.Evicted(std::move(key));
  }
}

bool Simulation::Active() const {
  for (const auto& client : clients_) {
    if (!client->done()) return true;
  }
  for (const auto& client : udp_clients_) {
    if (!client->done()) return true;
  }
  return false;
}

void Simulation::Tick() {
  if (!Active()) return;
  const auto jump = static_cast<int64_t>(prng_.Range(1, params_.max_clock_jump));
  server_->AdvanceClock(jump);
  network_->RecordClock(jump);
  PollWatcher();
  WatchFlush();
  const auto next = static_cast<SimTime>(
      params_.tick_interval_ns / 2 + prng_.Below(static_cast<uint64_t>(params_.tick_interval_ns)));
  loop_.After(next, [this] { Tick(); });
}

void Simulation::Run() {
  if (options_.clients) params_.clients = *options_.clients;
  if (options_.adjust_parameters) options_.adjust_parameters(&params_);
  result_->parameters = params_.Describe();
  ref::FlagParseResult flags = ref::ParseServerFlags(params_.ServerFlags());
  if (!flags.error.empty()) {
    result_->failure = "server flags: " + flags.error;
    return;
  }
  for (const std::string& bug : options_.bugs) {
    if (!flags.settings.injected_bugs.Enable(bug)) {
      result_->failure = "no injected bug named " + bug;
      return;
    }
  }
  server_ = std::make_unique<ref::Server>(flags.settings);
  oracle_ = SequentialOracle(flags.settings.process_started);
  if (options_.keep_event_hashes) fingerprint_.KeepHashes();
  fingerprint_.CompareWith(options_.compare_with);
  fingerprint_.DescribeEvent(options_.describe_event);
  fingerprint_.LogEvents(options_.event_log);
  if (options_.trace != nullptr) {
    trace_ = std::make_unique<TraceWriter>(*options_.trace);
    trace_->Header(ReproduceCommand(options_), params_.ServerFlags(), options_.bugs);
  }
  network_ = std::make_unique<SimNetwork>(loop_, prng_, params_, *server_, *this, fingerprint_,
                                          trace_.get());
  // Evictions are observed, not guessed: a watcher connection reports each.
  ref::Session& watcher = network_->OpenLocalSession(&watcher_);
  std::string reply;
  watcher.Receive("watch evictions\r\n", &reply);
  if (trace_ != nullptr) trace_->In(loop_.now(), watcher_, "watch evictions\r\n", reply);
  workload_ = std::make_unique<Workload>(params_, &feed_.buffers());
  context_ = std::make_unique<ClientContext>(ClientContext{loop_,
                                                           prng_,
                                                           *network_,
                                                           *workload_,
                                                           feed_,
                                                           params_,
                                                           fingerprint_,
                                                           options_.history,
                                                           options_.ops,
                                                           0,
                                                           flags.settings.process_started,
                                                           {},
                                                           0,
                                                           0});
  for (uint32_t i = 0; i < params_.clients; ++i) {
    clients_.push_back(std::make_unique<SimClient>(i, *context_));
    clients_.back()->Start();
  }
  for (uint32_t i = 0; i < params_.udp_clients; ++i) {
    udp_clients_.push_back(std::make_unique<UdpClient>(i, *context_));
    udp_clients_.back()->Start();
  }
  loop_.After(params_.tick_interval_ns, [this] { Tick(); });
  loop_.RunWhile([this] { return !Failed(); });
  for (auto& client : clients_) client->Finish();

  result_->ops_issued = options_.ops - context_->ops_left;
  result_->ops_checked = feed_.checked();
  result_->replies = context_->replies;
  result_->unknown = context_->unknown;
  result_->evictions = feed_.evictions();
  result_->network = network_->stats();
  result_->sim_time_ns = loop_.now();
  result_->server_time = server_->clock().now();
  result_->events = fingerprint_.events();
  result_->fingerprint = fingerprint_.value();
  result_->event_hashes = fingerprint_.hashes();
  result_->first_difference = fingerprint_.first_difference();
  result_->event_description = fingerprint_.description();
  if (feed_.failure()) {
    result_->failure = *feed_.failure();
  } else if (!context_->failure.empty()) {
    result_->failure = context_->failure;
  } else if (!failure_.empty()) {
    result_->failure = failure_;
  } else if (feed_.waiting() != 0) {
    result_->failure =
        "the run ended with " + std::to_string(feed_.waiting()) + " executions never checked";
  } else {
    result_->passed = true;
  }
}

}  // namespace

std::string ReproduceCommand(const RunOptions& options) {
  std::string command =
      "mcsim run --seed " + std::to_string(options.seed) + " --ops " + std::to_string(options.ops);
  if (options.clients) command += " --clients " + std::to_string(*options.clients);
  for (const std::string& bug : options.bugs) command += " --inject-bug " + bug;
  return command;
}

RunResult RunSimulation(const RunOptions& options) {
  RunResult result;
  Simulation simulation(options, &result);
  simulation.Run();
  return result;
}

}  // namespace mcspec::sim
