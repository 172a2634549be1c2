#include "runner.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>

#include "bytes.h"
#include "settings_check.h"

namespace mcspec::conformance {
namespace {

using Clock = std::chrono::steady_clock;

// One of the case's connections and the bytes received on it but not yet
// consumed by an expectation.
struct Link {
  std::unique_ptr<Connection> connection;
  std::string received;
  bool closed = false;
};

// Thrown to end the case with a failure report.
struct Failure {
  std::string report;
  bool clock_overshot = false;  // the run proved nothing: run the case again
};

std::string Indented(const std::string& label, std::string_view bytes) {
  // One protocol line per output line, so long answers stay readable.
  std::string out = "  " + label;
  const std::string pad(label.size() + 2, ' ');
  if (bytes.empty()) return out + "(nothing)\n";
  size_t pos = 0;
  bool first = true;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\n', pos);
    end = end == std::string_view::npos ? bytes.size() : end + 1;
    out += (first ? "" : pad) + QuoteBytes(bytes.substr(pos, end - pos)) + "\n";
    first = false;
    pos = end;
  }
  return out;
}

std::string DescribeExpected(const ByteTemplate& expected, const Variables& vars) {
  std::string out;
  for (const auto& piece : expected.pieces()) {
    switch (piece.kind) {
      case ByteTemplate::Piece::Kind::kLiteral:
        out += piece.text;
        break;
      case ByteTemplate::Piece::Kind::kVariable:
        out += vars.find(piece.text)->second;
        break;
      case ByteTemplate::Piece::Kind::kWildcard:
        out += "${_}";
        break;
    }
  }
  return out;
}

class CaseRun {
 public:
  CaseRun(const TestCase& test, Target& target, const RunnerOptions& options)
      : test_(test), target_(target), options_(options) {
    vars_["ns"] = CaseNamespace(test.id, options.ns_seed);
  }

  // The step being run, from 1 (one past the last once all have run).
  int step_number() const { return static_cast<int>(step_index_) + 1; }

  void Run() {
    for (size_t i = 0; i < test_.steps.size(); ++i) {
      step_index_ = i;
      RunStep(test_.steps[i]);
    }
    step_index_ = test_.steps.size();
    // Whatever is still unread was not expected; connections in name order.
    for (auto& [name, link] : links_) {
      if (!link.closed) Receive(link, std::chrono::milliseconds(0));
      if (!link.received.empty()) {
        throw Failure{"after the last step, connection `" + name + "` received bytes no step " +
                      "expected:\n" + Indented("received: ", link.received)};
      }
    }
  }

 private:
  std::string StepHeader(const Step& step, std::string_view what) const {
    return "step " + std::to_string(step_index_ + 1) + " at " + test_.file + ":" +
           std::to_string(step.line) + " (conn " + step.conn + "): " + std::string(what) + "\n";
  }

  Link& LinkFor(const Step& step) {
    auto it = links_.find(step.conn);
    if (it != links_.end()) return it->second;
    Link link;
    std::string error;
    // The loader made sure a conn's first step says its transport.
    link.connection = step.datagram ? target_.ConnectDatagram(&error) : target_.Connect(&error);
    if (!link.connection) throw Failure{StepHeader(step, "connect") + "  " + error + "\n"};
    return links_.emplace(step.conn, std::move(link)).first->second;
  }

  Connection::Status Receive(Link& link, std::chrono::milliseconds timeout) {
    const Connection::Status status = link.connection->Receive(&link.received, timeout);
    if (status == Connection::Status::kClosed) link.closed = true;
    return status;
  }

  // Reads until `match` decides, the connection closes or the timeout passes.
  MatchResult Await(Link& link, const std::function<MatchResult(std::string_view)>& match) {
    const Clock::time_point deadline = Clock::now() + options_.timeout;
    while (true) {
      MatchResult result = match(link.received);
      if (result.status != MatchResult::Status::kNeedMore || link.closed) return result;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return result;
      if (Receive(link, left) == Connection::Status::kTimeout) {
        return match(link.received);
      }
    }
  }

  void RunStep(const Step& step) {
    Link& link = LinkFor(step);
    if (step.send) {
      sent_ = step.send->Render(vars_);
      if (!link.closed && !link.connection->Send(sent_)) link.closed = true;
    } else {
      sent_.clear();
    }
    std::visit([&](const auto& action) { Do(step, link, action); }, step.action);
  }

  void Do(const Step&, Link&, const std::monostate&) {}

