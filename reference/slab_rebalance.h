// The state of memcached 1.6.18's slab page mover (slabs.c's slab_rebal) and
// of its automover (slab_automove.c), kept by the Cache; the steps that use
// it are in slab_rebalance.cc.
#ifndef MCSPEC_REFERENCE_SLAB_REBALANCE_H_
#define MCSPEC_REFERENCE_SLAB_REBALANCE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "clock.h"
#include "slab_allocator.h"

namespace mcspec::ref {

// `slabs reassign` outcomes, as memcached's reassign_result_type.
enum class ReassignResult { kOk, kRunning, kBadClass, kNoSpare, kSame };

// The `stats` figures of page moves. `stats reset` clears all but `running`.
struct SlabMoveStats {
  uint64_t slabs_moved = 0;
  uint64_t rescues = 0;
  uint64_t chunk_rescues = 0;
  uint64_t evictions_nomem = 0;
  uint64_t inline_reclaim = 0;
  uint64_t busy_items = 0;
  uint64_t busy_deletes = 0;
  bool running = false;
};

// One page move: requested (kRequested), then clearing the source's first
// page chunk by chunk, in passes that start over while items are busy.
struct SlabMove {
  enum class Signal { kIdle, kRequested, kRunning };
  Signal signal = Signal::kIdle;
  int src = 0;
  int dst = 0;
  uint32_t page = 0;
  std::vector<bool> completed;  // per chunk of the page
  uint32_t busy_loops = 0;
  // Figures of this move, added to SlabMoveStats when it finishes (busy
  // items: at the end of each pass).
  uint64_t busy_items = 0;
  uint64_t rescues = 0;
  uint64_t chunk_rescues = 0;
  uint64_t evictions_nomem = 0;
  uint64_t inline_reclaim = 0;
  uint64_t busy_deletes = 0;
};

// slab_automove.c's window of per-class observations.
struct SlabAutomove {
  // Trivial, so that a new window array is zeroed as one block (value
  // initialization) rather than element by element.
  struct Window {
    uint64_t age;
    uint64_t dirty;
    float evicted_ratio;
    uint64_t evicted_seen;
  };
  struct ItemFigures {
    int64_t evicted = 0;
    int64_t outofmemory = 0;
    uint32_t age = 0;
  };
  struct SlabFigures {
    uint32_t chunks_per_page = 0;
    int64_t free_chunks = 0;
    int64_t total_pages = 0;
  };
  bool started = false;
  double ratio = 0;  // the ratio the window was started with
  uint32_t window_size = 0;
  uint32_t window_cur = 0;
  std::unique_ptr<Window[]> windows;  // window_size per class
  std::array<ItemFigures, kMaxSlabClasses> items_before{};
  std::array<SlabFigures, kMaxSlabClasses> slabs_before{};
  RelTime last_check = 0;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SLAB_REBALANCE_H_
