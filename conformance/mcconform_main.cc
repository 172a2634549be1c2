// mcconform: runs the YAML conformance suites (specs/README.md) against the
// embedded reference server, a server at HOST:PORT or unix:PATH, or servers
// it spawns; also reports the suites' coverage of protocol.txt and any
// server's MEMORY STATS. conformance/README.md describes the command line.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "baseline.h"
#include "case_filter.h"
#include "case_scheduler.h"
#include "coverage.h"
#include "embedded_target.h"
#include "injected_bugs.h"
#include "memory_probe.h"
#include "network_target.h"
#include "report_formats.h"
#include "runner.h"
#include "spawn_target.h"
#include "suite_loader.h"

namespace mcspec::conformance {
namespace {

constexpr const char* kUsage =
    "usage: mcconform [run] [options] PATH...\n"
    "       mcconform coverage [--protocol FILE] PATH...\n"
    "       mcconform memory [--target T | --spawn CMD] [--timeout MS]\n"
    "\n"
    "run (the default): runs the conformance cases of the YAML suites in PATH\n"
    "(files, or directories searched for *.yaml) and exits 0 when none failed.\n"
    "\n"
    "  --target T         embedded (default): the reference server in process, a\n"
    "                     fresh server per case on a virtual clock; HOST:PORT or\n"
    "                     unix:PATH: a running server, shared by every case, where\n"
    "                     a case that names settings runs only if they match\n"
    "  --spawn 'CMD'      start the server per run: CMD with a free port in place\n"
    "                     of {port} and a case's settings appended (restarted when\n"
    "                     they change); with -j, one server per job\n"
    "  --settings FLAGS   embedded and --spawn: the memcached flags of cases that\n"
    "                     name none\n"
    "  --inject-bug NAME  embedded, for tests: servers with the reference's injected\n"
    "                     bug NAME (cas_off_by_one, lost_append, late_expiry,\n"
    "                     evict_without_unlink), which a case from mcsim shrink fails\n"
    "  --clock sleep      on a server without debugtime, run the cases that move\n"
    "                     the clock by waiting for real seconds (at most 60 s per\n"
    "                     case); without it they are skipped\n"
    "  --tags LIST        cases carrying one of the tags and none of the !tags\n"
    "  --filter GLOB      cases whose id (<file stem>/<id>) matches GLOB\n"
    "  --shard I/N        only the I-th of N interleaved parts of the selection\n"
    "  -j N               run N cases at a time (a shared server runs its exclusive\n"
    "                     cases alone, at the end); results keep the suite order\n"
    "  --baseline FILE    known failures of this target: a listed case failing at\n"
    "                     its step does not fail the run; one that passes does\n"
    "  --update-baseline  rewrite the --baseline FILE from this run's failures\n"
    "  --junit FILE, --json FILE, --tap FILE\n"
    "                     also write the results in that format ('-': standard\n"
    "                     output, instead of the readable report)\n"
    "  --timeout MS       how long to wait for an expected answer (default 2000)\n"
    "  --ns-seed N        seed of the per-case key namespaces ${ns} (default: 0 for\n"
    "                     private servers, the current time in microseconds for a\n"
    "                     shared one, so that reruns there do not meet their keys)\n"
    "  --verbose          also list the cases that passed\n"
    "\n"
    "coverage: lists the sections of memcached 1.6.18's protocol.txt (or of the\n"
    "--protocol FILE given) with the number of cases checking each; exits 1 when\n"
    "a section has none.\n"
    "\n"
    "memory: prints the MEMORY STATS report (docs/memory-stats.md) of a server,\n"
    "computed from its stats, stats slabs and stats items.\n";

int Usage(const std::string& message) {
  std::cerr << "mcconform: " << message << "\n\n" << kUsage;
  return 2;
}

bool ParseUnsigned(const std::string& text, uint64_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 18) {
    return false;
  }
  *out = std::stoull(text);
  return true;
}

bool WriteFile(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return true;
  }
  std::ofstream file(path, std::ios::binary);
  file << text;
  file.close();
  if (!file) std::cerr << "mcconform: cannot write " << path << "\n";
  return static_cast<bool>(file);
}

// The options every subcommand shares: how to reach the server.
struct TargetOptions {
  std::string target = "embedded";
  std::string spawn;
  std::string settings;
  ClockMode clock = ClockMode::kSkip;
  ref::InjectedBugs injected_bugs;  // embedded only
};

