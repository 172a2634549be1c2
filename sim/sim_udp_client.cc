#include "sim_udp_client.h"

#include "client_history.h"

namespace mcspec::sim {
namespace {

constexpr size_t kFrameHeader = 8;
// Requests stay one datagram: values are cut to this size.
constexpr size_t kMaxUdpValue = 1000;

uint16_t Read16(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(bytes[at]) << 8) |
                               static_cast<unsigned char>(bytes[at + 1]));
}

void Append16(uint16_t value, std::string* out) {
  out->push_back(static_cast<char>(value >> 8));
  out->push_back(static_cast<char>(value & 0xff));
}

}  // namespace

UdpClient::UdpClient(uint32_t index, ClientContext& context)
    : index_(index), context_(context), skew_s_(context.DrawSkew()) {}

void UdpClient::Start() {
  socket_ = context_.network.OpenUdpSocket(this);
  request_id_ = static_cast<uint16_t>(context_.prng.Below(65536));
  ScheduleSend();
}

void UdpClient::ScheduleSend() {
  if (waiting_ || send_scheduled_ || context_.ops_left == 0) return;
  send_scheduled_ = true;
  const auto think = static_cast<SimTime>(
      1 + context_.prng.Below(static_cast<uint64_t>(2 * context_.params.think_time_ns)));
  context_.loop.After(think, [this] {
    send_scheduled_ = false;
    SendOne();
  });
}

void UdpClient::SendOne() {
  if (context_.ops_left == 0) return;
  context_.ops_left--;
  const Workload::ClientView view{context_.UnixNow(skew_s_), &no_cas_};
  // Both copies are written into finished operations' records (their
  // buffers reused).
  Operation* op;
  op_id_ = context_.feed.AddRecycled(&op);
  do {
    context_.workload.Next(context_.prng, view, op);
  } while (op->kind == OpKind::kFlushAll || op->kind == OpKind::kBadInput);
  if (op->keys.size() > 1) op->keys.resize(1);
  if (op->value.size() > kMaxUdpValue) op->value.resize(kMaxUdpValue);
  op->noreply = false;
  datagram_.clear();
  ++request_id_;
  Append16(request_id_, &datagram_);
  Append16(0, &datagram_);  // sequence
  Append16(1, &datagram_);  // datagrams in the request
  Append16(0, &datagram_);  // reserved
  EncodeRequest(*op, &datagram_);
  Operation* duplicate;
  duplicate_id_ = context_.feed.AddRecycled(&duplicate);
  *duplicate = context_.feed.operation(op_id_);
  process_ = context_.next_process++;
  if (context_.history != nullptr) {
    RecordInvoke(*context_.history, process_, context_.loop.now(), context_.feed.operation(op_id_),
                 0, std::nullopt);
  }
  context_.fingerprint.Record("udp-send", context_.loop.now(), op_id_, {});
  waiting_ = true;
  assembly_count_ = 0;
  const uint64_t attempt = ++attempt_;
  second_run_process_ = 0;
  if (context_.network.SendDatagram(socket_, datagram_, op_id_, duplicate_id_) == 2 &&
      context_.history != nullptr) {
    second_run_process_ = context_.next_process++;
    RecordInvoke(*context_.history, second_run_process_, context_.loop.now(),
                 context_.feed.operation(op_id_), 0, std::nullopt);
  }
  // Long enough for the slowest datagram both ways.
  const SimTime timeout =
      4 * context_.params.base_latency_ns + 2 * context_.params.tail_latency_ns + 1'000'000;
  context_.loop.After(timeout, [this, attempt] {
    if (waiting_ && attempt_ == attempt) Finish(0, nullptr);
  });
}

void UdpClient::OnDatagram(std::string_view bytes, uint64_t tag) {
  if (!waiting_ || bytes.size() < kFrameHeader || Read16(bytes, 0) != request_id_) return;
  if (tag != op_id_ && tag != duplicate_id_) return;
  const uint16_t sequence = Read16(bytes, 2);
  const uint16_t total = Read16(bytes, 4);
  if (total == 0 || sequence >= total) {
    context_.failure = "udp client " + std::to_string(index_) + ": a reply datagram numbered " +
                       std::to_string(sequence) + " of " + std::to_string(total);
    return;
  }
  Assembly* assembly = nullptr;
  for (size_t i = 0; i < assembly_count_; ++i) {
    if (assemblies_[i].tag == tag) assembly = &assemblies_[i];
  }
  // A reply in one datagram (the common case) is read where it lies.
  if (assembly == nullptr && total == 1) {
    FinishWithPayload(tag, bytes.substr(kFrameHeader));
    return;
  }
  if (assembly == nullptr) {
    if (assembly_count_ == assemblies_.size()) assemblies_.emplace_back();
    assembly = &assemblies_[assembly_count_++];
    assembly->tag = tag;
    assembly->total = total;
    assembly->received = 0;
    for (std::string& part : assembly->parts) part.clear();
    assembly->parts.resize(total);
  }
  if (total != assembly->total) {
    context_.failure =
        "udp client " + std::to_string(index_) + ": reply datagrams disagree on " + "their count";
    return;
  }
  std::string& part = assembly->parts[sequence];
  if (!part.empty()) return;  // a duplicated datagram
  part = bytes.substr(kFrameHeader);
  if (++assembly->received < total) return;
  payload_.clear();
  for (const std::string& p : assembly->parts) payload_ += p;
  FinishWithPayload(tag, payload_);
}

void UdpClient::FinishWithPayload(uint64_t tag, std::string_view payload) {
  std::string error;
  const Operation& op = context_.feed.operation(op_id_);
  const size_t used = ParseReply(op.kind, payload, &reply_, &error);
  if (used != payload.size()) {
    context_.failure = "udp client " + std::to_string(index_) + ": reply to `" +
                       DescribeOperation(op) + "` is not one whole reply" +
                       (error.empty() ? "" : ": " + error);
    return;
  }
  Finish(tag, &reply_);
}

void UdpClient::Finish(uint64_t answered, Reply* reply) {
  waiting_ = false;
  const Operation& op = context_.feed.operation(op_id_);
  if (context_.history != nullptr) {
    const bool settled = context_.feed.Settled(op_id_) && context_.feed.Settled(duplicate_id_);
    if (reply != nullptr) {
      RecordReply(*context_.history, {process_}, context_.loop.now(), op, *reply);
    } else if (context_.feed.NeverRuns(op_id_) && context_.feed.NeverRuns(duplicate_id_)) {
      RecordNeverRan(*context_.history, {process_}, context_.loop.now(), op,
                     "udp timeout: the request datagram was lost");
    } else {
      RecordNoReply(*context_.history, {process_}, context_.loop.now(), op, "udp timeout", settled);
    }
    if (second_run_process_ != 0) {
      RecordNoReply(*context_.history, {second_run_process_}, context_.loop.now(), op,
                    "a duplicated datagram: the server ran the request again", settled);
    }
  }
  if (reply != nullptr) {
    context_.replies++;
  } else {
    context_.unknown++;
  }
  // The copy that answered is checked against its reply; the other copy's
  // reply, if it ran at all, is not seen.
  for (uint64_t id : {op_id_, duplicate_id_}) {
    if (reply != nullptr && id == answered) {
      context_.feed.Replied(id, reply);
    } else {
      context_.feed.NoReply(id);
    }
  }
  ScheduleSend();
}

}  // namespace mcspec::sim
