// One mcsim run: a seed's swarm parameters, a reference server, the
// simulated network and clients, the server clock's jumps, the eviction
// watcher and the oracle, all driven by one event loop and one PRNG seeded
// from the seed. The same options give the same run, byte for byte.
#ifndef MCSPEC_SIM_SIMULATION_H_
#define MCSPEC_SIM_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim_network.h"
#include "swarm.h"

namespace mcspec::sim {

struct RunOptions {
  uint64_t seed = 1;
  uint64_t ops = 10000;
  std::optional<uint32_t> clients;  // overrides the swarm's draw
  std::vector<std::string> bugs;    // injected bugs (ref::InjectedBugs names)
  // Changes the drawn parameters (benchmarks pin a workload shape); a run
  // using it is not reproducible from the command line alone.
  std::function<void(SwarmParameters*)> adjust_parameters;
  std::ostream* history = nullptr;  // JSON lines, when given
  std::ostream* trace = nullptr;    // the trace (trace.h), when given
  // Determinism checks (fingerprint.h).
  bool keep_event_hashes = false;
  const std::vector<uint64_t>* compare_with = nullptr;
  int64_t describe_event = -1;
  std::ostream* event_log = nullptr;  // every event, when given (Fingerprint::LogEvents)
};

struct RunResult {
  bool passed = false;
  std::string failure;     // what went wrong, when not passed
  std::string parameters;  // the swarm parameters, as printed at the start
  uint64_t ops_issued = 0;
  uint64_t ops_checked = 0;
  uint64_t replies = 0;
  uint64_t unknown = 0;  // completed as info (noreply, broken connections)
  uint64_t evictions = 0;
  NetworkStats network;
  int64_t sim_time_ns = 0;
  uint32_t server_time = 0;  // the server clock at the end (relative seconds)
  uint64_t events = 0;       // fingerprint events
  uint64_t fingerprint = 0;
  std::vector<uint64_t> event_hashes;
  int64_t first_difference = -1;
  std::string event_description;
};

RunResult RunSimulation(const RunOptions& options);

// The command line that repeats a run: "mcsim run --seed N --ops N ...".
std::string ReproduceCommand(const RunOptions& options);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SIMULATION_H_
