#include "client_history.h"

#include <charconv>

#include "history.h"

namespace mcspec::sim {
namespace {

bool IsNumber(std::string_view text, uint64_t* n) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *n);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool IsErrorLine(std::string_view line) {
  return line == "ERROR" || line.starts_with("CLIENT_ERROR") || line.starts_with("SERVER_ERROR");
}

void Write(std::ostream& out, const HistoryEvent& event) {
  out << ToJsonLine(event) << '\n';
}

void RecordUnanswered(std::ostream& out, EventType type, const std::vector<uint64_t>& processes,
                      int64_t time, const Operation& op, std::string_view why, bool settled) {
  HistoryEvent event;
  event.type = type;
  event.settled = settled;
  event.time = time;
  event.f = OpName(op.kind);
  event.error = why;
  for (size_t i = 0; i < processes.size(); ++i) {
    event.process = processes[i];
    event.key = op.keys.empty() ? std::string() : op.keys[i];
    Write(out, event);
  }
}

// What the server did and no client saw: an operation of its own process,
// invoked and completed `ok` at the same instant.
void RecordServerEvent(std::ostream& out, uint64_t process, int64_t time, OpKind kind,
                       const std::string& key, std::string_view result) {
  HistoryEvent event;
  event.type = EventType::kInvoke;
  event.process = process;
  event.time = time;
  event.f = OpName(kind);
  event.key = key;
  Write(out, event);
  event.type = EventType::kOk;
  event.result = result;
  Write(out, event);
}

}  // namespace

void RecordInvoke(std::ostream& out, uint64_t process, int64_t time, const Operation& op,
                  size_t key_index, std::optional<uint64_t> connection) {
  HistoryEvent event;
  event.type = EventType::kInvoke;
  event.process = process;
  event.time = time;
  event.f = OpName(op.kind);
  if (!op.keys.empty()) event.key = op.keys[key_index];
  event.connection = connection;
  if (IsStorage(op.kind)) {
    event.value = op.value;
    event.flags = op.flags;
  }
  if (IsStorage(op.kind) || op.kind == OpKind::kTouch || op.kind == OpKind::kFlushAll) {
    event.exptime = op.exptime;
  }
  if (op.kind == OpKind::kIncr || op.kind == OpKind::kDecr) event.delta = op.delta;
  if (op.kind == OpKind::kCas) event.cas = op.cas;
  Write(out, event);
}

void RecordReply(std::ostream& out, const std::vector<uint64_t>& processes, int64_t time,
                 const Operation& op, const Reply& reply) {
  HistoryEvent event;
  event.time = time;
  event.f = OpName(op.kind);
  const bool arithmetic = op.kind == OpKind::kIncr || op.kind == OpKind::kDecr;
  if (IsErrorLine(reply.line) && !(arithmetic && reply.line.starts_with("CLIENT_ERROR cannot"))) {
    event.type = EventType::kFail;
    event.error = reply.line;
    for (size_t i = 0; i < processes.size(); ++i) {
      if (!op.keys.empty()) event.key = op.keys[i];
      event.process = processes[i];
      Write(out, event);
    }
    return;
  }
  event.type = EventType::kOk;
  if (IsRetrieval(op.kind)) {
    size_t next_hit = 0;
    for (size_t i = 0; i < op.keys.size(); ++i) {
      event.process = processes[i];
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
      Write(out, event);
    }
    return;
  }
  event.process = processes.front();
  if (!op.keys.empty()) event.key = op.key();
  uint64_t number = 0;
  if (arithmetic && IsNumber(reply.line, &number)) {
    event.result = "NUMBER";
    event.number = number;
  } else if (arithmetic && reply.line.starts_with("CLIENT_ERROR cannot")) {
    event.result = "NON_NUMERIC";
  } else {
    event.result = reply.line;
  }
  Write(out, event);
}

void RecordNoReply(std::ostream& out, const std::vector<uint64_t>& processes, int64_t time,
                   const Operation& op, std::string_view why, bool settled) {
  RecordUnanswered(out, EventType::kInfo, processes, time, op, why, settled);
}

void RecordNeverRan(std::ostream& out, const std::vector<uint64_t>& processes, int64_t time,
                    const Operation& op, std::string_view why) {
  RecordUnanswered(out, EventType::kFail, processes, time, op, why, false);
}

void RecordEviction(std::ostream& out, uint64_t process, int64_t time, const std::string& key) {
  RecordServerEvent(out, process, time, OpKind::kEvict, key, "EVICTED");
}

void RecordFlush(std::ostream& out, uint64_t process, int64_t time, std::string_view result) {
  RecordServerEvent(out, process, time, OpKind::kFlush, "", result);
}

}  // namespace mcspec::sim
