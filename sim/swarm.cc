#include "swarm.h"

#include <sstream>

namespace mcspec::sim {
namespace {

// Each kind is left out of a seed's mix with this probability, so that some
// seeds run, say, without deletes or without gets (swarm testing's point).
constexpr double kLeaveOut = 0.2;

}  // namespace

SwarmParameters SwarmParameters::Draw(Prng& prng) {
  SwarmParameters p;
  // Half the seeds run under memory pressure: a small cache, many keys and
  // values large enough to fill it, so that evictions and the LRU matter.
  p.memory_pressure = prng.Bernoulli(0.5);
  static constexpr uint32_t kSmallMemory[] = {2, 3, 4, 6, 8};
  p.memory_mb = p.memory_pressure ? kSmallMemory[prng.Below(std::size(kSmallMemory))] : 64;
  p.flat_lru = prng.Bernoulli(0.3);
  p.tick_interval_ns = static_cast<int64_t>(prng.LogUniform(1'000'000, 50'000'000));
  p.max_clock_jump = static_cast<uint32_t>(prng.Range(1, 4));
  p.client_skew_s = static_cast<uint32_t>(prng.Range(0, 5));

  p.clients = static_cast<uint32_t>(prng.Range(1, 12));
  p.pipeline_depth = static_cast<uint32_t>(prng.Range(1, 4));
  p.think_time_ns = static_cast<int64_t>(prng.LogUniform(100, 50'000));
  p.key_count = static_cast<uint32_t>(p.memory_pressure ? prng.LogUniform(1000, 30000)
                                                        : prng.LogUniform(1, 5000));
  p.zipf = prng.Bernoulli(0.5);
  p.zipf_s = 0.6 + prng.Unit();
  p.max_value_size = static_cast<uint32_t>(p.memory_pressure ? prng.LogUniform(2000, 200'000)
                                                             : prng.LogUniform(4, 200'000));
  p.min_value_size = p.memory_pressure && prng.Bernoulli(0.6) ? p.max_value_size / 4 : 0;
  p.numeric_values = prng.Unit() * 0.6;
  p.ttl_share = prng.Bernoulli(0.3) ? 0 : prng.Unit() * 0.5;
  p.max_ttl = static_cast<uint32_t>(prng.Range(1, 10));
  p.absolute_ttl_share = prng.Unit() * 0.4;
  p.negative_ttl_share = prng.Unit() * 0.05;
  static constexpr uint32_t kBaseWeights[kOpKinds] = {
      // get gets set add replace append prepend cas delete incr decr touch flush bad
      30, 10, 20, 4, 3, 4, 3, 8, 5, 5, 3, 3, 0, 1};
  for (size_t i = 0; i < kOpKinds; ++i) {
    const bool keep = !prng.Bernoulli(kLeaveOut);
    p.op_weights[i] = keep ? static_cast<uint32_t>(kBaseWeights[i] * (0.2 + 1.8 * prng.Unit())) : 0;
  }
  // Reads and sets always stay, or nothing would be checked.
  p.op_weights[static_cast<size_t>(OpKind::kGet)] += 5;
  p.op_weights[static_cast<size_t>(OpKind::kSet)] += 5;
  // flush_all empties the cache: rare, and in only some seeds.
  p.op_weights[static_cast<size_t>(OpKind::kFlushAll)] = prng.Bernoulli(0.3) ? 1 : 0;
  p.max_multiget = static_cast<uint32_t>(prng.Range(1, 8));
  p.noreply_share = prng.Bernoulli(0.5) ? 0 : prng.Unit() * 0.3;
  p.max_flush_delay = static_cast<uint32_t>(prng.Range(0, 8));

  p.base_latency_ns = static_cast<int64_t>(prng.LogUniform(1'000, 500'000));
  p.split_write = prng.Unit();
  p.slow_tail = prng.Unit() * 0.05;
  p.tail_latency_ns = static_cast<int64_t>(prng.LogUniform(100'000, 50'000'000));
  p.clog = prng.Unit() * 0.01;
  p.clog_ns = static_cast<int64_t>(prng.LogUniform(100'000, 100'000'000));
  p.reset = prng.Bernoulli(0.3) ? 0 : prng.Unit() * 0.01;
  p.half_close = prng.Bernoulli(0.5) ? 0 : prng.Unit() * 0.005;
  p.udp_clients = prng.Bernoulli(0.5) ? 0 : static_cast<uint32_t>(prng.Range(1, 4));
  p.udp_loss = prng.Unit() * 0.1;
  p.udp_duplicate = prng.Unit() * 0.1;
  return p;
}

std::vector<std::string> SwarmParameters::ServerFlags() const {
  // No slab page moves: the mover relinks items (new uniques) and evicts
  // without telling watchers; evictions then all happen at the LRU tail,
  // where `watch evictions` reports them.
  std::vector<std::string> flags = {"-m", std::to_string(memory_mb), "-o", "slab_automove=0"};
  if (flat_lru) flags.insert(flags.end(), {"-o", "no_modern"});
  return flags;
}

std::string SwarmParameters::Describe() const {
  std::ostringstream out;
  out << "server: -m " << memory_mb << (flat_lru ? " -o no_modern" : "") << ", clock +1.."
      << max_clock_jump << "s every " << tick_interval_ns << "ns, client skew +-" << client_skew_s
      << "s\n";
  out << "workload: " << clients << " tcp clients, depth " << pipeline_depth << ", think "
      << think_time_ns << "ns, " << key_count << " keys "
      << (zipf ? "zipf s=" + std::to_string(zipf_s) : std::string("uniform")) << ", values "
      << min_value_size << ".." << max_value_size << " bytes (" << numeric_values
      << " numeric), ttl " << ttl_share << " (1.." << max_ttl << "s, " << absolute_ttl_share
      << " absolute, " << negative_ttl_share << " negative), multi-get up to " << max_multiget
      << ", noreply " << noreply_share << ", flush delay 0.." << max_flush_delay << "s\n";
  out << "mix:";
  for (size_t i = 0; i < kOpKinds; ++i) {
    out << " " << OpName(static_cast<OpKind>(i)) << "=" << op_weights[i];
  }
  out << "\n";
  out << "faults: latency up to " << base_latency_ns << "ns, split " << split_write << ", tail "
      << slow_tail << " (up to " << tail_latency_ns << "ns), clog " << clog << " (up to " << clog_ns
      << "ns), reset " << reset << ", half-close " << half_close << "\n";
  out << "udp: " << udp_clients << " clients, loss " << udp_loss << ", duplication "
      << udp_duplicate << "\n";
  return out.str();
}

}  // namespace mcspec::sim
