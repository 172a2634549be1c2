#include "sim_client.h"

#include "client_history.h"
#include "clock.h"

namespace mcspec::sim {

SimClient::SimClient(uint32_t index, ClientContext& context)
    : index_(index), context_(context), skew_s_(context.DrawSkew()) {}

void SimClient::Start() {
  context_.loop.After(static_cast<SimTime>(context_.prng.Below(10'000)), [this] { Connect(); });
}

void SimClient::Connect() {
  connection_ = context_.network.Connect(this);
  connected_ = true;
  write_closed_ = false;
  reading_ = false;
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

int64_t ClientContext::UnixNow(int64_t skew_s) const {
  const double jumps =
      static_cast<double>(loop.now()) / static_cast<double>(params.tick_interval_ns);
  const auto elapsed = static_cast<int64_t>(jumps * (1 + params.max_clock_jump) / 2);
  return unix_epoch + ref::Clock::kStartOffset + elapsed + skew_s;
}

int64_t ClientContext::DrawSkew() {
  return prng.Range(-static_cast<int64_t>(params.client_skew_s), params.client_skew_s);
}

uint64_t SimClient::TakeProcess() {
  if (idle_processes_.empty()) return context_.next_process++;
  const uint64_t process = idle_processes_.back();
  idle_processes_.pop_back();
  return process;
}

void SimClient::SendOne() {
  if (!connected_ || write_closed_ || context_.ops_left == 0) return;
  context_.ops_left--;
  const Workload::ClientView view{context_.UnixNow(skew_s_), &known_cas_.entries()};
  Operation* op;
  const uint64_t id = context_.feed.AddRecycled(&op);
  context_.workload.Next(context_.prng, view, op);
  // The command line, then (storage) the data block where the operation
  // holds it: a value is not copied to be sent.
  request_.clear();
  EncodeCommandLine(*op, &request_);
  const bool storage = IsStorage(op->kind);
  const std::string_view parts[] = {request_, op->value, "\r\n"};
  const size_t part_count = storage ? 3 : 1;
  const size_t size = request_.size() + (storage ? op->value.size() + 2 : 0);
  const bool half_close =
      context_.params.half_close > 0 && context_.prng.Bernoulli(context_.params.half_close);
  const bool noreply = op->noreply;
  Pending pending{id, {}};
  // Processes are a history's: a run without one numbers none.
  if (context_.history != nullptr) {
    const size_t processes = IsRetrieval(op->kind) ? op->keys.size() : 1;
    if (!spare_process_lists_.empty()) {
      pending.processes = std::move(spare_process_lists_.back());
      spare_process_lists_.pop_back();
    }
    for (size_t i = 0; i < processes; ++i) pending.processes.push_back(TakeProcess());
    for (size_t i = 0; i < processes; ++i) {
      RecordInvoke(*context_.history, pending.processes[i], context_.loop.now(),
                   context_.feed.operation(id), i, connection_);
    }
  }
  // The bytes are hashed where the server reads them; here the write.
  context_.fingerprint.Record("send", context_.loop.now(), id, {});
  if (half_close) {
    // Part of the request, then FIN: the server drops the rest unexecuted.
    const size_t cut = size > 1 ? 1 + context_.prng.Below(size - 1) : 0;
    std::string whole;
    EncodeRequest(*op, &whole);
    context_.network.Send(connection_, std::string_view(whole).substr(0, cut), 0);
    context_.network.ShutdownWrite(connection_);
    write_closed_ = true;
    context_.feed.Dropped(id);
    awaiting_.push_back(std::move(pending));
    return;
  }
  const Operation& sent = context_.feed.operation(id);
  context_.network.Send(connection_, std::span(parts, part_count), id,
                        storage ? request_.size() : 0);
  if (noreply) {
    if (context_.history != nullptr) {
      Operation named;
      named.kind = sent.kind;
      named.keys = sent.keys;
      noreply_.push_back(Unsettled{std::move(pending), std::move(named)});
    }
    context_.unknown++;
    context_.feed.NoReply(id);
    return;
  }
  awaiting_.push_back(std::move(pending));
}

void SimClient::OnData(std::string_view bytes) {
  // Replies are read where the network holds them, each piece as it comes.
  std::string error;
  size_t pos = 0;
  while (pos < bytes.size() && context_.failure.empty()) {
    if (awaiting_.empty()) {
      context_.failure = "client " + std::to_string(index_) +
                         ": bytes with no request waiting: " + std::string(bytes.substr(pos, 100));
      break;
    }
    const Operation& op = context_.feed.operation(awaiting_.front().op_id);
    if (!reading_) {
      reader_.Start(op.kind, &reply_, &context_.feed.buffers());
      reading_ = true;
    }
    const size_t used = reader_.Read(bytes.substr(pos), &error);
    if (used == std::string_view::npos) {
      context_.failure = "client " + std::to_string(index_) + ": reply to `" +
                         DescribeOperation(op) + "`: " + error;
      break;
    }
    pos += used;
    if (!reader_.complete()) break;
    reading_ = false;
    Pending pending = std::move(awaiting_.front());
    awaiting_.pop_front();
    Complete(pending, &reply_);
    if (context_.history != nullptr) {
      pending.processes.clear();
      spare_process_lists_.push_back(std::move(pending.processes));
    }
  }
  ScheduleSend();
}

void SimClient::Complete(const Pending& pending, Reply* reply) {
  context_.replies++;
  const Operation& op = context_.feed.operation(pending.op_id);
  if (op.kind == OpKind::kGets) {
    for (const Hit& hit : reply->hits) known_cas_.Remember(Workload::KeyIndex(hit.key), hit.cas);
  }
  if (context_.history != nullptr) {
    SettleNoreply(pending.op_id);
    RecordReply(*context_.history, pending.processes, context_.loop.now(), op, *reply);
    for (uint64_t process : pending.processes) idle_processes_.push_back(process);
  }
  context_.feed.Replied(pending.op_id, reply);
}

void SimClient::Abandon(const Pending& pending, const std::string& why) {
  context_.unknown++;
  if (context_.history != nullptr) {
    const Operation& op = context_.feed.operation(pending.op_id);
    if (context_.feed.NeverRuns(pending.op_id)) {
      RecordNeverRan(*context_.history, pending.processes, context_.loop.now(), op,
                     why + ": the request never reached the server");
    } else {
      RecordNoReply(*context_.history, pending.processes, context_.loop.now(), op, why,
                    context_.feed.Settled(pending.op_id));
    }
  }
  // The processes are retired: an info is a process's last event.
  context_.feed.NoReply(pending.op_id);
}

void SimClient::SettleNoreply(uint64_t op_id) {
  while (!noreply_.empty() && (op_id == 0 || noreply_.front().pending.op_id < op_id)) {
    const Unsettled& unsettled = noreply_.front();
    RecordNoReply(*context_.history, unsettled.pending.processes, context_.loop.now(),
                  unsettled.named, "noreply", context_.feed.Settled(unsettled.pending.op_id));
    noreply_.pop_front();
  }
}

void SimClient::Finish() {
  if (context_.history != nullptr) SettleNoreply(0);
}

void SimClient::OnClosed(bool reset) {
  connected_ = false;
  if (context_.history != nullptr) SettleNoreply(0);
  while (!awaiting_.empty()) {
    Pending pending = std::move(awaiting_.front());
    awaiting_.pop_front();
    Abandon(pending, reset ? "connection reset" : "connection closed by the server");
  }
  reading_ = false;
  if (context_.ops_left > 0) {
    const auto delay = static_cast<SimTime>(1000 + context_.prng.Below(100'000));
    context_.loop.After(delay, [this] { Connect(); });
  }
}

}  // namespace mcspec::sim
