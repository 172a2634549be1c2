// Prints how long the linearizability checker takes on large histories:
// 100,000 operations of 8 clients (by default), recorded by running a random
// workload against the reference server and giving the operations
// overlapping intervals (reference_recorder.h). Variants: 1000 keys; 10 hot
// keys; 10 hot keys with lost (info) and refused (fail) operations; 10 hot
// keys with one read corrupted, which the checker must reject; and the same
// on a single key, where all 8 clients contend. For each it prints the time
// to record the history, the time to check it in memory, and the time
// `mcsim check` takes on it as a file (reading and parsing the JSON lines
// included).
//
// usage: checker_benchmark [--operations N] [--seed S]
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "check_command.h"
#include "linearizability.h"
#include "reference_recorder.h"

namespace mcspec::sim {
namespace {

struct Variant {
  const char* name;
  Workload workload;
  bool corrupt_one_read;
};

double Milliseconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

// Replaces the value of the middle read hit by one no operation writes.
bool CorruptOneRead(std::vector<HistoryEvent>* events) {
  std::vector<size_t> hits;
  for (size_t i = 0; i < events->size(); ++i) {
    if ((*events)[i].type == EventType::kOk && (*events)[i].result == "HIT") hits.push_back(i);
  }
  if (hits.empty()) return false;
  (*events)[hits[hits.size() / 2]].value = "never written";
  return true;
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "NOT linearizable";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

int Run(size_t operations, uint64_t seed) {
  const Variant variants[] = {
      {"1000 keys", {operations, 8, 1000, 0, 0}, false},
      {"10 hot keys", {operations, 8, 10, 0, 0}, false},
      {"10 hot keys, 1% info, 1% fail", {operations, 8, 10, 10, 10}, false},
      {"10 hot keys, one read corrupted", {operations, 8, 10, 0, 0}, true},
      {"1 key", {operations, 8, 1, 0, 0}, false},
      {"1 key, 1% info, 1% fail", {operations, 8, 1, 10, 10}, false},
      {"1 key, one read corrupted", {operations, 8, 1, 0, 0}, true},
  };
  std::printf("%-34s %8s %7s %5s %9s %10s %9s %10s  %s\n", "history", "ops", "events", "keys",
              "steps", "record ms", "check ms", "file ms", "verdict");
  const std::string path =
      (std::filesystem::temp_directory_path() / "checker_benchmark_history.jsonl").string();
  for (const Variant& variant : variants) {
    std::mt19937_64 random(seed);
    const RandomBelow below = [&random](uint64_t bound) { return random() % bound; };
    const auto started = std::chrono::steady_clock::now();
    std::vector<HistoryEvent> events = Interleave(RunWorkload(variant.workload, below), below);
    if (variant.corrupt_one_read && !CorruptOneRead(&events)) {
      std::fprintf(stderr, "no read hit to corrupt\n");
      return 1;
    }
    const auto recorded = std::chrono::steady_clock::now();
    std::vector<HistoryOperation> ops;
    std::string error;
    if (!CollectOperations(events, &ops, &error)) {
      std::fprintf(stderr, "%s: %s\n", variant.name, error.c_str());
      return 1;
    }
    const CheckResult result = CheckOperations(ops, CheckOptions{});
    const auto checked = std::chrono::steady_clock::now();

    {
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      for (const HistoryEvent& event : events) file << ToJsonLine(event) << '\n';
    }
    std::ostringstream out, err;
    const auto command_started = std::chrono::steady_clock::now();
    const int status = RunCheckCommand({path}, out, err);
    const auto command_done = std::chrono::steady_clock::now();
    if (status != (result.verdict == Verdict::kLinearizable ? 0 : 1)) {
      std::fprintf(stderr, "%s: mcsim check exited %d\n%s", variant.name, status,
                   err.str().c_str());
      return 1;
    }
    std::printf("%-34s %8zu %7zu %5zu %9llu %10.1f %9.1f %10.1f  %s\n", variant.name, ops.size(),
                events.size(), result.keys, static_cast<unsigned long long>(result.steps),
                Milliseconds(recorded - started), Milliseconds(checked - recorded),
                Milliseconds(command_done - command_started), VerdictName(result.verdict));
  }
  std::filesystem::remove(path);
  return 0;
}

}  // namespace
}  // namespace mcspec::sim

int main(int argc, char** argv) {
  size_t operations = 100'000;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    uint64_t number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() ||
        (flag != "--operations" && flag != "--seed")) {
      std::fprintf(stderr, "usage: checker_benchmark [--operations N] [--seed S]\n");
      return 2;
    }
    if (flag == "--operations") {
      operations = number;
    } else {
      seed = number;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: checker_benchmark [--operations N] [--seed S]\n");
    return 2;
  }
  return mcspec::sim::Run(operations, seed);
}