// Makes the targets the options describe, one per call.
TargetFactory MakeTargetFactory(const TargetOptions& options) {
  return [options](std::string* error) -> std::unique_ptr<Target> {
    std::vector<std::string> flags;
    std::istringstream words(options.settings);
    for (std::string word; words >> word;) flags.push_back(word);
    if (!options.spawn.empty()) {
      return SpawnTarget::Create(options.spawn, std::move(flags), options.clock, error);
    }
    if (options.target == "embedded") {
      return std::make_unique<EmbeddedTarget>(std::move(flags), options.injected_bugs);
    }
    return NetworkTarget::Create(options.target, options.clock, error);
  };
}

// A progress bar on standard error, drawn only when it is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(size_t total) : total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() {
    if (enabled_ && drawn_) std::cerr << "\r\033[K" << std::flush;
  }
  void Update(size_t finished, int failed) {
    if (!enabled_) return;
    constexpr size_t kWidth = 40;
    const size_t filled = total_ == 0 ? kWidth : finished * kWidth / total_;
    std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
              << finished << "/" << total_
              << (failed > 0 ? " " + std::to_string(failed) + " failed" : "") << std::flush;
    drawn_ = true;
  }
  // Clears the bar so that a report line can be printed.
  void Clear() {
    if (enabled_ && drawn_) std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  size_t total_;
  bool enabled_;
  bool drawn_ = false;
};

