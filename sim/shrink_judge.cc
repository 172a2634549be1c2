#include "shrink_judge.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>

#include "execution_feed.h"
#include "sequential_oracle.h"
#include "server.h"
#include "session.h"
#include "settings.h"
#include "shrink_request.h"
#include "udp_connection.h"

namespace mcspec::sim {
namespace {

constexpr size_t kUdpFrameHeader = 8;

bool IsErrorLine(std::string_view line) {
  return line == "ERROR" || line.starts_with("CLIENT_ERROR ") || line.starts_with("SERVER_ERROR ");
}

// One TCP connection's side of the judge: its session, the requests whose
// replies it still owes (in order), and the bytes it sent not yet parsed.
struct Conn {
  std::unique_ptr<ref::Session> session;
  std::deque<uint64_t> awaiting;
  std::string unparsed;
  std::string watched;  // a watcher's partial line
};

class Judge {
 public:
  Judge(const TraceInputs& inputs, Judgement* judgement)
      : inputs_(inputs), judgement_(judgement), oracle_(0), feed_(oracle_) {}

  void Run(bool with_bugs);

 private:
  bool Failed() const { return feed_.failure().has_value() || !failure_.empty(); }
  void Piece(const TraceStep& step, size_t offset, StepOutput* out);
  // Request r's bytes as sent: a cas with a source gets its unique then.
  // Request r's bytes as sent: a cas with a source sends the unique the
  // source's reply showed; offsets in the trace's bytes map to them.
  struct Rewritten {
    const std::string* bytes = nullptr;  // the trace's, or `rewritten`
    std::string rewritten;
    size_t unique_begin = std::string::npos;  // npos: sent as in the trace
    size_t unique_size = 0;
    size_t new_unique_size = 0;
    size_t Map(size_t offset) const;
  };
  const Rewritten& Sent(size_t r);
  void Datagram(const TraceStep& step, StepOutput* out);
  // The operation of request r, added to the feed (ids by request).
  uint64_t Add(size_t r, const Operation& op);
  // Hands complete replies in conn's buffer to the feed; `orphans`: bytes
  // with no request waiting are a failure.
  void Drain(uint32_t id, Conn& conn, bool orphans);
  void PollWatchers(StepOutput* out);
  void Close(uint32_t id);

