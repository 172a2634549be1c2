#include "sim_client.h"

#include <charconv>

#include "clock.h"

namespace mcspec::sim {
namespace {

bool IsNumber(std::string_view text, uint64_t* n) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *n);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool IsErrorLine(std::string_view line) {
  return line == "ERROR" || line.starts_with("CLIENT_ERROR") || line.starts_with("SERVER_ERROR");
}

}  // namespace

SimClient::SimClient(uint32_t index, ClientContext& context)
    : index_(index),
      context_(context),
      skew_s_(context.prng.Range(-static_cast<int64_t>(context.params.client_skew_s),
                                 context.params.client_skew_s)) {}

void SimClient::Start() {
  context_.loop.After(static_cast<SimTime>(context_.prng.Below(10'000)), [this] { Connect(); });
}

void SimClient::Connect() {
  connection_ = context_.network.Connect(this);
  connected_ = true;
  write_closed_ = false;
  input_.clear();
  input_pos_ = 0;
  ScheduleSend();
}

void SimClient::ScheduleSend() {
  if (!connected_ || write_closed_ || send_scheduled_ || context_.ops_left == 0 ||
      awaiting_.size() >= context_.params.pipeline_depth) {
    return;
  }
  send_scheduled_ = true;
  const auto think = static_cast<SimTime>(
      1 + context_.prng.Below(static_cast<uint64_t>(2 * context_.params.think_time_ns)));
  context_.loop.After(think, [this] {
    send_scheduled_ = false;
    SendOne();
    ScheduleSend();
  });
}

int64_t SimClient::UnixNow() const {
  // The client's idea of the server's clock: the average jump rate, off by its skew.
  const double jumps = static_cast<double>(context_.loop.now()) /
                       static_cast<double>(context_.params.tick_interval_ns);
  const auto elapsed = static_cast<int64_t>(jumps * (1 + context_.params.max_clock_jump) / 2);
  return context_.unix_epoch + ref::Clock::kStartOffset + elapsed + skew_s_;
}

void SimClient::RememberCas(uint32_t key, uint64_t cas) {
  for (auto& [known_key, known_cas] : known_cas_) {
    if (known_key == key) {
      known_cas = cas;
      return;
    }
  }
  if (known_cas_.size() < kKnownCas) {
    known_cas_.emplace_back(key, cas);
  } else {
    known_cas_[known_cas_next_] = {key, cas};
    known_cas_next_ = (known_cas_next_ + 1) % kKnownCas;
  }
}

uint64_t SimClient::TakeProcess() {
  if (idle_processes_.empty()) return context_.next_process++;
  const uint64_t process = idle_processes_.back();
  idle_processes_.pop_back();
  return process;
}

void SimClient::Write(const HistoryEvent& event) {
  *context_.history << ToJsonLine(event) << '\n';
}

void SimClient::Invoke(uint64_t process, const Operation& op, size_t key_index) {
  HistoryEvent event;
  event.type = EventType::kInvoke;
  event.process = process;
  event.time = context_.loop.now();
  event.f = OpName(op.kind);
  if (!op.keys.empty()) event.key = op.keys[key_index];
  if (IsStorage(op.kind)) {
    event.value = op.value;
    event.flags = op.flags;
  }
  if (IsStorage(op.kind) || op.kind == OpKind::kTouch || op.kind == OpKind::kFlushAll) {
    event.exptime = op.exptime;
  }
  if (op.kind == OpKind::kIncr || op.kind == OpKind::kDecr) event.delta = op.delta;
  if (op.kind == OpKind::kCas) event.cas = op.cas;
  Write(event);
}

void SimClient::SendOne() {
  if (!connected_ || write_closed_ || context_.ops_left == 0) return;
  context_.ops_left--;
  const Workload::ClientView view{UnixNow(), &known_cas_};
  Operation op = context_.workload.Next(context_.prng, view);
  std::string bytes;
  EncodeRequest(op, &bytes);
  const bool half_close =
      context_.params.half_close > 0 && context_.prng.Bernoulli(context_.params.half_close);
  const bool noreply = op.noreply;
  const size_t processes = IsRetrieval(op.kind) ? op.keys.size() : 1;
  const uint64_t id = context_.feed.Add(std::move(op));
  Pending pending{id, {}};
  for (size_t i = 0; i < processes; ++i) pending.processes.push_back(TakeProcess());
  if (context_.history != nullptr) {
    for (size_t i = 0; i < processes; ++i) {
      Invoke(pending.processes[i], context_.feed.operation(id), i);
    }
  }
  context_.fingerprint.Record("send", context_.loop.now(), id, bytes);
  if (half_close) {
    // Part of the request, then FIN: the server drops the rest unexecuted.
    const size_t cut = bytes.size() > 1 ? 1 + context_.prng.Below(bytes.size() - 1) : 0;
    context_.network.Send(connection_, std::string_view(bytes).substr(0, cut), 0);
    context_.network.ShutdownWrite(connection_);
    write_closed_ = true;
    context_.feed.Dropped(id);
    awaiting_.push_back(std::move(pending));
    return;
  }
  const Operation& sent = context_.feed.operation(id);
  const size_t header = IsStorage(sent.kind) ? bytes.size() - sent.value.size() - 2 : 0;
  context_.network.Send(connection_, bytes, id, header);
  if (noreply) {
    Abandon(pending, "noreply");
    return;
  }
  awaiting_.push_back(std::move(pending));
}

void SimClient::OnData(std::string_view bytes) {
  input_.append(bytes);
  ParseReplies();
  ScheduleSend();
}

void SimClient::ParseReplies() {
  Reply reply;
  std::string error;
  while (input_pos_ < input_.size() && context_.failure.empty()) {
    const std::string_view rest = std::string_view(input_).substr(input_pos_);
    if (awaiting_.empty()) {
      context_.failure = "client " + std::to_string(index_) +
                         ": bytes with no request waiting: " + std::string(rest.substr(0, 100));
      return;
    }
    const Operation& op = context_.feed.operation(awaiting_.front().op_id);
    const size_t used = ParseReply(op.kind, rest, &reply, &error);
    if (used == 0) break;
    if (used == std::string_view::npos) {
      context_.failure = "client " + std::to_string(index_) + ": reply to `" +
                         DescribeOperation(op) + "`: " + error;
      return;
    }
    input_pos_ += used;
    Pending pending = std::move(awaiting_.front());
    awaiting_.pop_front();
    Complete(pending, reply);
  }
  if (input_pos_ == input_.size()) {
    input_.clear();
    input_pos_ = 0;
  } else if (input_pos_ > 65536) {
    input_.erase(0, input_pos_);
    input_pos_ = 0;
  }
}

void SimClient::Complete(const Pending& pending, const Reply& reply) {
  context_.replies++;
  const Operation& op = context_.feed.operation(pending.op_id);
  if (op.kind == OpKind::kGets) {
    for (const Hit& hit : reply.hits) RememberCas(Workload::KeyIndex(hit.key), hit.cas);
  }
  if (context_.history != nullptr) {
    HistoryEvent event;
    event.time = context_.loop.now();
    event.f = OpName(op.kind);
    auto finish = [&](uint64_t process) {
      event.process = process;
      Write(event);
    };
    if (IsErrorLine(reply.line) && !(op.kind == OpKind::kIncr || op.kind == OpKind::kDecr)) {
      event.type = EventType::kFail;
      event.error = reply.line;
      for (size_t i = 0; i < pending.processes.size(); ++i) {
        if (!op.keys.empty()) event.key = op.keys[i];
        finish(pending.processes[i]);
      }
    } else if (IsRetrieval(op.kind)) {
      event.type = EventType::kOk;
      size_t next_hit = 0;
      for (size_t i = 0; i < op.keys.size(); ++i) {
        event.key = op.keys[i];
        event.value.reset();
        event.flags.reset();
        event.cas.reset();
        if (next_hit < reply.hits.size() && reply.hits[next_hit].key == op.keys[i]) {
          const Hit& hit = reply.hits[next_hit++];
          event.result = "HIT";
          event.value = hit.value;
          event.flags = hit.flags;
          if (op.kind == OpKind::kGets) event.cas = hit.cas;
        } else {
          event.result = "MISS";
        }
        finish(pending.processes[i]);
      }
    } else {
      if (!op.keys.empty()) event.key = op.key();
      uint64_t number = 0;
      event.type = EventType::kOk;
      if ((op.kind == OpKind::kIncr || op.kind == OpKind::kDecr) && IsNumber(reply.line, &number)) {
        event.result = "NUMBER";
        event.number = number;
      } else if (reply.line.starts_with("CLIENT_ERROR cannot increment")) {
        event.result = "NON_NUMERIC";
      } else if (IsErrorLine(reply.line)) {
        event.type = EventType::kFail;
        event.error = reply.line;
      } else {
        event.result = reply.line;
      }
      finish(pending.processes.front());
    }
  }
  for (uint64_t process : pending.processes) idle_processes_.push_back(process);
  context_.feed.Replied(pending.op_id, reply);
}

void SimClient::Abandon(const Pending& pending, const std::string& why) {
  context_.unknown++;
  if (context_.history != nullptr) {
    const Operation& op = context_.feed.operation(pending.op_id);
    HistoryEvent event;
    event.type = EventType::kInfo;
    event.time = context_.loop.now();
    event.f = OpName(op.kind);
    event.error = why;
    for (size_t i = 0; i < pending.processes.size(); ++i) {
      event.process = pending.processes[i];
      event.key = op.keys.empty() ? std::string() : op.keys[i];
      Write(event);
    }
  }
  // The processes are retired: an info is a process's last event.
  context_.feed.NoReply(pending.op_id);
}

void SimClient::OnClosed(bool reset) {
  connected_ = false;
  while (!awaiting_.empty()) {
    Pending pending = std::move(awaiting_.front());
    awaiting_.pop_front();
    Abandon(pending, reset ? "connection reset" : "connection closed by the server");
  }
  input_.clear();
  input_pos_ = 0;
  if (context_.ops_left > 0) {
    const auto delay = static_cast<SimTime>(1000 + context_.prng.Below(100'000));
    context_.loop.After(delay, [this] { Connect(); });
  }
}

}  // namespace mcspec::sim
