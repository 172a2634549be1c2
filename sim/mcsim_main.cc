// mcsim: deterministic simulation of memcached clients, network and time
// against the reference server. Subcommands live in one dispatch table.
//
//   mcsim run --seed N [--seeds A..B] [--ops N] [--clients N] [--history FILE]
//             [--trace FILE] [--check-determinism] [--check-linearizable] [--event-log FILE]
//             [--inject-bug NAME]... [--quiet]
//   mcsim run --target HOST:PORT --seed N [--ops N | --duration S] [--clients N]
//             [--history FILE] [--html OUT]
//   mcsim replay TRACE
//   mcsim shrink TRACE [--out FILE] [--id ID] [--budget N]
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "check_command.h"
#include "injected_bugs.h"
#include "real_run_command.h"
#include "shrink_command.h"
#include "simulation.h"
#include "text_words.h"
#include "trace.h"

namespace mcspec::sim {
namespace {

int Usage(const char* why) {
  std::cerr << "mcsim: " << why << "\n"
            << "usage: mcsim run --seed N [--seeds A..B] [--ops N] [--clients N]\n"
            << "                 [--history FILE] [--trace FILE] [--check-determinism]\n"
            << "                 [--check-linearizable] [--event-log FILE]\n"
            << "                 [--inject-bug NAME]... [--quiet]\n"
            << "       mcsim run --target HOST:PORT --seed N [--ops N | --duration S]\n"
            << "                 [--clients N] [--history FILE] [--html OUT]\n"
            << "       mcsim replay TRACE\n"
            << "       mcsim shrink TRACE [--out FILE] [--id ID] [--budget N]\n"
            << "       mcsim check HISTORY [--html OUT] [--evictions|--no-evictions] [--budget N]\n"
            << "                   [--no-connection-order]\n"
            << "injected bugs:";
  for (std::string_view name : ref::kInjectedBugNames) std::cerr << ' ' << name;
  std::cerr << '\n';
  return 2;
}

void PrintSummary(const RunOptions& options, const RunResult& r) {
  std::printf(
      "seed %llu: %s: %llu ops issued, %llu checked, %llu replies, %llu without reply, "
      "%llu evictions, %llu connections, %llu resets, %llu clogs, %llu datagrams (%llu lost, %llu "
      "duplicated), %.6f s simulated, server clock %u s, %llu events, fingerprint %016llx\n",
      static_cast<unsigned long long>(options.seed), r.passed ? "ok" : "FAILED",
      static_cast<unsigned long long>(r.ops_issued), static_cast<unsigned long long>(r.ops_checked),
      static_cast<unsigned long long>(r.replies), static_cast<unsigned long long>(r.unknown),
      static_cast<unsigned long long>(r.evictions),
      static_cast<unsigned long long>(r.network.connections),
      static_cast<unsigned long long>(r.network.resets),
      static_cast<unsigned long long>(r.network.clogs),
      static_cast<unsigned long long>(r.network.datagrams),
      static_cast<unsigned long long>(r.network.datagrams_lost),
      static_cast<unsigned long long>(r.network.datagrams_duplicated),
      static_cast<double>(r.sim_time_ns) / 1e9, r.server_time,
      static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.fingerprint));
}

// Runs the seed twice; on a difference names the first event that differs
// in both runs.
bool CheckDeterminism(const RunOptions& options, const RunResult& first) {
  RunOptions again = options;
  again.history = nullptr;
  again.event_log = nullptr;
  again.trace = nullptr;
  again.compare_with = &first.event_hashes;
  const RunResult second = RunSimulation(again);
  if (second.first_difference < 0 && second.events == first.events &&
      second.fingerprint == first.fingerprint) {
    std::printf("seed %llu: deterministic (%llu events, fingerprint %016llx)\n",
                static_cast<unsigned long long>(options.seed),
                static_cast<unsigned long long>(first.events),
                static_cast<unsigned long long>(first.fingerprint));
    return true;
  }
  const int64_t index =
      second.first_difference >= 0 ? second.first_difference : static_cast<int64_t>(second.events);
  RunOptions describe = options;
  describe.history = nullptr;
  describe.trace = nullptr;
  describe.event_log = nullptr;
  describe.describe_event = index;
  const RunResult first_again = RunSimulation(describe);
  std::printf(
      "seed %llu: NOT deterministic: event %lld differs\n  first run:  %s\n  second run: %s\n",
      static_cast<unsigned long long>(options.seed), static_cast<long long>(index),
      first_again.event_description.empty() ? "(no such event)"
                                            : first_again.event_description.c_str(),
      second.event_description.empty() ? "(no such event)" : second.event_description.c_str());
  return false;
}

int RunCommand(const std::vector<std::string>& args) {
  // Against a real server: real_run_command.h.
  for (const std::string& arg : args) {
    if (arg == "--target") return RunTargetCommand(args, std::cout, std::cerr);
  }
  RunOptions options;
  uint64_t first_seed = 1;
  uint64_t last_seed = 1;
  bool seed_given = false;
  std::string history_path;
  std::string trace_path;
  bool check_determinism = false;
  bool check_linearizable = false;
  std::string event_log_path;
  bool quiet = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (arg == "--seed") {
      const std::string* v = value();
      if (v == nullptr || !ParseNumber(*v, &first_seed)) return Usage("--seed needs a number");
      last_seed = first_seed;
      seed_given = true;
    } else if (arg == "--seeds") {
      const std::string* v = value();
      const size_t dots = v == nullptr ? std::string::npos : v->find("..");
      if (dots == std::string::npos || !ParseNumber(v->substr(0, dots), &first_seed) ||
          !ParseNumber(v->substr(dots + 2), &last_seed) || last_seed < first_seed) {
        return Usage("--seeds needs A..B");
      }
      seed_given = true;
    } else if (arg == "--ops") {
      const std::string* v = value();
      if (v == nullptr || !ParseNumber(*v, &options.ops)) return Usage("--ops needs a number");
    } else if (arg == "--clients") {
      const std::string* v = value();
      uint32_t clients = 0;
      if (v == nullptr || !ParseNumber(*v, &clients) || clients == 0) {
        return Usage("--clients needs a positive number");
      }
      options.clients = clients;
    } else if (arg == "--history") {
      const std::string* v = value();
      if (v == nullptr) return Usage("--history needs a file");
      history_path = *v;
    } else if (arg == "--trace") {
      const std::string* v = value();
      if (v == nullptr) return Usage("--trace needs a file");
      trace_path = *v;
    } else if (arg == "--inject-bug") {
      const std::string* v = value();
      ref::InjectedBugs bugs;
      if (v == nullptr || !bugs.Enable(*v)) return Usage("--inject-bug needs a bug's name");
      options.bugs.push_back(*v);
    } else if (arg == "--check-determinism") {
      check_determinism = true;
    } else if (arg == "--event-log") {
      const std::string* v = value();
      if (v == nullptr) return Usage("--event-log needs a file");
      event_log_path = *v;
    } else if (arg == "--check-linearizable") {
      check_linearizable = true;
    } else if (arg == "--quiet") {
      quiet = true;
    } else {
      return Usage(("unknown argument " + arg).c_str());
    }
  }
  if (!seed_given) return Usage("run needs --seed N or --seeds A..B");
  const bool several = first_seed != last_seed;
  for (uint64_t seed = first_seed; seed <= last_seed; ++seed) {
    options.seed = seed;
    std::ofstream history;
    std::ofstream trace;
    // With several seeds, files get the seed in their name.
    auto path = [&](const std::string& base) {
      return several ? base + "." + std::to_string(seed) : base;
    };
    if (!history_path.empty()) {
      history.open(path(history_path));
      options.history = &history;
    }
    std::ofstream event_log;
    if (!event_log_path.empty()) {
      event_log.open(path(event_log_path));
      options.event_log = &event_log;
    }
    std::ostringstream recorded;  // the history to check
    if (check_linearizable) options.history = &recorded;
    if (!trace_path.empty()) {
      trace.open(path(trace_path));
      options.trace = &trace;
    }
    options.keep_event_hashes = check_determinism;
    const RunResult result = RunSimulation(options);
    if (!quiet || !result.passed) {
      std::printf("seed %llu parameters:\n%s", static_cast<unsigned long long>(seed),
                  result.parameters.c_str());
    }
    PrintSummary(options, result);
    if (!result.passed) {
      std::string trace_file =
          trace_path.empty() ? "mcsim-" + std::to_string(seed) + ".trace" : path(trace_path);
      if (trace_path.empty()) {
        // The run is deterministic: run it again to record the trace.
        std::ofstream out(trace_file);
        RunOptions record = options;
        record.history = nullptr;
        record.event_log = nullptr;
        record.trace = &out;
        record.keep_event_hashes = false;
        RunSimulation(record);
      }
      std::printf("FAILURE: %s\ntrace: %s\nreproduce: %s\n", result.failure.c_str(),
                  trace_file.c_str(), ReproduceCommand(options).c_str());
      return 1;
    }
    if (check_determinism && !CheckDeterminism(options, result)) {
      std::printf("reproduce: %s --check-determinism\n", ReproduceCommand(options).c_str());
      return 1;
    }
    if (check_linearizable) {
      if (history.is_open()) history << recorded.str();
      std::string summary;
      std::string details;
      const int status = CheckRecordedHistory(recorded.str(), &summary, &details);
      std::printf("seed %llu: history %s\n%s", static_cast<unsigned long long>(seed),
                  summary.c_str(), status == 0 && quiet ? "" : details.c_str());
      if (status != 0) {
        std::printf("reproduce: %s --history h.jsonl && mcsim check h.jsonl\n",
                    ReproduceCommand(options).c_str());
        return 1;
      }
    }
    std::fflush(stdout);
  }
  return 0;
}

int ReplayCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("replay needs one trace file");
  std::ifstream in(args[0]);
  if (!in) return Usage(("cannot open " + args[0]).c_str());
  const ReplayResult result = Replay(in);
  if (result.identical) {
    std::printf("identical: %llu inputs replayed, %llu bytes of output match (%s)\n",
                static_cast<unsigned long long>(result.inputs),
                static_cast<unsigned long long>(result.bytes_out), result.command.c_str());
    return 0;
  }
  std::printf("DIFFERENT: %s\n", result.error.c_str());
  return 1;
}

int CheckCommand(const std::vector<std::string>& args) {
  return RunCheckCommand(args, std::cout, std::cerr);
}

int ShrinkCommand(const std::vector<std::string>& args) {
  return RunShrinkCommand(args, std::cout, std::cerr);
}

struct Subcommand {
  const char* name;
  int (*run)(const std::vector<std::string>& args);
};

constexpr Subcommand kSubcommands[] = {
    {"run", RunCommand},
    {"replay", ReplayCommand},
    {"check", CheckCommand},
    {"shrink", ShrinkCommand},
};

}  // namespace
}  // namespace mcspec::sim

int main(int argc, char** argv) {
  if (argc < 2) return mcspec::sim::Usage("a subcommand is needed");
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& subcommand : mcspec::sim::kSubcommands) {
    if (std::string_view(argv[1]) == subcommand.name) return subcommand.run(args);
  }
  return mcspec::sim::Usage("unknown subcommand");
}
