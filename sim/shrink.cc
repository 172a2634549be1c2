#include "shrink.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "shrink_judge.h"
#include "shrink_request.h"

namespace mcspec::sim {
namespace {

using Kind = TraceStep::Kind;
constexpr size_t kUdpFrameHeader = 8;

bool CarriesBytes(const TraceStep& step) {
  return step.kind == Kind::kPiece || step.kind == Kind::kDatagram;
}

// The steps delivering request r, in order.
std::vector<size_t> PiecesOf(const TraceInputs& inputs, size_t r) {
  std::vector<size_t> pieces;
  for (size_t i = 0; i < inputs.steps.size(); ++i) {
    if (CarriesBytes(inputs.steps[i]) && inputs.steps[i].request == r) pieces.push_back(i);
  }
  return pieces;
}

// The request's operation (a datagram's without its frame header).
bool OperationOf(const TraceRequest& request, Operation* op) {
  if (request.peer.empty()) return ParseRequest(request.bytes, op);
  return request.bytes.size() >= kUdpFrameHeader &&
         ParseRequest(std::string_view(request.bytes).substr(kUdpFrameHeader), op);
}

// Replaces request r by `op`'s bytes, keeping how its bytes were cut: one
// piece, or its command line then its data. False for other cuts.
bool Rewrite(TraceInputs* inputs, size_t r, const Operation& op) {
  TraceRequest& request = inputs->requests[r];
  std::string bytes = request.peer.empty() ? "" : request.bytes.substr(0, kUdpFrameHeader);
  EncodeRequest(op, &bytes);
  const size_t header = bytes.find("\r\n") + 2;
  const std::vector<size_t> pieces = PiecesOf(*inputs, r);
  if (pieces.size() == 1) {
    inputs->steps[pieces[0]].size = bytes.size();
  } else if (pieces.size() == 2 && request.header != 0 &&
             inputs->steps[pieces[0]].size == request.header) {
    inputs->steps[pieces[0]].size = header;
    inputs->steps[pieces[1]].size = bytes.size() - header;
  } else {
    return false;
  }
  if (request.header != 0) request.header = header;
  request.bytes = std::move(bytes);
  return true;
}

// Gives each cas the gets request whose reply last showed, before the cas
// executed, the unique it sends for its key.
TraceInputs WithCasSources(const TraceInputs& inputs, const Judgement& judged) {
  TraceInputs anchored = inputs;
  std::map<std::pair<std::string, uint64_t>, size_t> shown_by;
  for (const size_t r : judged.executed) {
    Operation op;
    const TraceRequest& request = inputs.requests[r];
    if (request.peer.empty() && ParseRequest(request.bytes, &op) && op.kind == OpKind::kCas) {
      auto it = shown_by.find({op.key(), op.cas});
      if (it != shown_by.end()) anchored.requests[r].cas_source = it->second;
    }
    if (auto shown = judged.uniques_shown.find(r); shown != judged.uniques_shown.end()) {
      for (const auto& [key, unique] : shown->second) shown_by[{key, unique}] = r;
    }
  }
  return anchored;
}

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& options, ShrinkResult* result)
      : options_(options), result_(result) {}

  void Run(const TraceInputs& inputs);

 private:
  bool Budget() const { return result_->checks < options_.max_checks; }
  void Log(const std::string& line) {
    if (options_.log != nullptr) *options_.log << line << '\n' << std::flush;
  }
  // Judges a candidate; when it still fails the same way it becomes the current inputs.
  bool Try(TraceInputs candidate);
  // Removes units (delta debugging, halving chunks down to one); `build`
  // makes the candidate keeping the units flagged. Returns how many went.
  size_t Ddmin(size_t units, const std::function<TraceInputs(const std::vector<bool>&)>& build);
  bool DropConnections();
  bool DropRequests();
  bool DropClockJumps();
  bool MergePieces();
  bool MergeClockJumps();
  bool ShortenClockJumps();
  bool DropGetKeys();
  bool ShortenValues();
  bool ZeroNumbers();
  bool RenameKeys();

  const ShrinkOptions& options_;
  ShrinkResult* result_;
  TraceInputs current_;
};

bool Shrinker::Try(TraceInputs candidate) {
  if (candidate == current_) return false;  // what was asked to go must stay
  result_->checks++;
  const Judgement with_bugs = JudgeInputs(candidate, true);
  if (!with_bugs.failed || with_bugs.signature != result_->signature) return false;
  if (JudgeInputs(candidate, false).failed) return false;
  result_->failure = with_bugs.failure;
  current_ = std::move(candidate);
  return true;
}