  [[noreturn]] void Mismatch(const Step& step, Link& link, std::string_view what,
                             const std::string& expected, const MatchResult& result) {
    std::string report = StepHeader(step, what);
    if (step.send) report += Indented("sent:     ", sent_);
    report += expected;
    report += Indented("received: ", link.received);
    if (result.status == MatchResult::Status::kMismatch) {
      report += "  first difference at byte " + std::to_string(result.mismatch_at) + "\n";
    } else {
      report += link.closed ? "  (the server closed the connection)\n"
                            : "  (the expected bytes did not all arrive)\n";
    }
    throw Failure{report};
  }

  void Do(const Step& step, Link& link, const ExpectExact& expect) {
    const MatchResult result = Await(link, [&](std::string_view received) {
      return MatchAnyOf(expect.alternatives, vars_, received);
    });
    if (result.status == MatchResult::Status::kMatch) {
      link.received.erase(0, result.length);
      return;
    }
    std::string expected;
    for (size_t i = 0; i < expect.alternatives.size(); ++i) {
      const std::string label = expect.alternatives.size() == 1
                                    ? "expected: "
                                    : "expected (" + std::to_string(i + 1) + "): ";
      expected += Indented(label, DescribeExpected(expect.alternatives[i], vars_));
    }
    Mismatch(step, link, expect.alternatives.size() == 1 ? "expect" : "expect_any_of", expected,
             result);
  }

  void Do(const Step& step, Link& link, const ExpectRegex& expect) {
    const MatchResult result =
        Await(link, [&](std::string_view received) { return expect.regex.Match(vars_, received); });
    if (result.status == MatchResult::Status::kMatch) {
      link.received.erase(0, result.length);
      for (const auto& [name, value] : result.captures) vars_[name] = value;
      return;
    }
    std::string pattern;
    for (const auto& piece : expect.regex.pattern().pieces()) {
      pattern += piece.kind == ByteTemplate::Piece::Kind::kLiteral ? piece.text
                                                                   : vars_.find(piece.text)->second;
    }
    Mismatch(step, link, "expect_regex", "  expected: /" + pattern + "/\n", result);
  }

  void Do(const Step& step, Link& link, const ExpectNothing& expect) {
    const Clock::time_point deadline = Clock::now() + expect.duration;
    while (link.received.empty() && !link.closed) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 || Receive(link, left) == Connection::Status::kTimeout) break;
    }
    if (!link.received.empty() || link.closed) {
      std::string report = StepHeader(step, "expect_nothing_for");
      if (step.send) report += Indented("sent:     ", sent_);
      report += Indented("received: ", link.received);
      if (link.closed) report += "  (the server closed the connection)\n";
      throw Failure{report};
    }
  }

  void Do(const Step& step, Link& link, const ExpectClosed&) {
    const MatchResult result = Await(link, [&](std::string_view received) {
      MatchResult r;
      if (!received.empty()) r.status = MatchResult::Status::kMismatch;
      return r;
    });
    if (link.closed && link.received.empty()) return;
    Mismatch(step, link, "expect_closed", "  expected: the server closes the connection\n", result);
  }

  void Do(const Step& step, Link&, const Advance& advance) {
    std::string error;
    const Target::ClockMove moved = target_.AdvanceClock(advance.seconds, &error);
    if (moved != Target::ClockMove::kMoved) {
      throw Failure{StepHeader(step, "advance") + "  " + error + "\n",
                    moved == Target::ClockMove::kOvershot};
    }
  }

  std::map<std::string, std::string> Stats(const Step& step, Link& link) {
    if (!link.received.empty()) {
      throw Failure{StepHeader(step, "stats") + "  unread bytes before the stats request:\n" +
                    Indented("received: ", link.received)};
    }
    if (link.closed || !link.connection->Send("stats\r\n")) {
      throw Failure{StepHeader(step, "stats") + "  the connection is closed\n"};
    }
    const MatchResult result = Await(link, [](std::string_view received) {
      MatchResult r;
      const size_t end = received.starts_with("END\r\n") ? 0 : received.find("\r\nEND\r\n");
      if (end != std::string_view::npos) {
        r.status = MatchResult::Status::kMatch;
        r.length = end == 0 ? 5 : end + 7;
      }
      return r;
    });
    if (result.status != MatchResult::Status::kMatch) {
      throw Failure{StepHeader(step, "stats") + "  no complete answer to `stats`:\n" +
                    Indented("received: ", link.received)};
    }
    std::map<std::string, std::string> stats;
    for (auto& [name, value] :
         ParseStatLines(std::string_view(link.received).substr(0, result.length))) {
      stats[name] = value;
    }
    link.received.erase(0, result.length);
    return stats;
  }

  void Do(const Step& step, Link& link, const StatsSnapshot& snapshot) {
    snapshots_[snapshot.name] = Stats(step, link);
  }

  void Do(const Step& step, Link& link, const StatsDelta& delta) {
    const std::map<std::string, std::string>& before = snapshots_.at(delta.since);
    const std::map<std::string, std::string> after = Stats(step, link);
    std::string problems;
    for (const auto& [name, change] : delta.changes) {
      const auto b = before.find(name);
      const auto a = after.find(name);
      if (b == before.end() || a == after.end()) {
        problems += "  `stats` has no counter " + name + "\n";
        continue;
      }
      long long old_value = 0;
      long long new_value = 0;
      if (std::sscanf(b->second.c_str(), "%lld", &old_value) != 1 ||
          std::sscanf(a->second.c_str(), "%lld", &new_value) != 1) {
        problems += "  " + name + " is not a number\n";
        continue;
      }
      if (new_value - old_value != change) {
        problems += "  " + name + ": expected a change of " + std::to_string(change) + ", got " +
                    std::to_string(new_value - old_value) + " (" + b->second + " -> " + a->second +
                    ")\n";
      }
    }
    if (!problems.empty()) {
      throw Failure{StepHeader(step, "stats_delta since " + delta.since) + problems};
    }
  }

  const TestCase& test_;
  Target& target_;
  const RunnerOptions& options_;
  Variables vars_;
  std::map<std::string, Link> links_;
  std::map<std::string, std::map<std::string, std::string>> snapshots_;
  size_t step_index_ = 0;
  std::string sent_;  // what the current step sent
};

