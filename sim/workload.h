// The operations one seed's clients issue, drawn from its swarm parameters:
// the command mix, keys (uniform or zipf over key_count keys), values of
// sizes spread across slab classes (some of them decimal numbers, for
// incr/decr), TTLs (relative, absolute on the client's skewed clock, or
// negative), noreply, multi-get, cas with uniques a client's gets saw, and
// bad requests whose exact memcached error is known.
#ifndef MCSPEC_SIM_WORKLOAD_H_
#define MCSPEC_SIM_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "buffer_pool.h"
#include "operation.h"
#include "prng.h"
#include "swarm.h"

namespace mcspec::sim {

// The cas uniques a client's gets hits showed lately, one per key, at most
// kCapacity: a key already known gets its new unique in place; a new key
// takes the next slot round-robin once all are used. A client draws its cas
// operations from them (Workload::ClientView).
class KnownCasUniques {
 public:
  static constexpr size_t kCapacity = 32;
  void Remember(uint32_t key, uint64_t cas);
  // (key index, unique), in the order the slots were filled.
  const std::vector<std::pair<uint32_t, uint64_t>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<uint32_t, uint64_t>> entries_;
  size_t next_ = 0;  // the slot a new key replaces when all are used
};

class Workload {
 public:
  // Large values are written into buffers taken from `buffers`, if given.
  explicit Workload(const SwarmParameters& params, BufferPool* buffers = nullptr);

  // What a client knows when it picks its next operation.
  struct ClientView {
    int64_t unix_now = 0;  // the client's (skewed) clock, for absolute exptimes
    // Uniques its gets saw lately: (key index, unique).
    const std::vector<std::pair<uint32_t, uint64_t>>* known_cas = nullptr;
  };
  Operation Next(Prng& prng, const ClientView& view);
  // The same, written over *op (every field; its buffers reused).
  void Next(Prng& prng, const ClientView& view, Operation* op);

  static std::string KeyName(uint32_t index);
  // The index of a key this workload named (KeyName's inverse).
  static uint32_t KeyIndex(std::string_view key);

 private:
  uint32_t DrawKey(Prng& prng) const;
  void DrawValue(Prng& prng, std::string* value);
  int64_t DrawExptime(Prng& prng, const ClientView& view) const;
  void DrawBadInput(Prng& prng, Operation* op) const;
  // Sets *key to KeyName(index), reusing its buffer.
  static void NameKey(uint32_t index, std::string* key);

  // Values repeat this letter pattern from a random offset.
  static constexpr size_t kPatternPeriod = 23;
  std::string pattern_;
  const SwarmParameters& params_;
  BufferPool* buffers_;
  std::unique_ptr<ZipfDistribution> zipf_;
  // The kind each draw in [0, total weight) picks: one load where a walk
  // over the weights took a compare per kind.
  std::vector<OpKind> kind_of_pick_;
  uint64_t values_made_ = 0;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_WORKLOAD_H_