int RunMain(const std::vector<std::string>& args) {
  TargetOptions target_options;
  std::string tags;
  std::string glob;
  std::string baseline_path;
  bool update_baseline = false;
  std::string junit_path;
  std::string json_path;
  std::string tap_path;
  uint64_t shard_index = 1;
  uint64_t shard_count = 1;
  uint64_t jobs = 1;
  RunnerOptions options;
  bool seed_given = false;
  bool verbose = false;
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string text;
    uint64_t number = 0;
    if (arg == "--target") {
      if (!value(&target_options.target)) return Usage("--target needs a value");
    } else if (arg == "--spawn") {
      if (!value(&target_options.spawn)) return Usage("--spawn needs a command");
    } else if (arg == "--settings") {
      if (!value(&target_options.settings)) return Usage("--settings needs flags");
    } else if (arg == "--clock") {
      if (!value(&text) || text != "sleep") return Usage("--clock takes `sleep`");
      target_options.clock = ClockMode::kSleep;
    } else if (arg == "--inject-bug") {
      if (!value(&text) || !target_options.injected_bugs.Enable(text)) {
        return Usage("--inject-bug needs the name of an injected bug");
      }
    } else if (arg == "--tags") {
      if (!value(&tags)) return Usage("--tags needs a value");
    } else if (arg == "--filter") {
      if (!value(&glob)) return Usage("--filter needs a value");
    } else if (arg == "--shard") {
      const size_t slash = value(&text) ? text.find('/') : std::string::npos;
      if (slash == std::string::npos || !ParseUnsigned(text.substr(0, slash), &shard_index) ||
          !ParseUnsigned(text.substr(slash + 1), &shard_count) || shard_index == 0 ||
          shard_index > shard_count) {
        return Usage("--shard needs I/N with 1 <= I <= N");
      }
    } else if (arg == "-j" || arg == "--jobs") {
      if (!value(&text) || !ParseUnsigned(text, &jobs) || jobs == 0 || jobs > 256) {
        return Usage("-j needs a number from 1 to 256");
      }
    } else if (arg.starts_with("-j") && arg.size() > 2) {
      if (!ParseUnsigned(arg.substr(2), &jobs) || jobs == 0 || jobs > 256) {
        return Usage("-j needs a number from 1 to 256");
      }
    } else if (arg == "--baseline") {
      if (!value(&baseline_path)) return Usage("--baseline needs a file");
    } else if (arg == "--update-baseline") {
      update_baseline = true;
    } else if (arg == "--junit") {
      if (!value(&junit_path)) return Usage("--junit needs a file");
    } else if (arg == "--json") {
      if (!value(&json_path)) return Usage("--json needs a file");
    } else if (arg == "--tap") {
      if (!value(&tap_path)) return Usage("--tap needs a file");
    } else if (arg == "--timeout") {
      if (!value(&text) || !ParseUnsigned(text, &number) || number == 0) {
        return Usage("--timeout needs a number of milliseconds");
      }
      options.timeout = std::chrono::milliseconds(number);
    } else if (arg == "--ns-seed") {
      if (!value(&text) || !ParseUnsigned(text, &options.ns_seed)) {
        return Usage("--ns-seed needs a number");
      }
      seed_given = true;
    } else if (arg == "--verbose" || arg == "-v") {
      verbose = true;
    } else if (arg.starts_with("-")) {
      return Usage("unknown option " + arg);
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) return Usage("no suite given");
  if (update_baseline && baseline_path.empty()) return Usage("--update-baseline needs --baseline");
  if (!target_options.spawn.empty() && target_options.target != "embedded") {
    return Usage("--spawn and --target exclude each other");
  }
  if (!target_options.settings.empty() && target_options.target != "embedded") {
    return Usage("--settings is for the embedded target and --spawn");
  }
  if (target_options.injected_bugs.any() &&
      (target_options.target != "embedded" || !target_options.spawn.empty())) {
    return Usage("--inject-bug is for the embedded target");
  }
  const int readable_outputs = (junit_path == "-") + (json_path == "-") + (tap_path == "-");
  if (readable_outputs > 1) return Usage("only one report can go to standard output");
  const bool readable = readable_outputs == 0;
  std::ostream& log = readable ? std::cout : std::cerr;

  CaseFilter filter;
  std::string error;
  if (!CaseFilter::Parse(tags, glob, &filter, &error)) return Usage(error);

  Baseline baseline;
  if (!baseline_path.empty() && !(update_baseline && access(baseline_path.c_str(), F_OK) != 0) &&
      !LoadBaseline(baseline_path, &baseline, &error)) {
    std::cerr << "mcconform: " << error << "\n";
    return 1;
  }

  const TargetFactory make_target = MakeTargetFactory(target_options);
  std::unique_ptr<Target> probe = make_target(&error);
  if (!probe) return Usage(error);
  const std::string target_name = probe->name();
  if (!probe->private_server() && !probe->Connect(&error)) {
    std::cerr << "mcconform: " << error << "\n";
    return 1;
  }
  if (!seed_given && !probe->private_server()) {
    // Microseconds, so that runs started in the same second differ.
    options.ns_seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch() /
                                            std::chrono::microseconds(1));
  }
  probe.reset();

  const LoadResult loaded = LoadSuites(paths);
  for (const LoadError& load_error : loaded.errors) {
    log << "INVALID " << load_error.ToString() << "\n";
  }
  if (!loaded.errors.empty()) {
    log << loaded.errors.size() << " invalid suite file(s); nothing was run\n";
    return 1;
  }
  std::vector<const TestCase*> selected;
  size_t matching = 0;
  for (const TestCase& test : loaded.cases) {
    if (!filter.Selects(test)) continue;
    if (matching++ % shard_count == shard_index - 1) selected.push_back(&test);
  }
  if (selected.empty()) {
    log << "no case selected (of " << loaded.cases.size() << ")\n";
    return 1;
  }
  log << "mcconform: " << selected.size() << " cases on " << target_name << ", ns seed "
      << options.ns_seed << (jobs > 1 ? ", " + std::to_string(jobs) + " jobs" : "") << "\n";

  const auto started = std::chrono::steady_clock::now();
  std::vector<CaseReport> reports;
  int failed = 0;
  ProgressBar progress(selected.size());
  const bool ran = RunCases(
      selected, make_target, static_cast<int>(jobs), options,
      [&](size_t index, const CaseResult& result) {
        const TestCase& test = *selected[index];
        const Judgement judgement =
            Judge(test, result, baseline_path.empty() ? nullptr : &baseline);
        if (judgement.verdict == Verdict::kFailed || judgement.verdict == Verdict::kStale) ++failed;
        if (readable) {
          progress.Clear();
          switch (judgement.verdict) {
            case Verdict::kPassed:
              if (verbose) std::cout << "PASS " << test.id << "\n";
              break;
            case Verdict::kFailed:
              std::cout << "FAIL " << test.id << " (" << test.file << ":" << test.line << ")\n";
              if (!judgement.note.empty()) std::cout << "  " << judgement.note << "\n";
              std::cout << result.detail;
              break;
            case Verdict::kStale:
              std::cout << "STALE " << test.id << ": " << judgement.note << "\n";
              break;
            case Verdict::kSkipped:
              std::cout << "SKIP " << test.id << ": " << result.detail << "\n";
              break;
            case Verdict::kKnownFailure:
              std::cout << "KNOWN " << test.id << ": " << judgement.note << "\n";
              break;
          }
          std::cout.flush();
        }
        reports.push_back({&test, result, judgement});
      },
      [&](size_t finished) { progress.Update(finished, failed); }, &error);
  progress.Clear();
  if (!ran) {
    std::cerr << "mcconform: " << error << "\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const RunSummary summary = Summarize(target_name, reports, seconds);

  bool written = true;
  if (!junit_path.empty()) written &= WriteFile(junit_path, JunitReport(summary, reports));
  if (!json_path.empty()) written &= WriteFile(json_path, JsonReport(summary, reports));
  if (!tap_path.empty()) written &= WriteFile(tap_path, TapReport(reports));
  char timing[64];
  std::snprintf(timing, sizeof(timing), "%.3f", seconds);
  log << SummaryLine(summary) << " (" << timing << " s)\n";
  if (update_baseline) {
    std::vector<RunResult> results;
    for (const CaseReport& report : reports) results.push_back({report.test, report.result});
    written &=
        WriteFile(baseline_path, FormatBaseline(UpdateBaseline(baseline, target_name, results)));
    if (written) log << "wrote the baseline " << baseline_path << "\n";
    return written ? 0 : 1;
  }
  return summary.failed == 0 && written ? 0 : 1;
}