bool Has(const TargetCapabilities& offered, Capability capability) {
  switch (capability) {
    case Capability::kClockControl:
      return offered.clock_control;
    case Capability::kMeta:
      return offered.meta;
    case Capability::kExt:
      return offered.ext;
    case Capability::kUdp:
      return offered.udp;
  }
  return false;
}

CaseResult RunCaseSteps(const TestCase& test, Target& target, const RunnerOptions& options) {
  const TargetCapabilities offered = target.capabilities();
  for (const Capability capability : test.requires_capabilities) {
    if (!Has(offered, capability)) {
      return {CaseResult::Outcome::kSkipped, std::string("requires ") + CapabilityName(capability) +
                                                 ", which " + target.name() + " lacks"};
    }
  }
  // A server clock waited for in real seconds may overshoot on a loaded
  // machine; the case then starts over, a few times at most.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    std::string skip_reason;
    std::string error;
    if (!target.BeginCase(NeedsOf(test), &skip_reason, &error)) {
      return {CaseResult::Outcome::kFailed, "  " + error + "\n"};
    }
    if (!skip_reason.empty()) return {CaseResult::Outcome::kSkipped, skip_reason};
    CaseRun run(test, target, options);
    try {
      run.Run();
    } catch (const Failure& failure) {
      if (failure.clock_overshot && attempt < kAttempts) continue;
      CaseResult failed{CaseResult::Outcome::kFailed, failure.report};
      if (failure.clock_overshot) {
        failed.detail += "  (the clock overshot on all " + std::to_string(kAttempts) + " runs)\n";
      }
      failed.failed_step = run.step_number();
      return failed;
    }
    return {CaseResult::Outcome::kPassed, ""};
  }
}

}  // namespace

std::string CaseNamespace(const std::string& case_id, uint64_t seed) {
  // FNV-1a over the seed and the id.
  uint32_t hash = 2166136261u;
  for (const char c : std::to_string(seed) + "/" + case_id) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  char ns[16];
  std::snprintf(ns, sizeof(ns), "c%08x:", hash);
  return ns;
}

CaseNeeds NeedsOf(const TestCase& test) {
  CaseNeeds needs;
  needs.settings = test.settings;
  needs.fresh = test.fresh;
  for (const Step& step : test.steps) {
    needs.udp = needs.udp || step.datagram;
    if (const auto* advance = std::get_if<Advance>(&step.action)) {
      needs.advance_seconds += advance->seconds;
    }
  }
  return needs;
}

CaseResult RunCase(const TestCase& test, Target& target, const RunnerOptions& options) {
  const auto started = Clock::now();
  CaseResult result = RunCaseSteps(test, target, options);
  result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  return result;
}

}  // namespace mcspec::conformance
