#include "real_run_command.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "check_command.h"
#include "real_connection.h"
#include "real_run.h"
#include "text_words.h"

namespace mcspec::sim {
namespace {

constexpr std::string_view kUsage =
    "usage: mcsim run --target HOST:PORT --seed N [--ops N | --duration S] [--clients N]\n"
    "                 [--history FILE] [--html OUT]\n"
    "  --target HOST:PORT  a real memcached-protocol server, driven over TCP in real time\n"
    "  --seed N            draws the workload (clients, pipelining, mix, keys, values, TTLs)\n"
    "  --ops N             operations to issue (default 10000), or\n"
    "  --duration S        seconds to issue operations for\n"
    "  --clients N         overrides the number of clients the seed draws\n"
    "  --history FILE      keeps the history (else a temporary file, kept on failure)\n"
    "  --html OUT          on a failing check, draws the failing keys as a page in OUT\n"
    "exit status: 0 linearizable, 1 not (or a protocol failure), 2 bad usage or no\n"
    "connection, 3 unknown\n";

struct Arguments {
  std::string target;
  TargetRunOptions run;
  bool seed_given = false;
  std::string history;
  std::optional<std::string> html;
};

bool ParseArguments(const std::vector<std::string>& args, Arguments* parsed, std::string* error) {
  bool ops_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const std::string* value = i + 1 < args.size() ? &args[i + 1] : nullptr;
    if (value == nullptr || !arg.starts_with("--")) {
      *error = value == nullptr ? arg + " needs a value" : "unexpected argument " + arg;
      return false;
    }
    ++i;
    if (arg == "--target") {
      parsed->target = *value;
      if (!ParseHostPort(*value, &parsed->run.host, &parsed->run.port, error)) return false;
    } else if (arg == "--seed") {
      if (!ParseNumber(*value, &parsed->run.seed)) {
        *error = "--seed needs a number";
        return false;
      }
      parsed->seed_given = true;
    } else if (arg == "--ops") {
      if (!ParseNumber(*value, &parsed->run.ops) || parsed->run.ops == 0) {
        *error = "--ops needs a positive number";
        return false;
      }
      ops_given = true;
    } else if (arg == "--duration") {
      char* end = nullptr;
      const double seconds = std::strtod(value->c_str(), &end);
      if (value->empty() || *end != '\0' || !(seconds > 0) || seconds > 86400) {
        *error = "--duration needs a number of seconds";
        return false;
      }
      parsed->run.duration_ns = static_cast<int64_t>(seconds * 1e9);
    } else if (arg == "--clients") {
      uint32_t clients = 0;
      if (!ParseNumber(*value, &clients) || clients == 0) {
        *error = "--clients needs a positive number";
        return false;
      }
      parsed->run.clients = clients;
    } else if (arg == "--history") {
      parsed->history = *value;
    } else if (arg == "--html") {
      parsed->html = *value;
    } else {
      *error = arg + " does not apply with --target";
      return false;
    }
  }
  if (parsed->target.empty() || !parsed->seed_given) {
    *error = "--target HOST:PORT and --seed N are needed";
    return false;
  }
  if (ops_given && parsed->run.duration_ns > 0) {
    *error = "--ops or --duration, not both";
    return false;
  }
  return true;
}

void PrintSummary(const Arguments& arguments, const TargetRunResult& r, std::ostream& out) {
  const double seconds = static_cast<double>(r.elapsed_ns) / 1e9;
  char line[512];
  std::snprintf(
      line, sizeof(line),
      "seed %llu against %s: %llu ops issued, %llu replies, %llu without reply (%llu "
      "unanswered), %llu connections (%llu closed by the server), %.3f s, %.0f ops/s\n",
      static_cast<unsigned long long>(arguments.run.seed), arguments.target.c_str(),
      static_cast<unsigned long long>(r.ops_issued), static_cast<unsigned long long>(r.replies),
      static_cast<unsigned long long>(r.unknown), static_cast<unsigned long long>(r.unanswered),
      static_cast<unsigned long long>(r.connections),
      static_cast<unsigned long long>(r.server_closes), seconds,
      seconds > 0 ? static_cast<double>(r.ops_issued) / seconds : 0.0);
  out << line;
}

// Whether the check must let any item vanish, and why, in one line.
bool EvictionsHappened(const TargetRunResult& r, std::string* why) {
  if (!r.before || !r.after) {
    *why = "the target did not answer `stats`: evictions allowed";
    return true;
  }
  const uint64_t evicted = r.after->evictions - r.before->evictions;
  const uint64_t moved_out = r.after->slab_evictions - r.before->slab_evictions;
  const uint64_t refused = r.after->out_of_memory - r.before->out_of_memory;
  const bool vanished = evicted + moved_out + refused > 0;
  *why = "server counters during the run: evictions +" + std::to_string(evicted) +
         ", slab_reassign_evictions_nomem +" + std::to_string(moved_out) + ", outofmemory +" +
         std::to_string(refused) + ", slab_reassign_rescues +" +
         std::to_string(r.after->slab_rescues - r.before->slab_rescues) + ": " +
         (vanished ? "evictions allowed" : "no evictions");
  return vanished;
}

// Why a failing verdict may come from what the server did rather than a
// bug; empty when it may not.
std::string WhyNotTrusted(const TargetRunResult& r) {
  std::string why;
  if (r.may_exceed_item_size) {
    why =
        "a store may have made an item larger than the target's item_size_max, which it "
        "refuses in ways the model does not allow";
  }
  if (!r.before || !r.after) return why;
  if (const uint64_t rescued = r.after->slab_rescues - r.before->slab_rescues; rescued > 0) {
    if (!why.empty()) why += "; ";
    why += "a slab page move relinked " + std::to_string(rescued) +
           " item(s) with new CAS uniques, which the model does not allow (run the target with "
           "-o slab_automove=0)";
  }
  if (const uint64_t refused = r.after->out_of_memory - r.before->out_of_memory; refused > 0) {
    if (!why.empty()) why += "; ";
    why += std::to_string(refused) +
           " allocation(s) failed for memory: memcached then answers append and prepend "
           "NOT_STORED with the key present, which the model does not allow (give the target "
           "more memory)";
  }
  return why;
}

}  // namespace

int RunTargetCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Arguments arguments;
  std::string error;
  if (!ParseArguments(args, &arguments, &error)) {
    err << "mcsim run: " << error << "\n" << kUsage;
    return 2;
  }
  const bool keep_history = !arguments.history.empty();
  const std::string history_path = keep_history
                                       ? arguments.history
                                       : (std::filesystem::temp_directory_path() /
                                          ("mcsim-target-" + std::to_string(getpid()) + "-" +
                                           std::to_string(arguments.run.seed) + ".jsonl"))
                                             .string();
  std::ofstream history(history_path, std::ios::binary | std::ios::trunc);
  if (!history) {
    err << "mcsim run: cannot write " << history_path << "\n";
    return 2;
  }
  arguments.run.history = &history;
  const TargetRunResult result = RunAgainstTarget(arguments.run);
  history.close();
  const auto discard_history = [&] {
    if (!keep_history) std::filesystem::remove(history_path);
  };

  out << "seed " << arguments.run.seed << " parameters:\n"
      << result.drawn.Describe() << NotApplied(result.drawn) << "\n";
  if (!result.connection_error.empty()) {
    out << "seed " << arguments.run.seed << ": connection failure: " << result.connection_error
        << "\n";
    discard_history();
    return 2;
  }
  PrintSummary(arguments, result, out);
  if (!history) {
    err << "mcsim run: cannot write " << history_path << "\n";
    return 2;
  }
  if (!result.failure.empty()) {
    out << "FAILURE: " << result.failure << "\nhistory: " << history_path << "\n";
    return 1;
  }
  std::string evictions_why;
  const bool evictions = EvictionsHappened(result, &evictions_why);
  out << evictions_why << "\n";
  std::vector<std::string> check_args = {history_path,
                                         evictions ? "--evictions" : "--no-evictions"};
  if (arguments.html) check_args.insert(check_args.end(), {"--html", *arguments.html});
  out.flush();
  const int verdict = RunCheckCommand(check_args, out, err);
  int status = verdict;
  const std::string distrust = WhyNotTrusted(result);
  if (verdict == 1 && !distrust.empty()) {
    out << "verdict unknown: " << distrust << "\n";
    status = 3;
  }
  if (status == 0) {
    discard_history();
  } else if (!keep_history) {
    out << "history kept: " << history_path << "\n";
  }
  return status;
}

}  // namespace mcspec::sim
