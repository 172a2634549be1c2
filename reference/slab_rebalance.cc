// memcached 1.6.18's slab page mover and automover, as deterministic steps of
// the reference's Cache.
//
// memcached's mover thread, once signalled, empties the first page of the
// source class chunk by chunk: free chunks are cut out of the free list, live
// items are copied ("rescued") to free chunks of the same class outside the
// page or, when there are none, dropped; items in use are "busy", and the
// thread starts over the page, backing off up to 1 ms at a time, until none
// is. The empty page then joins the destination class (or the global pool).
// The reference runs the same passes at fixed points instead:
// - at the end of the request that asked for the move (a `slabs reassign`,
//   or an eviction under `slabs automove 2`): the move starts and makes one
//   pass, which completes it unless an item in the page is busy;
// - at the end of every later request: one more pass;
// - at each maintainer wake (the clock moved, so at least a second passed):
//   as many passes as the thread makes in a second of backing off, which
//   takes it past the point where it deletes items that stay busy.
// Only when a move finishes can differ from memcached, not what it does.
//
// The automover (`slabs automove 1`) runs in the maintainer's wake, once per
// clock second, over slab_automove.c's window of per-class observations.
#include <algorithm>

#include "cache.h"

namespace mcspec::ref {
namespace {

// After this many busy passes memcached deletes linked items that stay busy.
constexpr uint32_t kSlabMoveMaxLoops = 1000;
// slab_automove.c: a source must have more pages than this, and a class with
// this many pages' worth of free chunks gives a page back to the pool.
constexpr int64_t kMinPagesForSource = 2;
constexpr double kMinPagesForReclaim = 2.5;

}  // namespace

ReassignResult Cache::Reassign(int src, int dst) {
  if (slab_move_.signal != SlabMove::Signal::kIdle) return ReassignResult::kRunning;
  if (src == dst) return ReassignResult::kSame;
  const int largest = slabs_.largest_class();
  if (src == -1) {
    // slabs_reassign_pick_any: the next class after the last one picked that
    // has a spare page.
    for (int tries = largest; tries > 0; --tries) {
      if (++reassign_any_cursor_ > largest) reassign_any_cursor_ = 1;
      if (reassign_any_cursor_ == dst) continue;
      if (slabs_.cls(reassign_any_cursor_).pages > 1) {
        src = reassign_any_cursor_;
        break;
      }
    }
  }
  if (src < kGlobalPagePool || src > largest || dst < kGlobalPagePool || dst > largest) {
    return ReassignResult::kBadClass;
  }
  if (slabs_.cls(src).pages < 2) return ReassignResult::kNoSpare;
  slab_move_.src = src;
  slab_move_.dst = dst;
  slab_move_.signal = SlabMove::Signal::kRequested;
  return ReassignResult::kOk;
}

void Cache::SlabMoveAfterRequest() {
  RunSlabMove(1);
}

void Cache::SlabMoveAtWake() {
  RunSlabMove(kSlabMoveMaxLoops + 2);
}

void Cache::RunSlabMove(uint32_t max_passes) {
  // Without slab_reassign memcached has no mover thread: a request made by
  // the automover stays pending for good.
  if (slab_move_.signal == SlabMove::Signal::kIdle || !settings_.slab_reassign) return;
  if (slab_move_.signal == SlabMove::Signal::kRequested && !StartSlabMove()) return;
  for (uint32_t pass = 0; pass < max_passes; ++pass) {
    if (SlabMovePass()) {
      FinishSlabMove();
      return;
    }
  }
}

// slab_rebalance_start: the source's first page, as it is now.
bool Cache::StartSlabMove() {
  SlabMove& move = slab_move_;
  if (slabs_.cls(move.src).pages < 2) {
    move = SlabMove{};
    return false;
  }
  move.page = slabs_.FirstPage(move.src);
  // A pool page holds no chunks: there is nothing to clear.
  move.completed.assign(move.src == kGlobalPagePool ? 0 : slabs_.cls(move.src).perslab, false);
  move.signal = SlabMove::Signal::kRunning;
  slab_move_stats_.running = true;
  return true;
}

// One pass over the page; true when it found nothing busy.
bool Cache::SlabMovePass() {
  SlabMove& move = slab_move_;
  for (uint32_t index = 0; index < move.completed.size(); ++index) {
    if (!move.completed[index]) SlabMoveChunk(index);
  }
  if (move.busy_items == 0) return true;
  slab_move_stats_.busy_items += move.busy_items;
  move.busy_items = 0;
  move.busy_loops++;
  return false;
}

// slab_rebalance_move for one chunk of the page.
void Cache::SlabMoveChunk(uint32_t index) {
  SlabMove& move = slab_move_;
  const ChunkId chunk = slabs_.PageChunk(move.page, index);
  const uint32_t owner = slabs_.owner(chunk);
  if (owner == kClearedChunkOwner) return;
  if (owner == kFreeChunkOwner) {
    slabs_.CutFree(chunk);
    move.completed[index] = true;
    return;
  }
  const ItemId id = owner & ~kDataChunkOwner;
  const bool data_chunk = (owner & kDataChunkOwner) != 0;
  Item& it = At(id);
  // Only a linked item held by nobody else can be moved; anything else is
  // busy (being written, or on its way to being freed, or in use).
  if (!it.linked || it.refcount != 1) {
    if (it.linked && move.busy_loops > kSlabMoveMaxLoops) {
      move.busy_deletes++;
      UnlinkLocked(id, HashOf(id));
    }
    move.busy_items++;
    return;
  }
  it.refcount++;  // the mover's own reference
  const RelTime now = clock_.now();
  ChunkId new_chunk = kNoChunk;
  if (!((it.exptime != 0 && it.exptime < now) || IsFlushed(it))) {
    new_chunk = SlabMoveAlloc();
    if (new_chunk == kNoChunk) move.evictions_nomem++;
  }
  if (new_chunk != kNoChunk) {
    if (!data_chunk) {
      // The copy is linked as a new item: a new cas, a new access time, the
      // head of its LRU.
      const uint32_t hash = HashOf(id);
      UnlinkLocked(id, hash);
      Link(id, hash);
      it.refcount--;
      it.chunk = new_chunk;
      slabs_.set_owner(new_chunk, id);
      move.rescues++;
    } else {
      std::vector<ChunkId>& chunks = data_chunks_[id];
      std::replace(chunks.begin(), chunks.end(), chunk, new_chunk);
      slabs_.set_owner(new_chunk, owner);
      it.refcount--;
      move.chunk_rescues++;
    }
    slabs_.set_owner(chunk, kClearedChunkOwner);
    move.completed[index] = true;
    return;
  }
  UnlinkLocked(id, HashOf(id));
  if (!data_chunk && !it.chunked) {
    // The chunk stays with the page, cleared; the item is gone.
    slabs_.set_owner(chunk, kClearedChunkOwner);
    Item::Destroy(items_[id]);
    items_[id] = nullptr;
    free_slots_.push_back(id);
    move.completed[index] = true;
  } else {
    // A chunked item goes back to the free lists whole; the next pass cuts
    // this page's chunks out of them.
    FreeItem(id);
    move.busy_items++;
  }
}

// slab_rebalance_alloc: a free chunk of the source class outside the page;
// chunks of the page met on the way are cleared.
ChunkId Cache::SlabMoveAlloc() {
  SlabMove& move = slab_move_;
  for (uint32_t tries = 0; tries < slabs_.cls(move.src).perslab; ++tries) {
    const ChunkId chunk = slabs_.AllocateNoNewPage(move.src);
    if (chunk == kNoChunk) return kNoChunk;
    if (!slabs_.InPage(chunk, move.page)) return chunk;
    move.inline_reclaim++;
  }
  return kNoChunk;
}

void Cache::FinishSlabMove() {
  const SlabMove& move = slab_move_;
  slabs_.MovePage(move.src, move.dst);
  SlabMoveStats& stats = slab_move_stats_;
  stats.slabs_moved++;
  stats.rescues += move.rescues;
  stats.chunk_rescues += move.chunk_rescues;
  stats.evictions_nomem += move.evictions_nomem;
  stats.inline_reclaim += move.inline_reclaim;
  stats.busy_deletes += move.busy_deletes;
  stats.running = false;
  slab_move_ = SlabMove{};
}

// The maintainer's automove check: once per clock second, or again at once
// after a page went back to the pool (memcached retries 1 ms later).
void Cache::Automove() {
  if (!automove_.started) AutomoveStart();  // when the maintainer starts
  if (settings_.slab_automove != 1 || automove_.last_check == clock_.now()) return;
  if (automove_.ratio != settings_.slab_automove_ratio) AutomoveStart();
  for (;;) {
    int src = -1;
    int dst = -1;
    AutomoveDecide(&src, &dst);
    if (src != -1 && dst != -1 && Reassign(src, dst) == ReassignResult::kOk) SlabMoveAtWake();
    if (dst != 0) {
      automove_.last_check = clock_.now();
      return;
    }
    if (slab_move_.signal != SlabMove::Signal::kIdle) return;
  }
}

void Cache::AutomoveStart() {
  automove_.started = true;
  automove_.ratio = settings_.slab_automove_ratio;
  automove_.window_size = settings_.slab_automove_window;
  automove_.window_cur = 0;
  // Windows only for the classes that exist (AutomoveDecide).
  automove_.windows = std::make_unique<SlabAutomove::Window[]>(size_t{automove_.window_size} *
                                                               (slabs_.largest_class() + 1));
  AutomoveFigures(&automove_.items_before, &automove_.slabs_before);
}

// fill_item_stats_automove and fill_slab_stats_automove.
void Cache::AutomoveFigures(std::array<SlabAutomove::ItemFigures, kMaxSlabClasses>* items,
                            std::array<SlabAutomove::SlabFigures, kMaxSlabClasses>* slabs) const {
  for (int n = 0; n < kMaxSlabClasses; ++n) {
    SlabAutomove::ItemFigures& item = (*items)[n];
    item.outofmemory = static_cast<int64_t>(lru_counters_[n][kHotLru].outofmemory);
    item.evicted = static_cast<int64_t>(lru_counters_[n][kColdLru].evicted);
    const ItemId tail = tails_[n][kColdLru];
    item.age = tail == kNoItem ? 0 : clock_.now() - items_[tail]->time;
    const SlabClass& cls = slabs_.cls(n);
    (*slabs)[n] = {cls.perslab, cls.free_chunks, cls.pages};
  }
}

// slab_automove_run: give a page of a class with plenty of free chunks and no
// recent activity back to the pool; else move a page from the class whose
// tail is oldest to the one evicting whose tail is youngest, when the young
// age is below `ratio` of the old one.
void Cache::AutomoveDecide(int* src, int* dst) {
  SlabAutomove& a = automove_;
  std::array<SlabAutomove::ItemFigures, kMaxSlabClasses> items_after;
  std::array<SlabAutomove::SlabFigures, kMaxSlabClasses> slabs_after;
  AutomoveFigures(&items_after, &slabs_after);
  uint64_t evicted_total = 0;
  for (int n = 1; n < kMaxSlabClasses; ++n) {
    evicted_total += static_cast<uint64_t>(items_after[n].evicted - a.items_before[n].evicted);
  }
  a.window_cur++;

  int oldest = -1;
  uint64_t oldest_age = 0;
  int youngest = -1;
  uint64_t youngest_age = UINT64_MAX;
  bool youngest_evicting = false;
  // memcached looks at all 63 classes; those above the largest never have a
  // page, an item or an eviction, so their windows would stay empty and pick
  // nothing.
  for (int n = 1; n <= slabs_.largest_class(); ++n) {
    SlabAutomove::Window* class_windows = &a.windows[size_t{a.window_size} * n];
    SlabAutomove::Window& wd = class_windows[a.window_cur % a.window_size];
    wd = {};
    const auto evicted_delta =
        static_cast<uint64_t>(items_after[n].evicted - a.items_before[n].evicted);
    if (evicted_delta > 0) {
      wd.evicted_ratio = static_cast<float>(evicted_delta) / static_cast<float>(evicted_total);
      wd.evicted_seen = 1;
      wd.dirty = 1;
    }
    if (items_after[n].outofmemory - a.items_before[n].outofmemory > 0) wd.dirty = 1;
    if (slabs_after[n].total_pages - a.slabs_before[n].total_pages > 0) wd.dirty = 1;
    wd.age = items_after[n].age;

    SlabAutomove::Window sum{};
    for (uint32_t x = 0; x < a.window_size; ++x) {
      sum.age += class_windows[x].age;
      sum.dirty += class_windows[x].dirty;
      sum.evicted_ratio += class_windows[x].evicted_ratio;
      sum.evicted_seen += class_windows[x].evicted_seen;
    }
    const uint64_t age = sum.age / a.window_size;

    if (static_cast<double>(slabs_after[n].free_chunks) >
            slabs_after[n].chunks_per_page * kMinPagesForReclaim &&
        sum.dirty == 0) {
      *src = n;
      *dst = 0;
      youngest = oldest = -1;
      break;
    }
    if (age > oldest_age && slabs_after[n].total_pages > kMinPagesForSource) {
      oldest = n;
      oldest_age = age;
    }
    if (age < youngest_age && (sum.evicted_seen > a.window_size / 2 ||
                               sum.evicted_ratio / static_cast<float>(a.window_size) > 0.25)) {
      youngest = n;
      youngest_age = age;
      youngest_evicting = wd.evicted_seen != 0;
    }
  }
  a.items_before = items_after;
  a.slabs_before = slabs_after;
  if (youngest != -1 && oldest != -1 && a.window_cur > a.window_size &&
      static_cast<double>(youngest_age) < static_cast<double>(oldest_age) * a.ratio &&
      youngest_evicting) {
    *src = oldest;
    *dst = youngest;
  }
}

}  // namespace mcspec::ref
