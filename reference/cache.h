// The item store of the reference server: items, the key index, the per-class
// LRU lists and memcached's storage semantics on top of the slab allocator.
//
// Each operation reproduces the memcached 1.6.18 function it is named after
// (item_alloc, item_get, do_store_item, do_add_delta, ...), including the
// reference counts that decide whether memory is freed at once, the LRU tail
// pull that reclaims expired items before evicting, and every counter those
// functions move. Single-threaded and deterministic: the only inputs are the
// calls and the clock.
//
// LRU modes: with `lru_segmented` off (`-o no_modern`) every class has one
// list (memcached's COLD); with it on, items enter HOT and the allocation path
// moves them as memcached's does. memcached's background maintainer is not
// run here (see the README: the segmented LRU's background work is modelled in
// a later step).
#ifndef MCSPEC_REFERENCE_CACHE_H_
#define MCSPEC_REFERENCE_CACHE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"
#include "settings.h"
#include "slab_allocator.h"
#include "slab_rebalance.h"
#include "stats.h"
#include "watch_log.h"

namespace mcspec::ref {

using ItemId = uint32_t;
inline constexpr ItemId kNoItem = UINT32_MAX;
inline constexpr int kLruTypes = 4;
enum Lru : uint8_t { kHotLru = 0, kWarmLru = 1, kColdLru = 2, kTempLru = 3 };
// memcached numbers its LRUs class | type << 6.
inline constexpr size_t kLruCount = size_t{kMaxSlabClasses} * kLruTypes;

// An item: its header, then its key, then its value followed by "\r\n", in
// one allocation as in memcached, so that the lookup which matches a key has
// already brought in the value it returns. The header is 48 bytes, memcached's
// own size: with the allocator's 8, a 16-byte key and a 100-byte value then
// fill a 176-byte block, less than the 192-byte chunk memcached gives the same
// item. To keep it there the key's hash is computed again when needed rather
// than stored, and a chunked item's data chunks live in the cache's side table.
struct Item {
  ItemId prev = kNoItem;
  ItemId next = kNoItem;
  ItemId h_next = kNoItem;  // the next item of its hash bucket
  uint32_t value_size = 0;  // memcached's nbytes: the value and its "\r\n"
  RelTime exptime = 0;
  RelTime time = 0;  // last access, for the LRU
  uint64_t cas = 0;
  uint32_t client_flags = 0;
  uint32_t refcount = 0;
  ChunkId chunk = kNoChunk;  // the chunk holding the item (its header)
  uint8_t nkey = 0;
  uint8_t clsid = 0;  // slab class whose LRU holds the item
  uint8_t lru = kColdLru;
  bool linked : 1 = false;
  bool fetched : 1 = false;
  bool active : 1 = false;
  // Meta protocol marks (memcached's ITEM_KEY_BINARY, ITEM_STALE and
  // ITEM_TOKEN_SENT): the key was given base64-encoded; the item was
  // invalidated by `md I`; a client was handed the recache token (W).
  bool key_binary : 1 = false;
  bool stale : 1 = false;
  bool token_sent : 1 = false;
  // A chunked (larger than slab_chunk_max) item: a header chunk (`chunk`, of
  // a smaller class than `clsid`) and data chunks (Cache::data_chunks).
  bool chunked : 1 = false;

  // A new item with room for `key` and a value of `nbytes` bytes.
  static Item* Create(std::string_view key, uint32_t nbytes);
  static void Destroy(Item* item);

  std::string_view key() const { return {bytes(), nkey}; }
  std::string_view value() const { return {bytes() + nkey, value_size}; }
  char* mutable_value() { return bytes() + nkey; }
  uint32_t nbytes() const { return value_size; }