int CoverageMain(const std::vector<std::string>& args) {
  std::string protocol_path;
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--protocol") {
      if (i + 1 >= args.size()) return Usage("--protocol needs a file");
      protocol_path = args[++i];
    } else if (args[i].starts_with("-")) {
      return Usage("unknown option " + args[i]);
    } else {
      paths.push_back(args[i]);
    }
  }
  if (paths.empty()) return Usage("no suite given");
  std::vector<std::string> sections;
  if (protocol_path.empty()) {
    for (const std::string_view section : ProtocolSections()) sections.emplace_back(section);
  } else {
    std::ifstream file(protocol_path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    if (!file) {
      std::cerr << "mcconform: cannot read " << protocol_path << "\n";
      return 1;
    }
    sections = ParseProtocolSections(text.str());
    if (sections.empty()) {
      std::cerr << "mcconform: no underlined section headings in " << protocol_path << "\n";
      return 1;
    }
  }
  const LoadResult loaded = LoadSuites(paths);
  for (const LoadError& load_error : loaded.errors) {
    std::cout << "INVALID " << load_error.ToString() << "\n";
  }
  if (!loaded.errors.empty()) return 1;
  const Coverage coverage = ComputeCoverage(sections, loaded.cases);
  std::cout << "protocol.txt sections and their cases ("
            << (protocol_path.empty() ? "memcached 1.6.18" : protocol_path) << "):\n"
            << FormatCoverage(coverage);
  return coverage.uncovered() == 0 && coverage.unknown_sections.empty() ? 0 : 1;
}

int MemoryMain(const std::vector<std::string>& args) {
  TargetOptions target_options;
  std::chrono::milliseconds timeout(2000);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i + 1 >= args.size()) return Usage("unknown option " + arg);
    uint64_t number = 0;
    if (arg == "--target") {
      target_options.target = args[++i];
    } else if (arg == "--spawn") {
      target_options.spawn = args[++i];
    } else if (arg == "--timeout" && ParseUnsigned(args[i + 1], &number) && number > 0) {
      timeout = std::chrono::milliseconds(number);
      ++i;
    } else {
      return Usage("unknown option " + arg);
    }
  }
  std::string error;
  std::unique_ptr<Target> target = MakeTargetFactory(target_options)(&error);
  std::string skip_reason;
  std::unique_ptr<Connection> connection;
  std::vector<ref::MemoryStat> report;
  if (!target || !target->BeginCase(CaseNeeds{}, &skip_reason, &error) ||
      !(connection = target->Connect(&error)) ||
      !ProbeMemoryStats(*connection, timeout, &report, &error)) {
    std::cerr << "mcconform: " << error << "\n";
    return 1;
  }
  for (const ref::MemoryStat& stat : report) {
    std::cout << "STAT " << stat.name << " " << stat.value << "\n";
  }
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
  }
  if (!args.empty() && args[0] == "coverage") return CoverageMain({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "memory") return MemoryMain({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "run") return RunMain({args.begin() + 1, args.end()});
  return RunMain(args);
}

}  // namespace
}  // namespace mcspec::conformance

int main(int argc, char** argv) {
  return mcspec::conformance::Main(argc, argv);
}