size_t Shrinker::Ddmin(size_t units,
                       const std::function<TraceInputs(const std::vector<bool>&)>& build) {
  std::vector<bool> keep(units, true);
  size_t removed = 0;
  size_t chunk = std::max<size_t>(1, units / 2);
  while (removed < units && Budget()) {
    std::vector<size_t> alive;
    for (size_t i = 0; i < units; ++i) {
      if (keep[i]) alive.push_back(i);
    }
    bool progress = false;
    for (size_t start = 0; start < alive.size() && Budget(); start += chunk) {
      std::vector<bool> candidate = keep;
      const size_t end = std::min(start + chunk, alive.size());
      for (size_t j = start; j < end; ++j) candidate[alive[j]] = false;
      if (Try(build(candidate))) {
        keep = std::move(candidate);
        removed += end - start;
        progress = true;
      }
    }
    if (!progress) {
      if (chunk == 1) break;
      chunk /= 2;
    }
  }
  return removed;
}

bool Shrinker::DropConnections() {
  const TraceInputs base = current_;
  // A TCP connection, or one UDP sender: (conn, peer).
  std::vector<std::pair<uint32_t, std::string>> senders;
  for (const TraceStep& step : base.steps) {
    if (step.kind == Kind::kOpen) senders.emplace_back(step.conn, "");
  }
  for (const TraceRequest& request : base.requests) {
    if (!request.peer.empty()) senders.emplace_back(request.conn, request.peer);
  }
  std::sort(senders.begin(), senders.end());
  senders.erase(std::unique(senders.begin(), senders.end()), senders.end());
  auto index = [&](uint32_t conn, const std::string& peer) {
    return std::lower_bound(senders.begin(), senders.end(), std::make_pair(conn, peer)) -
           senders.begin();
  };
  const size_t connections_before = base.connections();
  Ddmin(senders.size(), [&](const std::vector<bool>& keep) {
    std::vector<bool> keep_request(base.requests.size());
    for (size_t r = 0; r < base.requests.size(); ++r) {
      keep_request[r] = keep[index(base.requests[r].conn, base.requests[r].peer)];
    }
    std::vector<bool> keep_step(base.steps.size(), true);
    for (size_t i = 0; i < base.steps.size(); ++i) {
      const TraceStep& step = base.steps[i];
      if (step.kind == Kind::kOpen || step.kind == Kind::kClose) {
        keep_step[i] = keep[index(step.conn, "")];
      }
    }
    return Keep(base, keep_request, keep_step);
  });
  const size_t removed = connections_before - current_.connections();
  if (removed > 0) {
    Log("removed " + std::to_string(removed) + " of " + std::to_string(connections_before) +
        " connections");
  }
  return removed > 0;
}

bool Shrinker::DropRequests() {
  const TraceInputs base = current_;
  const std::vector<bool> all_steps(base.steps.size(), true);
  Ddmin(base.requests.size(),
        [&](const std::vector<bool>& keep) { return Keep(base, keep, all_steps); });
  // A cas's source stays with it, whatever the chunk asked.
  const size_t removed = base.requests.size() - current_.requests.size();
  if (removed > 0) {
    Log("removed " + std::to_string(removed) + " of " + std::to_string(base.requests.size()) +
        " requests");
  }
  return removed > 0;
}

bool Shrinker::DropClockJumps() {
  const TraceInputs base = current_;
  std::vector<size_t> jumps;
  for (size_t i = 0; i < base.steps.size(); ++i) {
    if (base.steps[i].kind == Kind::kClock) jumps.push_back(i);
  }
  const std::vector<bool> all_requests(base.requests.size(), true);
  const size_t removed = Ddmin(jumps.size(), [&](const std::vector<bool>& keep) {
    std::vector<bool> keep_step(base.steps.size(), true);
    for (size_t j = 0; j < jumps.size(); ++j) keep_step[jumps[j]] = keep[j];
    return Keep(base, all_requests, keep_step);
  });
  if (removed > 0) {
    Log("removed " + std::to_string(removed) + " of " + std::to_string(jumps.size()) +
        " clock jumps");
  }
  return removed > 0;
}