 private:
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
};

static_assert(sizeof(Item) == 48, "the header size decides the items' resident memory");

// A key and its hash (memcached's hv), computed once per request.
struct KeyRef {
  std::string_view key;
  uint32_t hash;
};

enum class StoreCommand { kSet, kAdd, kReplace, kAppend, kPrepend, kCas };
// In memcached's order (its store_item_type), which watch lines rely on.
enum class StoreResult { kNotStored, kStored, kExists, kNotFound };
// A store's outcome as watchers see it: a StoreResult, or a refusal before
// the store (value too large, no memory).
enum class StoreOutcome { kNotStored, kStored, kExists, kNotFound, kTooLarge, kNoMemory };
enum class DeltaResult { kOk, kNonNumeric, kOutOfMemory, kNotFound, kCasMismatch };

class VerboseLog;

class Cache {
 public:
  Cache(const Settings& settings, const Clock& clock, CommandCounters& counters);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // item_alloc: a new unlinked item holding one reference, or kNoItem when
  // the size is too large or memory cannot be found (counted as outofmemory).
  ItemId Alloc(KeyRef key, uint32_t flags, RelTime exptime, uint32_t nbytes);
  // Alloc while the request holds the key's item lock (the LRU pull then
  // skips tail items sharing that lock).
  ItemId AllocHoldingLock(KeyRef key, uint32_t flags, RelTime exptime, uint32_t nbytes);
  // For a chunked item, allocates its data chunks as memcached does while the
  // value is read (each for the remaining bytes plus a chunk header, capped at
  // slab_chunk_max, falling back to a full-size chunk). False when memory
  // cannot be found; a no-op for ordinary items.
  bool AllocChunks(ItemId id);
  // item_size_ok: whether an item of this size has a slab class at all.
  bool ItemSizeOk(size_t nkey, uint32_t flags, uint32_t nbytes) const;
  // item_remove: drops one reference; the item is freed at zero.
  void Release(ItemId id);
  // item_get: the live item for `key` with one more reference, or kNoItem.
  // Expired and flushed items found on the way are unlinked and counted.
  ItemId Get(KeyRef key, bool update);
  // item_touch: Get, then set the new expiry.
  ItemId Touch(KeyRef key, RelTime exptime);
  // item_unlink. `key_hash` is the hash of the item's key (Key(key).hash),
  // which the request has already computed.
  void Unlink(ItemId id, uint32_t key_hash);
  // store_item: the `comm` semantics of a fully read item (its cas field is
  // the request's cas; `key_hash` its key's hash, as for Unlink). Returns the
  // outcome.
  // With `allow_stale` (ms I), a cas lower than the stored item's replaces it
  // and marks the new item stale. `*stored_cas`, if given, gets the cas of
  // the item stored (0 when nothing was).
  StoreResult Store(ItemId id, uint32_t key_hash, StoreCommand comm, bool allow_stale = false,
                    uint64_t* stored_cas = nullptr);
  // add_delta: incr/decr; `*result` gets the decimal result on kOk.
  // With `cas` given, a nonzero *cas must equal the item's (else
  // kCasMismatch) and *cas gets the new cas on kOk. With `changed` given, it
  // gets the item the delta was applied to, holding a reference: when the
  // result did not fit in place that is the old item, unlinked, carrying the
  // new cas (as memcached returns it).
  DeltaResult AddDelta(KeyRef key, bool incr, uint64_t delta, std::string* result,
                       uint64_t* cas = nullptr, ItemId* changed = nullptr);
  // do_item_bump: the fetch marks and LRU update of a hit, for requests that
  // looked the item up without them.
  void Bump(ItemId id);
  // `md I`: marks the item stale, clears its token and gives it a new cas.
  void MarkStale(ItemId id);
  // The key's hash as memcached computes it (murmur3, or jenkins).
  KeyRef Key(std::string_view key) const { return {key, HashKey(key)}; }
  // Events go to `log`'s watchers, attributed to connection `fd` (memcached
  // prints the client's file descriptor).
  void set_watch_log(WatchLog* log) { watch_log_ = log; }
  void set_connection_fd(int fd) { connection_fd_ = fd; }
  void set_verbose_log(VerboseLog* log) { verbose_log_ = log; }
  void LogStore(std::string_view key, StoreOutcome outcome, StoreCommand comm, const Item* it);
  // Hints for pipelined input, in three stages some requests apart: start
  // loading the index slot of a key; once that slot is cached, the item table
  // entry it names; once that is cached, the item. No effect on behaviour.
  void PrefetchSlot(uint32_t hash) const;
  void PrefetchEntry(uint32_t hash) const;
  void PrefetchItem(uint32_t hash) const;
  // Background work of memcached's LRU maintainer and crawler threads, as
  // deterministic steps (see lru_maintenance.cc):
  // - FinishRequest, after every request: the slab page mover's step;
  // - MaintainerWake, whenever the clock moves (and once at start): a juggle
  //   of every class, the queued COLD-hit bumps, the crawler's
  //   once-a-second schedule check and automove.
  void FinishRequest();
  void MaintainerWake();
  uint64_t maintainer_juggles() const { return maintainer_juggles_; }
  uint64_t lru_bumps_dropped() const { return lru_bumps_dropped_; }
  // COLD hits waiting for the maintainer; each holds a reference to its item,
  // which may meanwhile have been unlinked (replaced, deleted).
  const std::vector<ItemId>& deferred_bumps() const { return deferred_bumps_; }

