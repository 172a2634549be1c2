// mcconform: runs the YAML conformance suites (specs/README.md) against the
// embedded reference server or a server at HOST:PORT, prints a report for
// every failed case, a line for every skipped one and the summary
// "N passed, N failed, N skipped". Exits 0 when nothing failed, else 1.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "case_filter.h"
#include "embedded_target.h"
#include "runner.h"
#include "suite_loader.h"
#include "tcp_target.h"

namespace mcspec::conformance {
namespace {

constexpr const char* kUsage =
    "usage: mcconform [--target embedded|HOST:PORT] [--tags a,b,!c] [--filter GLOB]\n"
    "                 [--timeout MS] [--ns-seed N] [--verbose] PATH...\n"
    "\n"
    "Runs the conformance cases of the YAML suites in PATH (files, or directories\n"
    "searched for *.yaml) against a target, and exits 0 when none failed.\n"
    "\n"
    "  --target T     embedded (default): the reference server in process, a fresh\n"
    "                 server per case on a virtual clock; HOST:PORT: a running\n"
    "                 server, where a case runs only if its settings match\n"
    "  --tags LIST    cases carrying one of the tags and none of the !tags\n"
    "  --filter GLOB  cases whose id (<file stem>/<id>) matches GLOB\n"
    "  --timeout MS   how long to wait for an expected answer (default 2000)\n"
    "  --ns-seed N    seed of the per-case key namespaces ${ns} (default: 0 for\n"
    "                 embedded, the current time for HOST:PORT, so that reruns on\n"
    "                 one server do not meet their own keys)\n"
    "  --verbose      also list the cases that passed\n";

int Usage(const std::string& message) {
  std::cerr << "mcconform: " << message << "\n\n" << kUsage;
  return 1;
}

bool ParseUnsigned(const std::string& text, uint64_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 18) {
    return false;
  }
  *out = std::stoull(text);
  return true;
}

int Main(int argc, char** argv) {
  std::string target_name = "embedded";
  std::string tags;
  std::string glob;
  RunnerOptions options;
  bool seed_given = false;
  bool verbose = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string text;
    uint64_t number = 0;
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--target") {
      if (!value(&target_name)) return Usage("--target needs a value");
    } else if (arg == "--tags") {
      if (!value(&tags)) return Usage("--tags needs a value");
    } else if (arg == "--filter") {
      if (!value(&glob)) return Usage("--filter needs a value");
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

  CaseFilter filter;
  std::string error;
  if (!CaseFilter::Parse(tags, glob, &filter, &error)) return Usage(error);

  std::unique_ptr<Target> target;
  if (target_name == "embedded") {
    target = std::make_unique<EmbeddedTarget>();
  } else {
    target = TcpTarget::Create(target_name, &error);
    if (!target) return Usage(error);
    if (!seed_given) {
      options.ns_seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch() /
                                              std::chrono::seconds(1));
    }
  }

  const LoadResult loaded = LoadSuites(paths);
  for (const LoadError& load_error : loaded.errors) {
    std::cout << "INVALID " << load_error.ToString() << "\n";
  }
  if (!loaded.errors.empty()) {
    std::cout << loaded.errors.size() << " invalid suite file(s); nothing was run\n";
    return 1;
  }
  std::vector<const TestCase*> selected;
  for (const TestCase& test : loaded.cases) {
    if (filter.Selects(test)) selected.push_back(&test);
  }
  if (selected.empty()) {
    std::cout << "no case selected (of " << loaded.cases.size() << ")\n";
    return 1;
  }
  std::cout << "mcconform: " << selected.size() << " cases on " << target->name() << ", ns seed "
            << options.ns_seed << "\n";

  int passed = 0;
  int failed = 0;
  int skipped = 0;
  for (const TestCase* test : selected) {
    const CaseResult result = RunCase(*test, *target, options);
    switch (result.outcome) {
      case CaseResult::Outcome::kPassed:
        ++passed;
        if (verbose) std::cout << "PASS " << test->id << "\n";
        break;
      case CaseResult::Outcome::kFailed:
        ++failed;
        std::cout << "FAIL " << test->id << " (" << test->file << ":" << test->line << ")\n"
                  << result.detail;
        break;
      case CaseResult::Outcome::kSkipped:
        ++skipped;
        std::cout << "SKIP " << test->id << ": " << result.detail << "\n";
        break;
    }
    std::cout.flush();
  }
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace mcspec::conformance

int main(int argc, char** argv) {
  return mcspec::conformance::Main(argc, argv);
}
