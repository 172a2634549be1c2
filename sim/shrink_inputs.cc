#include "shrink_inputs.h"

#include <charconv>
#include <map>
#include <set>
#include <string_view>

#include "text_words.h"
#include "trace.h"

namespace mcspec::sim {
namespace {}  // namespace

size_t TraceInputs::connections() const {
  std::set<std::pair<uint32_t, std::string>> senders;
  for (const TraceRequest& request : requests) senders.emplace(request.conn, request.peer);
  return senders.size();
}

size_t TraceInputs::bytes() const {
  size_t total = 0;
  for (const TraceRequest& request : requests) total += request.bytes.size();
  return total;
}

size_t TraceInputs::pieces() const {
  size_t count = 0;
  for (const TraceStep& step : steps) {
    count += step.kind == TraceStep::Kind::kPiece || step.kind == TraceStep::Kind::kDatagram;
  }
  return count;
}

size_t TraceInputs::clock_jumps() const {
  size_t count = 0;
  for (const TraceStep& step : steps) count += step.kind == TraceStep::Kind::kClock;
  return count;
}

int64_t TraceInputs::clock_seconds() const {
  int64_t total = 0;
  for (const TraceStep& step : steps) {
    if (step.kind == TraceStep::Kind::kClock) total += step.seconds;
  }
  return total;
}

std::string TraceInputs::Summary() const {
  return std::to_string(connections()) + " connections, " + std::to_string(requests.size()) +
         " requests, " + std::to_string(bytes()) + " bytes in " + std::to_string(pieces()) +
         " pieces, " + std::to_string(clock_jumps()) + " clock jumps (" +
         std::to_string(clock_seconds()) + " s)";
}

bool ParseTraceInputs(std::istream& in, TraceInputs* inputs, std::string* error) {
  *inputs = TraceInputs();
  std::map<uint32_t, size_t> unfinished;  // conn -> its request still arriving
  std::map<uint32_t, size_t> last_datagram;
  std::set<uint32_t> udp_conns;
  std::string line;
  std::string bytes;
  uint64_t line_number = 0;
  auto fail = [&](const std::string& why) {
    *error = "line " + std::to_string(line_number) + ": " + why;
    return false;
  };
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view rest = line;
    const std::string_view first = Word(&rest);
    if (line_number == 1) {
      if (line != "mcsim-trace 1") return fail("not an mcsim trace (version 1)");
      continue;
    }
    if (first == "command") {
      inputs->command = rest;
      continue;
    }
    if (first == "flags") {
      while (!rest.empty()) {
        const std::string_view flag = Word(&rest);
        if (!flag.empty()) inputs->flags.emplace_back(flag);
      }
      continue;
    }
    if (first == "bug") {
      inputs->bugs.emplace_back(rest);
      continue;
    }
    const std::string_view kind = Word(&rest);
    if (first == "-") {
      if (kind != "out") return fail("unknown record " + std::string(kind));
      continue;  // outputs are computed again
    }
    int64_t time = 0;
    if (!ParseNumber(first, &time)) return fail("bad time");
    TraceStep step;
    if (kind == "clock") {
      step.kind = TraceStep::Kind::kClock;
      if (!ParseNumber(rest, &step.seconds)) return fail("bad clock jump");
      inputs->steps.push_back(step);
      continue;
    }
    if (!ParseNumber(Word(&rest), &step.conn)) return fail("bad connection number");
    if (kind == "open") {
      step.kind = TraceStep::Kind::kOpen;
      inputs->steps.push_back(step);
    } else if (kind == "udp-open") {
      step.kind = TraceStep::Kind::kUdpOpen;
      udp_conns.insert(step.conn);
      inputs->steps.push_back(step);
    } else if (kind == "close") {
      step.kind = TraceStep::Kind::kClose;
      unfinished.erase(step.conn);
      inputs->steps.push_back(step);
    } else if (kind == "poll") {
      // Polling a watcher changes nothing on the server; a replay polls
      // after every input.
    } else if (kind == "in") {
      if (!UnescapeBytes(rest, &bytes)) return fail("bad escape");
      auto [it, fresh] = unfinished.try_emplace(step.conn, inputs->requests.size());
      if (fresh) inputs->requests.push_back(TraceRequest{step.conn, {}, 0, false, {}});
      inputs->requests[it->second].bytes += bytes;
      step.kind = TraceStep::Kind::kPiece;
      step.request = it->second;
      step.size = bytes.size();
      inputs->steps.push_back(step);
    } else if (kind == "udp") {
      if (udp_conns.count(step.conn) == 0)
        return fail("no UDP socket " + std::to_string(step.conn));
      const std::string_view peer = Word(&rest);
      if (!UnescapeBytes(rest, &bytes)) return fail("bad escape");
      step.kind = TraceStep::Kind::kDatagram;
      step.request = inputs->requests.size();
      step.size = bytes.size();
      last_datagram[step.conn] = step.request;
      inputs->requests.push_back(TraceRequest{step.conn, bytes, 0, false, std::string(peer)});
      inputs->steps.push_back(step);
    } else if (kind == "request" || kind == "header") {
      if (udp_conns.count(step.conn) != 0) {
        auto it = last_datagram.find(step.conn);
        if (it == last_datagram.end() || kind == "header") return fail("misplaced " + line);
        inputs->requests[it->second].complete = true;
        last_datagram.erase(it);
        continue;
      }
      auto it = unfinished.find(step.conn);
      if (it == unfinished.end()) return fail("a request end with no bytes before it");
      TraceRequest& request = inputs->requests[it->second];
      if (kind == "header") {
        request.header = request.bytes.size();
      } else {
        request.complete = true;
        unfinished.erase(it);
      }
    } else {
      return fail("unknown record " + std::string(kind));
    }
  }
  if (line_number == 0) return fail("empty trace");
  return true;
}

