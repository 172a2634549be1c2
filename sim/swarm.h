// Swarm testing: each seed draws its own server settings, workload shape and
// fault probabilities, so that different seeds stress different corners
// (a few hot keys or many cold ones, tiny or slab-spanning values, heavy
// noreply, constant resets, ...). The parameters are drawn first from the
// run's PRNG and printed at the start of the run.
#ifndef MCSPEC_SIM_SWARM_H_
#define MCSPEC_SIM_SWARM_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "operation.h"
#include "prng.h"

namespace mcspec::sim {

inline constexpr size_t kOpKinds = static_cast<size_t>(OpKind::kBadInput) + 1;

struct SwarmParameters {
  // Server.
  bool memory_pressure = false;  // a small -m with many keys and large values
  uint32_t memory_mb = 64;       // -m
  bool flat_lru = false;         // -o no_modern
  // Server clock: every `tick_interval_ns` of virtual time it jumps forward
  // by 1..max_clock_jump seconds. Clients' clocks (for absolute exptimes) are
  // off from it by up to +-client_skew_s seconds.
  int64_t tick_interval_ns = 10'000'000;
  uint32_t max_clock_jump = 1;
  uint32_t client_skew_s = 0;

  // Workload.
  uint32_t clients = 4;
  uint32_t pipeline_depth = 1;   // requests a client keeps in flight
  int64_t think_time_ns = 2000;  // mean pause between a client's requests
  uint32_t key_count = 100;
  bool zipf = false;
  double zipf_s = 1.0;
  // Values are min..max bytes, log-uniform: across many slab classes, or
  // (under memory pressure) sometimes a few, so that those classes fill up.
  uint32_t min_value_size = 0;
  uint32_t max_value_size = 100;
  double numeric_values = 0.3;      // share of values that are decimal numbers
  double ttl_share = 0.2;           // storage ops with an exptime
  uint32_t max_ttl = 5;             // seconds
  double absolute_ttl_share = 0.2;  // of those, absolute unix times
  double negative_ttl_share = 0.02;
  std::array<uint32_t, kOpKinds> op_weights{};  // indexed by OpKind
  uint32_t max_multiget = 4;
  double noreply_share = 0.05;
  uint32_t max_flush_delay = 5;

  // Network faults (probabilities per write unless said otherwise).
  int64_t base_latency_ns = 20'000;  // per connection: up to this much
  double split_write = 0.3;          // a write delivered in several pieces
  double slow_tail = 0.01;           // a write delayed by up to tail_latency_ns
  int64_t tail_latency_ns = 5'000'000;
  double clog = 0.002;  // the connection stops for up to clog_ns (bytes kept)
  int64_t clog_ns = 20'000'000;
  double reset = 0.002;       // the connection is reset soon after the write
  double half_close = 0.001;  // the client sends part of a request and shuts down writing
  // UDP clients (each with its own socket) and datagram faults.
  uint32_t udp_clients = 0;
  double udp_loss = 0.01;
  double udp_duplicate = 0.01;

  // Draws every parameter from `prng`.
  static SwarmParameters Draw(Prng& prng);
  // The server's flags (for ref::ParseServerFlags), e.g. {"-m", "4"}.
  std::vector<std::string> ServerFlags() const;
  // Several lines "name = value", for the start of a run.
  std::string Describe() const;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SWARM_H_
