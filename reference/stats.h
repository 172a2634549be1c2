// The counters behind memcached's statistics, grouped as memcached groups
// them: per-command counters (memcached's per-thread stats, of which the
// model has one set), per-slab-class command counters, per-class LRU
// counters (memcached's itemstats) and the global item counters.
// Rendering them as `stats` output lives in stats_report.h.
#ifndef MCSPEC_REFERENCE_STATS_H_
#define MCSPEC_REFERENCE_STATS_H_

#include <array>
#include <cstdint>

#include "clock.h"
#include "slab_allocator.h"

namespace mcspec::ref {

struct SlabCommandCounters {
  uint64_t set_cmds = 0;
  uint64_t touch_hits = 0;
  uint64_t delete_hits = 0;
  uint64_t incr_hits = 0;
  uint64_t decr_hits = 0;
  uint64_t cas_hits = 0;
  uint64_t cas_badval = 0;
};

struct CommandCounters {
  uint64_t get_cmds = 0;
  uint64_t get_misses = 0;
  uint64_t get_expired = 0;
  uint64_t get_flushed = 0;
  uint64_t touch_cmds = 0;
  uint64_t touch_misses = 0;
  uint64_t delete_misses = 0;
  uint64_t incr_misses = 0;
  uint64_t decr_misses = 0;
  uint64_t cas_misses = 0;
  uint64_t flush_cmds = 0;
  uint64_t meta_cmds = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t store_too_large = 0;
  uint64_t store_no_memory = 0;
  uint64_t conn_yields = 0;
  uint64_t auth_cmds = 0;
  uint64_t auth_errors = 0;
  std::array<SlabCommandCounters, kMaxSlabClasses> slab{};
  // Get hits per LRU (class, LRU type); a class's get_hits is their sum.
  std::array<std::array<uint64_t, 4>, kMaxSlabClasses> lru_hits{};

  uint64_t ClassGetHits(int clsid) const {
    return lru_hits[clsid][0] + lru_hits[clsid][1] + lru_hits[clsid][2] + lru_hits[clsid][3];
  }
};

// memcached's itemstats_t, kept per LRU (class id | LRU type).
struct LruCounters {
  uint64_t evicted = 0;
  uint64_t evicted_nonzero = 0;
  uint64_t reclaimed = 0;
  uint64_t outofmemory = 0;
  uint64_t tailrepairs = 0;
  uint64_t expired_unfetched = 0;
  uint64_t evicted_unfetched = 0;
  uint64_t evicted_active = 0;
  uint64_t crawler_reclaimed = 0;
  uint64_t crawler_items_checked = 0;
  uint64_t lrutail_reflocked = 0;
  uint64_t moves_to_cold = 0;
  uint64_t moves_to_warm = 0;
  uint64_t moves_within_lru = 0;
  uint64_t direct_reclaims = 0;
  RelTime evicted_time = 0;

  // Adds every counter of `other`; evicted_time is a reading, not a count,
  // and stays as it is.
  LruCounters& operator+=(const LruCounters& other) {
    evicted += other.evicted;
    evicted_nonzero += other.evicted_nonzero;
    reclaimed += other.reclaimed;
    outofmemory += other.outofmemory;
    tailrepairs += other.tailrepairs;
    expired_unfetched += other.expired_unfetched;
    evicted_unfetched += other.evicted_unfetched;
    evicted_active += other.evicted_active;
    crawler_reclaimed += other.crawler_reclaimed;
    crawler_items_checked += other.crawler_items_checked;
    lrutail_reflocked += other.lrutail_reflocked;
    moves_to_cold += other.moves_to_cold;
    moves_to_warm += other.moves_to_warm;
    moves_within_lru += other.moves_within_lru;
    direct_reclaims += other.direct_reclaims;
    return *this;
  }
};

struct ItemTotals {
  uint64_t curr_items = 0;
  uint64_t curr_bytes = 0;
  uint64_t total_items = 0;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_STATS_H_