  // Page moves (slab_rebalance.cc). slabs_reassign: requests a move of the
  // first page of class `src` (-1: any class with a spare page) to class
  // `dst` (0: the global page pool). The move runs after the request, as
  // memcached's mover thread would, and may be continued by later steps
  // while items in the page are busy.
  ReassignResult Reassign(int src, int dst);
  const SlabMoveStats& slab_move_stats() const { return slab_move_stats_; }

  // The LRU crawler. A crawl runs to completion at once, visiting LRUs in
  // memcached's round-robin order. `lrus[i]` selects LRU i (class | type << 6).
  enum class CrawlResult { kOk, kBadClass, kNotStarted, kError };
  using LruSet = std::array<bool, kLruCount>;
  // Parses "all" or a comma-separated class list ("hash" selects nothing).
  static std::optional<LruSet> CrawlTargets(std::string_view classes);
  // `lru_crawler crawl`: a manual crawl, whose figures memcached keeps apart
  // from the autocrawler's schedule.
  CrawlResult CrawlExpired(const LruSet& lrus, uint32_t remaining) {
    return CrawlExpired(lrus, remaining, false);
  }
  // `lru_crawler metadump`: one line per live item of the selected LRUs
  // (or of the whole hash table, in memcached's bucket order), then END.
  void Metadump(const LruSet* lrus, std::string* out);
  uint32_t crawler_starts() const { return crawler_starts_; }
  // flush_all [delay].
  void FlushAll(int32_t delay);

  Item& item(ItemId id) { return *items_[id]; }
  const Item& item(ItemId id) const { return *items_[id]; }
  // A chunked item's data chunks, in value order; empty for other items.
  const std::vector<ChunkId>& data_chunks(ItemId id) const;
  // memcached's it_flags bits for the item, as its diagnostics print them.
  uint32_t MemcachedItemFlags(const Item& it) const;
  // ITEM_ntotal: the size memcached accounts for an item.
  uint64_t TotalSize(const Item& it) const;

