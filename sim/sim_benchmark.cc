// Prints how many simulated client operations per second of (wall-clock,
// one core) time mcsim runs, with network faults on and the oracle checking
// every reply, without a history or trace. The wall clock is read here only,
// around whole runs.
//
// The rate is given per second of the process's CPU time (what one core
// gives the simulator; on a shared machine the wall clock also counts other
// people's turns), with the wall-clock time beside it.
//
// Two figures per seed: the seed's own swarm draw (value sizes up to 200 KB
// in some seeds, where copying values dominates), and the same seed pinned
// to small values (up to 100 bytes) and 1000 keys, with its faults, mix and
// clients as drawn: the per-operation cost of the simulator itself.
//
//   sim_benchmark [--ops N] [--seeds A..B] [--profile drawn|small]
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>

#include "simulation.h"
#include "text_words.h"

namespace {

double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  using mcspec::sim::ParseNumber;
  uint64_t ops = 500'000;
  uint64_t first_seed = 1;
  uint64_t last_seed = 8;
  std::string_view only_profile;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const std::string_view value = argv[i + 1];
    const size_t dots = value.find("..");
    if (flag == "--ops" && ParseNumber(value, &ops)) continue;
    if (flag == "--seeds" && dots != std::string_view::npos &&
        ParseNumber(value.substr(0, dots), &first_seed) &&
        ParseNumber(value.substr(dots + 2), &last_seed)) {
      continue;
    }
    if (flag == "--profile" && (value == "drawn" || value == "small")) {
      only_profile = value;
      continue;
    }
    std::fprintf(stderr, "usage: sim_benchmark [--ops N] [--seeds A..B] [--profile drawn|small]\n");
    return 2;
  }
  struct Profile {
    const char* name;
    std::string_view short_name;
    std::function<void(mcspec::sim::SwarmParameters*)> adjust;
  };
  const Profile profiles[] = {
      {"as drawn", "drawn", nullptr},
      {"small values", "small",
       [](mcspec::sim::SwarmParameters* p) {
         p->memory_pressure = false;
         p->memory_mb = 64;
         p->min_value_size = 0;
         p->max_value_size = 100;
         p->key_count = 1000;
       }},
  };
  for (const Profile& profile : profiles) {
    if (!only_profile.empty() && only_profile != profile.short_name) continue;
    uint64_t total_ops = 0;
    double total_seconds = 0;
    double total_wall_seconds = 0;
    for (uint64_t seed = first_seed; seed <= last_seed; ++seed) {
      mcspec::sim::RunOptions options;
      options.seed = seed;
      options.ops = ops;
      options.adjust_parameters = profile.adjust;
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = CpuSeconds();
      const mcspec::sim::RunResult result = mcspec::sim::RunSimulation(options);
      const double seconds = CpuSeconds() - cpu_start;
      const double wall_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      total_ops += result.ops_issued;
      total_seconds += seconds;
      total_wall_seconds += wall_seconds;
      std::printf(
          "%s, seed %llu: %s, %llu ops in %.3f s CPU (%.3f s wall): %.0f ops/s (%llu events, "
          "%llu segments, %llu resets, %llu clogs, %llu evictions)\n",
          profile.name, static_cast<unsigned long long>(seed), result.passed ? "ok" : "FAILED",
          static_cast<unsigned long long>(result.ops_issued), seconds, wall_seconds,
          static_cast<double>(result.ops_issued) / seconds,
          static_cast<unsigned long long>(result.events),
          static_cast<unsigned long long>(result.network.segments),
          static_cast<unsigned long long>(result.network.resets),
          static_cast<unsigned long long>(result.network.clogs),
          static_cast<unsigned long long>(result.evictions));
    }
    std::printf(
        "%s, total: %llu ops in %.3f s CPU (%.3f s wall): %.0f simulated client ops/s of CPU "
        "time\n",
        profile.name, static_cast<unsigned long long>(total_ops), total_seconds, total_wall_seconds,
        static_cast<double>(total_ops) / total_seconds);
  }
  return 0;
}