  const TraceInputs& inputs_;
  Judgement* judgement_;
  std::unique_ptr<ref::Server> server_;
  SequentialOracle oracle_;
  ExecutionFeed feed_;
  std::map<uint32_t, Conn> conns_;
  std::map<uint32_t, std::unique_ptr<ref::UdpConnection>> udp_;
  std::map<size_t, uint64_t> op_of_request_;
  std::map<uint64_t, size_t> request_of_op_;
  std::map<size_t, Rewritten> sent_;
  std::string failure_;
};

uint64_t Judge::Add(size_t r, const Operation& op) {
  const uint64_t id = feed_.Add(op);
  op_of_request_[r] = id;
  request_of_op_[id] = r;
  judgement_->executed.push_back(r);
  if (op.noreply) feed_.NoReply(id);
  return id;
}

void Judge::Drain(uint32_t id, Conn& conn, bool orphans) {
  size_t used = 0;
  while (!conn.awaiting.empty() && !Failed()) {
    Reply reply;
    std::string error;
    const uint64_t op = conn.awaiting.front();
    const size_t n = ParseReply(feed_.operation(op).kind,
                                std::string_view(conn.unparsed).substr(used), &reply, &error);
    if (n == std::string_view::npos) {
      failure_ = "connection " + std::to_string(id) + ": a reply that does not parse: " + error;
      return;
    }
    if (n == 0) break;
    used += n;
    conn.awaiting.pop_front();
    if (feed_.operation(op).kind == OpKind::kGets) {
      auto& shown = judgement_->uniques_shown[request_of_op_[op]];
      for (const Hit& hit : reply.hits) shown[hit.key] = hit.cas;
    }
    feed_.Replied(op, &reply);
  }
  conn.unparsed.erase(0, used);
  if (orphans && conn.awaiting.empty() && !conn.unparsed.empty() && !conn.session->watching() &&
      !Failed()) {
    failure_ = "connection " + std::to_string(id) +
               ": bytes with no request waiting: " + conn.unparsed.substr(0, 200);
  }
}

void Judge::PollWatchers(StepOutput* out) {
  for (auto& [id, conn] : conns_) {
    if (conn.session == nullptr || !conn.session->watching()) continue;
    std::string polled;
    conn.session->Poll(&polled);
    if (polled.empty()) continue;
    out->watched.emplace_back(id, polled);
    conn.watched += polled;
    size_t pos = 0;
    for (size_t eol; (eol = conn.watched.find('\n', pos)) != std::string::npos; pos = eol + 1) {
      std::string_view line = std::string_view(conn.watched).substr(pos, eol - pos);
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (line == "OK") continue;
      constexpr std::string_view kEviction = " type=eviction key=";
      const size_t type = line.find(kEviction);
      if (type == std::string_view::npos) {
        if (!Failed()) failure_ = "eviction watcher: unexpected line: " + std::string(line);
        continue;
      }
      const size_t begin = type + kEviction.size();
      feed_.Evicted(std::string(line.substr(begin, line.find(' ', begin) - begin)));
    }
    conn.watched.erase(0, pos);
  }
}

void Judge::Close(uint32_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  for (uint64_t op : it->second.awaiting) feed_.NoReply(op);
  conns_.erase(it);
}

const Judge::Rewritten& Judge::Sent(size_t r) {
  if (auto it = sent_.find(r); it != sent_.end()) return it->second;
  const TraceRequest& request = inputs_.requests[r];
  Rewritten& sent = sent_[r];
  sent.bytes = &request.bytes;
  const auto shown = judgement_->uniques_shown.find(request.cas_source);
  Operation op;
  if (request.cas_source == TraceRequest::kNoSource || shown == judgement_->uniques_shown.end() ||
      !ParseRequest(request.bytes, &op)) {
    return sent;
  }
  const auto unique = shown->second.find(op.key());
  if (unique == shown->second.end()) return sent;
  // The unique is the command line's sixth word.
  size_t begin = 0;
  for (int word = 0; word < 5; ++word) begin = request.bytes.find(' ', begin) + 1;
  sent.unique_begin = begin;
  sent.unique_size = request.bytes.find_first_of(" \r", begin) - begin;
  op.cas = unique->second;
  EncodeRequest(op, &sent.rewritten);
  sent.bytes = &sent.rewritten;
  sent.new_unique_size = sent.rewritten.size() + sent.unique_size - request.bytes.size();
  return sent;
}

size_t Judge::Rewritten::Map(size_t offset) const {
  if (offset <= unique_begin) return offset;
  if (offset >= unique_begin + unique_size) return offset - unique_size + new_unique_size;
  return unique_begin + std::min(offset - unique_begin, new_unique_size);
}

void Judge::Piece(const TraceStep& step, size_t offset, StepOutput* out) {
  auto it = conns_.find(step.conn);
  if (it == conns_.end() || it->second.session->closed()) return;
  Conn& conn = it->second;
  const TraceRequest& request = inputs_.requests[step.request];
  // Decided when the request's first piece arrives (its source has answered).
  const Rewritten& sent = Sent(step.request);
  const std::string& bytes = *sent.bytes;
  const size_t begin = sent.Map(offset);
  const size_t end = sent.Map(offset + step.size);
  out->sent = bytes.substr(begin, end - begin);
  conn.session->Receive(out->sent, &out->bytes);
  conn.unparsed += out->bytes;
  PollWatchers(out);
  const size_t header = request.header == 0 ? 0 : sent.Map(request.header);
  const bool header_read = header != 0 && end == header;
  const bool executed = request.complete && end == bytes.size();
  if (header_read || executed) {
    Drain(step.conn, conn, false);
    uint64_t id = 0;
    if (auto known = op_of_request_.find(step.request); known != op_of_request_.end()) {
      id = known->second;
    } else {
      Operation op;
      if (!ParseRequest(bytes, &op)) {
        op.kind = OpKind::kBadInput;
        op.bad_request = bytes;
        const std::string_view unparsed = conn.unparsed;
        const std::string_view line = unparsed.substr(0, unparsed.find("\r\n"));
        op.expected_error = IsErrorLine(line) ? line : "an error line";
      }
      id = Add(step.request, op);
      if (!op.noreply) conn.awaiting.push_back(id);
    }
    if (header_read) {
      feed_.HeaderRead(id, server_->clock().now());
    } else {
      feed_.Executed(id, server_->clock().now());
    }
  }
  Drain(step.conn, conn, true);
  if (conn.session->closed()) Close(step.conn);
}

void Judge::Datagram(const TraceStep& step, StepOutput* out) {
  auto it = udp_.find(step.conn);
  if (it == udp_.end()) return;
  const TraceRequest& request = inputs_.requests[step.request];
  std::vector<std::string> replies;
  out->sent = request.bytes;
  it->second->Receive(request.bytes, request.peer, &replies);
  std::string payload;
  for (const std::string& datagram : replies) {
    out->bytes += datagram;
    if (datagram.size() > kUdpFrameHeader) payload.append(datagram, kUdpFrameHeader);
  }
  PollWatchers(out);
  if (!request.complete || request.bytes.size() < kUdpFrameHeader) return;
  Operation op;
  const std::string_view body = std::string_view(request.bytes).substr(kUdpFrameHeader);
  if (!ParseRequest(body, &op)) {
    op.kind = OpKind::kBadInput;
    op.bad_request = body;
    const std::string_view line = std::string_view(payload).substr(0, payload.find("\r\n"));
    op.expected_error = IsErrorLine(line) ? line : "an error line";
  }
  const uint64_t id = Add(step.request, op);
  feed_.Executed(id, server_->clock().now());
  if (op.noreply) return;
  Reply reply;
  std::string error;
  const size_t n = ParseReply(op.kind, payload, &reply, &error);
  // A reply cut short (a datagram too many) is one a client never sees whole.
  if (n == 0 || n == std::string::npos || n != payload.size()) {
    feed_.NoReply(id);
  } else {
    feed_.Replied(id, &reply);
  }
}

void Judge::Run(bool with_bugs) {
  ref::FlagParseResult parsed = ref::ParseServerFlags(inputs_.flags);
  if (!parsed.error.empty()) {
    judgement_->failed = true;
    judgement_->failure = "server flags: " + parsed.error;
    return;
  }
  if (with_bugs) {
    for (const std::string& bug : inputs_.bugs) {
      if (!parsed.settings.injected_bugs.Enable(bug)) {
        judgement_->failed = true;
        judgement_->failure = "unknown injected bug " + bug;
        return;
      }
    }
  }
  server_ = std::make_unique<ref::Server>(parsed.settings);
  oracle_ = SequentialOracle(parsed.settings.process_started);
  std::vector<size_t> offset(inputs_.requests.size(), 0);
  for (const TraceStep& step : inputs_.steps) {
    if (Failed()) break;
    StepOutput& out = judgement_->outputs.emplace_back();
    judgement_->steps_run++;
    switch (step.kind) {
      case TraceStep::Kind::kOpen:
        conns_[step.conn].session = std::make_unique<ref::Session>(*server_);
        break;
      case TraceStep::Kind::kUdpOpen:
        udp_[step.conn] = std::make_unique<ref::UdpConnection>(*server_, 0, "udp:127.0.0.1:11211");
        break;
      case TraceStep::Kind::kClose:
        Close(step.conn);
        break;
      case TraceStep::Kind::kClock:
        server_->AdvanceClock(step.seconds);
        PollWatchers(&out);
        break;
      case TraceStep::Kind::kPiece:
        Piece(step, offset[step.request], &out);
        offset[step.request] += step.size;
        break;
      case TraceStep::Kind::kDatagram:
        Datagram(step, &out);
        break;
    }
  }
  // What is still owed will not come.
  std::vector<uint32_t> open;
  for (const auto& [id, conn] : conns_) open.push_back(id);
  for (uint32_t id : open) Close(id);
  judgement_->checked = feed_.checked();
  if (feed_.failure()) {
    judgement_->failure = *feed_.failure();
  } else if (!failure_.empty()) {
    judgement_->failure = failure_;
  } else if (feed_.waiting() != 0) {
    judgement_->failure = std::to_string(feed_.waiting()) + " executions never checked";
  }
  judgement_->failed = !judgement_->failure.empty();
  if (judgement_->failed) judgement_->signature = FailureSignature(judgement_->failure);
}

}  // namespace

Judgement JudgeInputs(const TraceInputs& inputs, bool with_bugs) {
  Judgement judgement;
  Judge(inputs, &judgement).Run(with_bugs);
  return judgement;
}

std::string FailureSignature(std::string_view failure) {
  if (failure.starts_with("op `")) {
    const size_t name_end = failure.find_first_of(" `\\", 4);
    const std::string command(failure.substr(4, name_end - 4));
    constexpr std::string_view kGot = " but got ";
    const size_t got = failure.find(kGot);
    if (got != std::string_view::npos) {
      const size_t begin = got + kGot.size();
      const size_t end = failure.find_first_of(" [", begin);
      return command + " got " + std::string(failure.substr(begin, end - begin));
    }
    return command + ": " + std::string(failure.substr(failure.find("`:") + 2));
  }
  if (failure.starts_with("the server evicted ")) return "eviction of an absent key";
  return std::string(failure.substr(0, failure.find(':')));
}

}  // namespace mcspec::sim