  const SlabAllocator& slabs() const { return slabs_; }
  SlabAllocator& slabs() { return slabs_; }
  const ItemTotals& totals() const { return totals_; }
  const LruCounters& lru_counters(int clsid, Lru lru) const { return lru_counters_[clsid][lru]; }
  uint32_t lru_items(int clsid, Lru lru) const { return lru_sizes_[clsid][lru]; }
  uint64_t lru_bytes(int clsid, Lru lru) const { return lru_bytes_[clsid][lru]; }
  ItemId lru_tail(int clsid, Lru lru) const { return tails_[clsid][lru]; }
  ItemId lru_head(int clsid, Lru lru) const { return heads_[clsid][lru]; }
  uint64_t cas_id() const { return cas_id_; }
  RelTime oldest_live() const { return oldest_live_; }
  // Whether an item last accessed at `time` with CAS unique `cas` is hidden
  // by flush_all now (memcached's item_is_flushed).
  bool IsFlushed(RelTime time, uint64_t cas) const;
  uint32_t hash_power() const { return hash_power_; }
  uint64_t hash_bytes() const;
  // The key index as it is, for consistency checks (invariants.h): the item
  // indexed under the key, expired or not, and how many items are indexed.
  ItemId FindIndexed(KeyRef key) const;
  size_t indexed_items() const;
  // The highest curr_bytes + hash_bytes() the store has held, for the
  // peak.allocated of `stats memory` (memory_report.h). Both grow only when
  // an item is linked, so that is where it is taken.
  uint64_t peak_bytes() const { return peak_bytes_; }
  // `stats sizes`: a histogram of item sizes in 32-byte buckets, kept only
  // while enabled, and only for items stored after it was enabled (memcached
  // tells them apart by cas). Enable/Disable append memcached's status lines.
  void EnableSizes(std::string* out);
  void DisableSizes(std::string* out);
  void AppendSizes(std::string* out) const;
  bool sizes_enabled() const { return !sizes_histogram_.empty(); }
  // `stats cachedump <class> <limit>`: the COLD LRU of a class, head first.
  void AppendCachedump(int clsid, uint32_t limit, int64_t process_started, std::string* out) const;
  // `stats reset` of the store: LRU counters and total_items.
  void ResetStats();
  // Calls fn(item) for each linked item of every LRU, head to tail, in class
  // order: a deterministic walk for checks and dumps.
  template <typename Fn>
  void ForEachLinked(Fn&& fn) const {
    for (int cls = 1; cls <= slabs_.largest_class(); ++cls) {
      for (int lru = 0; lru < kLruTypes; ++lru) {
        for (ItemId id = heads_[cls][lru]; id != kNoItem; id = items_[id]->next) fn(*items_[id]);
      }
    }
  }

 private:
  class KeyIndex;

  bool IsFlushed(const Item& it) const;
  enum FetchOutcome { kNotFound, kFound, kFlushed, kExpired };
  // memcached logs every item lookup, for every purpose, to fetch watchers
  // (of which there are usually none: the test is inline).
  void LogFetch(std::string_view key, FetchOutcome outcome, const Item* it) {
    if (watch_log_ != nullptr && watch_log_->Wants(WatchLog::kFetchers)) {
      LogFetchLine(key, outcome, it);
    }
  }
  void LogFetchLine(std::string_view key, FetchOutcome outcome, const Item* it);
  void LogEviction(const Item& it);
  void SizesAdd(const Item& it);
  void SizesRemove(const Item& it);
  uint32_t HashKey(std::string_view key) const;
  ChunkId AllocPull(int clsid);
  int PullTail(int clsid, Lru lru, uint64_t total_bytes, bool evict, RelTime max_age = 0);
  int Juggle(int clsid);
  void CrawlerCheck();
  CrawlResult CrawlExpired(const LruSet& lrus, uint32_t remaining, bool for_schedule);
  // Crawls the selected LRUs round-robin; `visit` sees each item the crawler
  // passes, in the order memcached's crawler passes them. `limit(i)` is how
  // many items LRU i's crawler may pass (0: all).
  template <typename Limit, typename Visit>
  void Crawl(const LruSet& lrus, Limit limit, Visit visit);
  void AppendMetadumpLine(const Item& it, std::string* out) const;
  // Items do not keep their key's hash. Requests pass the one they computed;
  // paths that reach an item by other means (the LRU tail, the crawler, the
  // page mover) compute it again with HashOf.
  uint32_t HashOf(ItemId id) const;
  void Link(ItemId id, uint32_t key_hash);
  void UnlinkLocked(ItemId id, uint32_t key_hash);
  void Replace(ItemId old_id, ItemId new_id, uint32_t key_hash);
  void Update(ItemId id);
  void LinkQ(ItemId id);
  void UnlinkQ(ItemId id);
  void FreeItem(ItemId id);
  // The page mover and automover (slab_rebalance.cc).
  void SlabMoveAfterRequest();
  void SlabMoveAtWake();
  void RunSlabMove(uint32_t max_passes);
  bool StartSlabMove();
  bool SlabMovePass();
  void SlabMoveChunk(uint32_t index);
  ChunkId SlabMoveAlloc();
  void FinishSlabMove();
  void Automove();
  void AutomoveDecide(int* src, int* dst);
  void AutomoveStart();
  void AutomoveFigures(std::array<SlabAutomove::ItemFigures, kMaxSlabClasses>* items,
                       std::array<SlabAutomove::SlabFigures, kMaxSlabClasses>* slabs) const;
  ItemId NewSlot();
  uint64_t NextCas() { return ++cas_id_; }