bool Shrinker::MergePieces() {
  size_t merged = 0;
  for (size_t r = 0; r < current_.requests.size() && Budget(); ++r) {
    const std::vector<size_t> pieces = PiecesOf(current_, r);
    if (pieces.size() < 2) continue;
    // Whole where its last piece arrived (it executes at the same point),
    // else where its first did.
    for (const size_t at : {pieces.back(), pieces.front()}) {
      TraceInputs candidate = current_;
      candidate.steps[at].size = candidate.requests[r].bytes.size();
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        if (*it != at) candidate.steps.erase(candidate.steps.begin() + static_cast<ptrdiff_t>(*it));
      }
      if (Try(std::move(candidate))) {
        merged++;
        break;
      }
    }
  }
  if (merged > 0) Log("merged the split writes of " + std::to_string(merged) + " requests");
  return merged > 0;
}

bool Shrinker::MergeClockJumps() {
  size_t merged = 0;
  for (size_t i = 0; i < current_.steps.size() && Budget(); ++i) {
    if (current_.steps[i].kind != Kind::kClock) continue;
    size_t j = i + 1;
    while (j < current_.steps.size() && current_.steps[j].kind != Kind::kClock &&
           !CarriesBytes(current_.steps[j])) {
      ++j;
    }
    if (j == current_.steps.size() || current_.steps[j].kind != Kind::kClock) continue;
    TraceInputs candidate = current_;
    candidate.steps[i].seconds += candidate.steps[j].seconds;
    candidate.steps.erase(candidate.steps.begin() + static_cast<ptrdiff_t>(j));
    if (Try(std::move(candidate))) {
      merged++;
      --i;  // it may merge with the next one too
    }
  }
  if (merged > 0) Log("merged " + std::to_string(merged) + " clock jumps into the one before");
  return merged > 0;
}