TraceInputs Keep(const TraceInputs& inputs, const std::vector<bool>& requested,
                 const std::vector<bool>& keep_step) {
  std::vector<bool> keep_request = requested;
  for (size_t r = 0; r < inputs.requests.size(); ++r) {
    const size_t source = inputs.requests[r].cas_source;
    if (keep_request[r] && source != TraceRequest::kNoSource) keep_request[source] = true;
  }
  TraceInputs kept;
  kept.command = inputs.command;
  kept.flags = inputs.flags;
  kept.bugs = inputs.bugs;
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> renumbered(inputs.requests.size(), kNone);
  std::vector<size_t> offset(inputs.requests.size(), 0);  // original bytes seen so far
  std::vector<bool> cut(inputs.requests.size(), false);   // a piece was left out
  for (size_t i = 0; i < inputs.steps.size(); ++i) {
    const TraceStep& step = inputs.steps[i];
    const bool carries =
        step.kind == TraceStep::Kind::kPiece || step.kind == TraceStep::Kind::kDatagram;
    if (!carries) {
      if (keep_step[i]) kept.steps.push_back(step);
      continue;
    }
    const size_t r = step.request;
    const size_t begin = offset[r];
    offset[r] += step.size;
    // Only a prefix of a request's pieces can stay: later bytes without the
    // earlier ones would be another request.
    if (cut[r] || !keep_step[i] || !keep_request[r]) {
      cut[r] = true;
      continue;
    }
    const TraceRequest& original = inputs.requests[r];
    if (renumbered[r] == kNone) {
      renumbered[r] = kept.requests.size();
      kept.requests.push_back(TraceRequest{original.conn, {}, 0, false, original.peer});
    }
    TraceRequest& request = kept.requests[renumbered[r]];
    request.bytes.append(original.bytes, begin, step.size);
    TraceStep moved = step;
    moved.request = renumbered[r];
    kept.steps.push_back(moved);
  }
  for (size_t r = 0; r < inputs.requests.size(); ++r) {
    if (renumbered[r] == kNone) continue;
    const TraceRequest& original = inputs.requests[r];
    TraceRequest& request = kept.requests[renumbered[r]];
    const bool whole = request.bytes.size() == original.bytes.size();
    request.complete = original.complete && whole;
    request.header = original.header <= request.bytes.size() ? original.header : 0;
    if (original.cas_source != TraceRequest::kNoSource) {
      request.cas_source = renumbered[original.cas_source];  // kNone is kNoSource
    }
  }
  return kept;
}

}  // namespace mcspec::sim