  const Settings& settings_;
  const Clock& clock_;
  CommandCounters& counters_;
  SlabAllocator slabs_;
  Item& At(ItemId id) { return *items_[id]; }

  std::vector<Item*> items_;  // owned; null for a free slot
  std::vector<ItemId> free_slots_;
  // Chunked items are rare and large: their chunk lists stay out of the header.
  std::map<ItemId, std::vector<ChunkId>> data_chunks_;
  std::unique_ptr<KeyIndex> index_;
  std::array<std::array<ItemId, kLruTypes>, kMaxSlabClasses> heads_;
  std::array<std::array<ItemId, kLruTypes>, kMaxSlabClasses> tails_;
  std::array<std::array<uint32_t, kLruTypes>, kMaxSlabClasses> lru_sizes_{};
  std::array<std::array<uint64_t, kLruTypes>, kMaxSlabClasses> lru_bytes_{};
  std::array<std::array<LruCounters, kLruTypes>, kMaxSlabClasses> lru_counters_{};
  ItemTotals totals_;
  std::vector<ItemId> deferred_bumps_;
  WatchLog* watch_log_ = nullptr;
  VerboseLog* verbose_log_ = nullptr;
  int connection_fd_ = 0;
  uint64_t maintainer_juggles_ = 0;
  // memcached's per-thread bump buffer holds 8192 entries.
  static constexpr size_t kBumpQueueSize = 8192;
  uint64_t lru_bumps_dropped_ = 0;
  uint32_t crawler_starts_ = 0;
  RelTime last_crawler_check_ = 0;
  // The autocrawler's schedule and the figures of its last crawl, per LRU.
  struct CrawlerLruStats {
    uint64_t seen = 0;
    uint64_t noexp = 0;
    uint64_t reclaimed = 0;
    // Live items by minutes left to expiry; allocated for the first item
    // counted, as most crawls (every LRU's, when the server starts) meet none.
    std::unique_ptr<std::array<uint64_t, 61>> histo;
    RelTime start_time = 0;
    RelTime end_time = 0;
    bool run_complete = false;
  };
  // Allocated by the first crawl: servers with -o no_modern never crawl.
  std::unique_ptr<std::array<CrawlerLruStats, kLruCount>> crawler_stats_;
  std::array<RelTime, kLruCount> next_crawls_{};
  std::array<RelTime, kLruCount> next_crawl_wait_{};
  // What the next check can skip: the earliest of next_crawls_, and whether
  // the last check started a crawl (whose LRUs then report and reschedule).
  RelTime earliest_next_crawl_ = 0;
  bool crawl_started_ = false;
  std::vector<uint32_t> sizes_histogram_;  // empty: `stats sizes` is off
  uint64_t sizes_cas_min_ = 0;
  uint32_t hash_power_;
  // memcached's item lock table: the mask of a key hash that picks the lock,
  // and the hash whose lock the current operation holds, if any.
  uint32_t item_lock_mask_;
  std::optional<uint32_t> held_lock_;
  uint64_t cas_id_ = 0;
  RelTime oldest_live_ = 0;
  uint64_t oldest_cas_ = 0;
  uint64_t peak_bytes_ = 0;
  SlabMove slab_move_;
  SlabMoveStats slab_move_stats_;
  SlabAutomove automove_;
  int reassign_any_cursor_ = 0;  // slabs_reassign_pick_any's last class
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_CACHE_H_