bool Shrinker::ShortenClockJumps() {
  int64_t saved = 0;
  for (size_t i = 0; i < current_.steps.size() && Budget(); ++i) {
    if (current_.steps[i].kind != Kind::kClock) continue;
    // The shortest jump that still fails (bisection; hi always fails).
    const int64_t before = current_.steps[i].seconds;
    int64_t lo = 1;
    int64_t hi = before;
    while (lo < hi && Budget()) {
      const int64_t mid = lo + (hi - lo) / 2;
      TraceInputs candidate = current_;
      candidate.steps[i].seconds = mid;
      if (Try(std::move(candidate))) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    saved += before - current_.steps[i].seconds;
  }
  if (saved > 0) Log("clock jumps shortened by " + std::to_string(saved) + " s in all");
  return saved > 0;
}

bool Shrinker::DropGetKeys() {
  size_t dropped = 0;
  for (size_t r = 0; r < current_.requests.size() && Budget(); ++r) {
    Operation op;
    if (!OperationOf(current_.requests[r], &op) || !IsRetrieval(op.kind)) continue;
    for (size_t k = 0; k < op.keys.size() && op.keys.size() > 1 && Budget();) {
      Operation fewer = op;
      fewer.keys.erase(fewer.keys.begin() + static_cast<ptrdiff_t>(k));
      TraceInputs candidate = current_;
      if (Rewrite(&candidate, r, fewer) && Try(std::move(candidate))) {
        op = std::move(fewer);
        dropped++;
      } else {
        ++k;
      }
    }
  }
  if (dropped > 0) Log("dropped " + std::to_string(dropped) + " keys from multi-key gets");
  return dropped > 0;
}

bool Shrinker::ShortenValues() {
  size_t saved = 0;
  for (size_t r = 0; r < current_.requests.size() && Budget(); ++r) {
    Operation op;
    if (!OperationOf(current_.requests[r], &op) || !IsStorage(op.kind)) continue;
    // The shortest prefix of the value that still fails (bisection).
    const size_t before = op.value.size();
    size_t lo = 0;
    size_t hi = before;
    while (lo < hi && Budget()) {
      const size_t mid = lo + (hi - lo) / 2;
      Operation shorter = op;
      shorter.value.resize(mid);
      TraceInputs candidate = current_;
      if (!Rewrite(&candidate, r, shorter)) break;
      if (Try(std::move(candidate))) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    saved += before - std::min(before, hi);
  }
  if (saved > 0) Log("values shortened by " + std::to_string(saved) + " bytes in all");
  return saved > 0;
}

bool Shrinker::ZeroNumbers() {
  size_t zeroed = 0;
  for (size_t r = 0; r < current_.requests.size() && Budget(); ++r) {
    Operation op;
    if (!OperationOf(current_.requests[r], &op)) continue;
    for (int field = 0; field < 2 && Budget(); ++field) {
      Operation simpler = op;
      if (field == 0 && IsStorage(op.kind) && op.flags != 0) {
        simpler.flags = 0;
      } else if (field == 1 && op.exptime != 0) {
        simpler.exptime = 0;
      } else {
        continue;
      }
      TraceInputs candidate = current_;
      if (Rewrite(&candidate, r, simpler) && Try(std::move(candidate))) {
        op = std::move(simpler);
        zeroed++;
      }
    }
  }
  if (zeroed > 0) Log("set " + std::to_string(zeroed) + " flags or exptimes to 0");
  return zeroed > 0;
}

bool Shrinker::RenameKeys() {
  std::vector<std::string> keys;  // in order of first use
  std::set<std::string> used;
  for (const TraceRequest& request : current_.requests) {
    Operation op;
    if (!OperationOf(request, &op)) continue;
    for (const std::string& key : op.keys) {
      if (used.insert(key).second) keys.push_back(key);
    }
  }
  size_t renamed = 0;
  for (const std::string& key : keys) {
    if (key.size() <= 1 || !Budget()) continue;
    std::string name;
    for (char c = 'a'; c <= 'z' && name.empty(); ++c) {
      if (used.count(std::string(1, c)) == 0) name = std::string(1, c);
    }
    if (name.empty()) break;
    TraceInputs candidate = current_;
    bool rewritten = true;
    for (size_t r = 0; r < candidate.requests.size() && rewritten; ++r) {
      Operation op;
      if (!OperationOf(candidate.requests[r], &op)) continue;
      bool mentions = false;
      for (std::string& k : op.keys) {
        if (k == key) {
          k = name;
          mentions = true;
        }
      }
      if (mentions) rewritten = Rewrite(&candidate, r, op);
    }
    if (rewritten && Try(std::move(candidate))) {
      used.insert(name);
      renamed++;
    }
  }
  if (renamed > 0) Log("renamed " + std::to_string(renamed) + " keys to one letter");
  return renamed > 0;
}

void Shrinker::Run(const TraceInputs& inputs) {
  const Judgement original = JudgeInputs(inputs, true);
  if (!original.failed) {
    result_->error = inputs.bugs.empty() ? "the trace passes (and names no injected bug)"
                                         : "the trace passes, its injected bugs switched on";
    return;
  }
  const Judgement without_bugs = JudgeInputs(inputs, false);
  if (without_bugs.failed) {
    result_->error = "the trace fails without its injected bugs too: " + without_bugs.failure;
    return;
  }
  result_->signature = original.signature;
  result_->failure = original.failure;
  current_ = inputs;
  Log("failure: " + original.failure.substr(0, 300));
  Log("fails as: " + original.signature);
  Log("before: " + inputs.Summary());
  // cas uniques follow the gets that showed them, as later stores go.
  if (Try(WithCasSources(inputs, original))) Log("cas uniques follow the gets that showed them");
  // Nothing after the failing reply matters.
  std::vector<bool> keep_step(inputs.steps.size());
  for (size_t i = 0; i < inputs.steps.size(); ++i) keep_step[i] = i < original.steps_run;
  if (original.steps_run < inputs.steps.size() &&
      Try(Keep(current_, std::vector<bool>(inputs.requests.size(), true), keep_step))) {
    Log("cut everything after step " + std::to_string(original.steps_run) + ": " +
        current_.Summary());
  }
  using Pass = bool (Shrinker::*)();
  constexpr Pass kPasses[] = {&Shrinker::DropConnections, &Shrinker::DropRequests,
                              &Shrinker::DropClockJumps,  &Shrinker::MergePieces,
                              &Shrinker::MergeClockJumps, &Shrinker::ShortenClockJumps,
                              &Shrinker::DropGetKeys,     &Shrinker::ShortenValues,
                              &Shrinker::ZeroNumbers,     &Shrinker::RenameKeys};
  bool changed = true;
  while (changed && Budget()) {
    changed = false;
    for (Pass pass : kPasses) changed |= (this->*pass)();
  }
  // A round cut short by the budget proves nothing.
  result_->minimal = !changed && Budget();
  result_->inputs = current_;
  result_->ok = true;
  Log("after: " + current_.Summary() + " (" + std::to_string(result_->checks) +
      " candidates judged" + (result_->minimal ? ", 1-minimal)" : ", budget spent)"));
}

}  // namespace

ShrinkResult Shrink(const TraceInputs& inputs, const ShrinkOptions& options) {
  ShrinkResult result;
  Shrinker(options, &result).Run(inputs);
  return result;
}

}  // namespace mcspec::sim
