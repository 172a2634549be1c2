#include "cache.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>
#include <new>

#include "key_hash.h"
#include "number_parse.h"
#include "verbose_log.h"
#include "watch_log.h"

namespace mcspec::ref {

// memcached's hash table: buckets, each the head of a chain of items linked
// through Item::h_next, newest first. A bucket holds an item id, half of
// memcached's pointer, so that the index costs no more than memcached's in
// memory (the goal is mcref's resident memory within 10% of memcached's).
// memcached has 2^hash_power buckets however few items it holds; the index
// has at most that many, and otherwise twice as many as it holds items (at
// least 2^10): which bucket holds an item is not observable, and a small
// table stays in the processor's caches (a lookup's first load was its most
// expensive with 2^16 buckets for a thousand keys). Items do not keep their
// key's hash: it is computed again to find an item's bucket.
class Cache::KeyIndex {
 public:
  KeyIndex(const Cache& cache, uint32_t max_power) : cache_(cache), max_power_(max_power) {
    Rehash(std::min(kMinPower, max_power));
  }

  size_t size() const { return count_; }

  ItemId Find(std::string_view key, uint32_t hash) const {
    for (ItemId id = buckets_[hash & mask_]; id != kNoItem;) {
      const Item& it = *cache_.items_[id];
      if (it.key() == key) return id;
      id = it.h_next;
    }
    return kNoItem;
  }

  void PrefetchSlot(uint32_t hash) const { __builtin_prefetch(&buckets_[hash & mask_]); }

  // The bucket's newest item, without comparing keys.
  ItemId Candidate(uint32_t hash) const { return buckets_[hash & mask_]; }

  // `hash` is the item's key's hash.
  void Insert(ItemId id, uint32_t hash) {
    PushFront(id, hash);
    ++count_;
    if (count_ * 2 > mask_ + 1 && power_ < max_power_) Rehash(power_ + 1);
  }

  // The cache's hash_power() grew: the bucket count may grow up to 2^power.
  void set_max_power(uint32_t power) {
    max_power_ = power;
    while (count_ * 2 > mask_ + 1 && power_ < max_power_) Rehash(power_ + 1);
  }

  void Erase(ItemId id, uint32_t hash) {
    const Item& item = *cache_.items_[id];
    assert(hash == cache_.HashOf(id));
    ItemId* link = &buckets_[hash & mask_];
    while (*link != id) link = &cache_.items_[*link]->h_next;
    *link = item.h_next;
    --count_;
  }

  // Spreads the chains over 2^power buckets.
  void Rehash(uint32_t power) {
    power_ = power;
    const std::unique_ptr<ItemId[]> old = std::move(buckets_);
    const size_t old_size = old ? mask_ + 1 : 0;
    const size_t size = size_t{1} << power;
    // Every byte of kNoItem is 0xff: the empty table is one memset, not a
    // loop over the buckets (which coverage instrumentation makes costly).
    static_assert(kNoItem == UINT32_MAX);
    buckets_ = std::make_unique_for_overwrite<ItemId[]>(size);
    std::memset(buckets_.get(), 0xff, size * sizeof(ItemId));
    mask_ = size - 1;
    for (size_t bucket = 0; bucket < old_size; ++bucket) {
      for (ItemId head = old[bucket]; head != kNoItem;) {
        const ItemId next = cache_.items_[head]->h_next;
        PushFront(head, cache_.HashOf(head));
        head = next;
      }
    }
  }

 private:
  static constexpr uint32_t kMinPower = 10;

  // Makes the item its bucket's newest.
  void PushFront(ItemId id, uint32_t hash) {
    Item& item = *cache_.items_[id];
    assert(hash == cache_.HashOf(id));
    ItemId& head = buckets_[hash & mask_];
    item.h_next = head;
    head = id;
  }

  const Cache& cache_;
  uint32_t max_power_;
  uint32_t power_ = 0;
  std::unique_ptr<ItemId[]> buckets_;  // 2^power_ of them
  size_t mask_ = 0;
  size_t count_ = 0;
};

namespace {
// memcached moves a hit item to the head of a flat LRU at most once a minute.
constexpr RelTime kItemUpdateInterval = 60;
// memcached's initial hash table has 2^16 buckets and grows when the number of
// items passes 1.5 times the bucket count.
constexpr uint32_t kHashPowerDefault = 16;

// memcached sizes its item lock table by the worker thread count.
uint32_t ItemLockMask(uint32_t threads) {
  uint32_t power = 15;
  if (threads < 3) {
    power = 10;
  } else if (threads < 4) {
    power = 11;
  } else if (threads < 5) {
    power = 12;
  } else if (threads <= 10) {
    power = 13;
  } else if (threads <= 20) {
    power = 14;
  }
  return (1u << power) - 1;
}
}  // namespace

Cache::Cache(const Settings& settings, const Clock& clock, CommandCounters& counters)
    : settings_(settings),
      clock_(clock),
      counters_(counters),
      slabs_(settings),
      hash_power_(settings.hashpower_init != 0 ? settings.hashpower_init : kHashPowerDefault),
      item_lock_mask_(ItemLockMask(settings.num_threads)) {
  index_ = std::make_unique<KeyIndex>(*this, hash_power_);
  for (auto& per_class : heads_) per_class.fill(kNoItem);
  for (auto& per_class : tails_) per_class.fill(kNoItem);
}

Cache::~Cache() {
  for (Item* item : items_) {
    if (item != nullptr) Item::Destroy(item);
  }
}

uint64_t Cache::TotalSize(const Item& it) const {
  return kItemHeaderSize + it.nkey + 1 + it.nbytes() + (it.client_flags != 0 ? 4 : 0) +
         (settings_.use_cas ? 8 : 0);
}

uint32_t Cache::MemcachedItemFlags(const Item& it) const {
  uint32_t flags = 0;
  if (it.linked) flags |= 1;               // ITEM_LINKED
  if (settings_.use_cas) flags |= 2;       // ITEM_CAS
  if (it.fetched) flags |= 8;              // ITEM_FETCHED
  if (it.active) flags |= 16;              // ITEM_ACTIVE
  if (it.chunked) flags |= 32;             // ITEM_CHUNKED
  if (it.client_flags != 0) flags |= 256;  // ITEM_CFLAGS
  if (it.token_sent) flags |= 512;         // ITEM_TOKEN_SENT
  if (it.stale) flags |= 2048;             // ITEM_STALE
  if (it.key_binary) flags |= 4096;        // ITEM_KEY_BINARY
  return flags;
}

uint32_t Cache::HashKey(std::string_view key) const {
  return settings_.hash_is_jenkins ? JenkinsHash(key) : Murmur3Hash(key);
}

ItemId Cache::FindIndexed(KeyRef key) const {
  return index_->Find(key.key, key.hash);
}

size_t Cache::indexed_items() const {
  return index_->size();
}

const std::vector<ChunkId>& Cache::data_chunks(ItemId id) const {
  static const std::vector<ChunkId> kNone;
  auto chunks = data_chunks_.find(id);
  return chunks == data_chunks_.end() ? kNone : chunks->second;
}

uint64_t Cache::hash_bytes() const {
  return (uint64_t{1} << hash_power_) * sizeof(void*);
}

bool Cache::IsFlushed(const Item& it) const {
  return IsFlushed(it.time, it.cas);
}

bool Cache::IsFlushed(RelTime time, uint64_t cas) const {
  if (oldest_live_ == 0 || oldest_live_ > clock_.now()) return false;
  return time <= oldest_live_ || (oldest_cas_ != 0 && cas != 0 && cas < oldest_cas_);
}

Item* Item::Create(std::string_view key, uint32_t nbytes) {
  void* block = ::operator new(sizeof(Item) + key.size() + nbytes);
  Item* item = new (block) Item();
  item->nkey = static_cast<uint8_t>(key.size());
  item->value_size = nbytes;
  std::memcpy(item->bytes(), key.data(), key.size());
  return item;
}

void Item::Destroy(Item* item) {
  item->~Item();
  ::operator delete(item);
}

ItemId Cache::NewSlot() {
  if (!free_slots_.empty()) {
    ItemId id = free_slots_.back();
    free_slots_.pop_back();
    return id;
  }
  items_.push_back(nullptr);
  return static_cast<ItemId>(items_.size() - 1);
}

bool Cache::ItemSizeOk(size_t nkey, uint32_t flags, uint32_t nbytes) const {
  if (nbytes < 2) return false;
  uint64_t ntotal = kItemHeaderSize + nkey + 1 + (flags != 0 ? 4 : 0) + uint64_t{nbytes} +
                    (settings_.use_cas ? 8 : 0);
  return slabs_.ClassFor(ntotal) != 0;
}

// do_item_alloc_pull: reclaim first (flat LRU), allocate, and on failure evict
// from the tail; up to ten rounds.
ChunkId Cache::AllocPull(int clsid) {
  int round = 0;
  ChunkId chunk = kNoChunk;
  for (; round < 10; ++round) {
    if (!settings_.lru_segmented) PullTail(clsid, kColdLru, 0, false);
    chunk = slabs_.Allocate(clsid);
    if (chunk != kNoChunk) break;
    if (PullTail(clsid, kColdLru, 0, true) <= 0) {
      if (settings_.lru_segmented) {
        PullTail(clsid, kHotLru, 0, false);
      } else {
        break;
      }
    }
  }
  if (round > 0) lru_counters_[clsid][kHotLru].direct_reclaims += round;
  return chunk;
}

// The data chunks of a chunked item, allocated as memcached allocates them
// while the value is read: each asks for the remaining bytes plus a chunk
// header, capped at slab_chunk_max, and falls back to a full-size chunk.
bool Cache::AllocChunks(ItemId id) {
  if (!At(id).chunked) return true;
  const uint64_t max = settings_.slab_chunk_size_max;
  uint64_t remaining = At(id).nbytes();
  while (remaining > 0) {
    uint64_t size = std::min<uint64_t>(remaining + kItemChunkHeaderSize, max);
    ChunkId chunk = AllocPull(slabs_.ClassFor(size));
    if (chunk == kNoChunk) {
      if (size == max) return false;
      size = max;
      chunk = AllocPull(slabs_.ClassFor(size));
      if (chunk == kNoChunk) return false;
    }
    slabs_.set_owner(chunk, id | kDataChunkOwner);
    data_chunks_[id].push_back(chunk);
    remaining -= std::min(remaining, size - kItemChunkHeaderSize);
  }
  return true;
}

ItemId Cache::Alloc(KeyRef ref, uint32_t flags, RelTime exptime, uint32_t nbytes) {
  const std::string_view key = ref.key;
  if (nbytes < 2) return kNoItem;
  const uint32_t nsuffix = flags != 0 ? 4 : 0;
  const uint32_t cas_size = settings_.use_cas ? 8 : 0;
  const uint64_t ntotal = kItemHeaderSize + key.size() + 1 + nsuffix + uint64_t{nbytes} + cas_size;
  const int clsid = slabs_.ClassFor(ntotal);
  if (clsid == 0) return kNoItem;

  int header_clsid = clsid;
  const bool chunked = ntotal > settings_.slab_chunk_size_max;
  if (chunked) {
    uint64_t htotal = key.size() + 1 + nsuffix + kItemHeaderSize + kItemChunkHeaderSize + cas_size;
    header_clsid = slabs_.ClassFor(htotal);
  }
  const ChunkId chunk = AllocPull(header_clsid);
  if (chunk == kNoChunk) {
    lru_counters_[clsid][kHotLru].outofmemory++;
    return kNoItem;
  }

  ItemId id = NewSlot();
  items_[id] = Item::Create(key, nbytes);
  slabs_.set_owner(chunk, id);
  Item& it = At(id);
  it.chunk = chunk;
  it.client_flags = flags;
  it.exptime = exptime;
  it.clsid = static_cast<uint8_t>(clsid);
  it.refcount = 1;
  if (settings_.temp_lru &&
      static_cast<RelTime>(exptime - clock_.now()) <= settings_.temporary_ttl) {
    it.lru = kTempLru;
  } else {
    it.lru = settings_.lru_segmented ? kHotLru : kColdLru;
  }
  it.chunked = chunked;
  return id;
}

ItemId Cache::AllocHoldingLock(KeyRef key, uint32_t flags, RelTime exptime, uint32_t nbytes) {
  held_lock_ = key.hash;
  const ItemId id = Alloc(key, flags, exptime, nbytes);
  held_lock_.reset();
  return id;
}

void Cache::FreeItem(ItemId id) {
  Item& it = At(id);
  if (it.chunk != kNoChunk) slabs_.Free(it.chunk);  // no chunk: evict_without_unlink
  if (it.chunked) {
    auto chunks = data_chunks_.find(id);
    if (chunks != data_chunks_.end()) {
      for (ChunkId chunk : chunks->second) slabs_.Free(chunk);
      data_chunks_.erase(chunks);
    }
  }
  Item::Destroy(items_[id]);
  items_[id] = nullptr;
  free_slots_.push_back(id);
}

void Cache::Release(ItemId id) {
  Item& it = At(id);
  if (--it.refcount == 0) FreeItem(id);
}

void Cache::LinkQ(ItemId id) {
  Item& it = At(id);
  ItemId& head = heads_[it.clsid][it.lru];
  ItemId& tail = tails_[it.clsid][it.lru];
  it.prev = kNoItem;
  it.next = head;
  if (head != kNoItem) At(head).prev = id;
  head = id;
  if (tail == kNoItem) tail = id;
  lru_sizes_[it.clsid][it.lru]++;
  lru_bytes_[it.clsid][it.lru] += TotalSize(it);
}

void Cache::UnlinkQ(ItemId id) {
  Item& it = At(id);
  ItemId& head = heads_[it.clsid][it.lru];
  ItemId& tail = tails_[it.clsid][it.lru];
  if (head == id) head = it.next;
  if (tail == id) tail = it.prev;
  if (it.next != kNoItem) At(it.next).prev = it.prev;
  if (it.prev != kNoItem) At(it.prev).next = it.next;
  it.prev = it.next = kNoItem;
  lru_sizes_[it.clsid][it.lru]--;
  lru_bytes_[it.clsid][it.lru] -= TotalSize(it);
}

uint32_t Cache::HashOf(ItemId id) const {
  return HashKey(items_[id]->key());
}

void Cache::Link(ItemId id, uint32_t key_hash) {
  Item& it = At(id);
  it.linked = true;
  it.time = clock_.now();
  totals_.curr_bytes += TotalSize(it);
  totals_.curr_items++;
  totals_.total_items++;
  // memcached grows its table on the next clock tick; the reference at once.
  const uint32_t power = hash_power_;
  while (totals_.curr_items > (uint64_t{3} << hash_power_) / 2) ++hash_power_;
  if (hash_power_ != power) {
    index_->set_max_power(hash_power_);
    // memcached's expansion thread announces its start and its end.
    if (verbose_log_ != nullptr && verbose_log_->enabled(2)) {
      verbose_log_->Write("Hash table expansion starting\nHash table expansion done\n");
    }
  }
  peak_bytes_ = std::max(peak_bytes_, totals_.curr_bytes + hash_bytes());
  it.cas = settings_.use_cas ? NextCas() : 0;
  index_->Insert(id, key_hash);
  LinkQ(id);
  it.refcount++;
  SizesAdd(it);
}

void Cache::UnlinkLocked(ItemId id, uint32_t key_hash) {
  Item& it = At(id);
  if (!it.linked) return;
  it.linked = false;
  totals_.curr_bytes -= TotalSize(it);
  totals_.curr_items--;
  SizesRemove(it);
  index_->Erase(id, key_hash);
  UnlinkQ(id);
  Release(id);
}

void Cache::Unlink(ItemId id, uint32_t key_hash) {
  UnlinkLocked(id, key_hash);
}

void Cache::Replace(ItemId old_id, ItemId new_id, uint32_t key_hash) {
  UnlinkLocked(old_id, key_hash);
  Link(new_id, key_hash);
}

// do_item_update: refresh the access time (segmented) or move to the head of
// the flat LRU, at most once per kItemUpdateInterval.
void Cache::Update(ItemId id) {
  Item& it = At(id);
  const RelTime now = clock_.now();
  if (settings_.lru_segmented) {
    if (!it.linked) return;
    if (it.lru == kColdLru && it.active) {
      it.time = now;
      UnlinkQ(id);
      it.lru = kWarmLru;
      it.active = false;
      LinkQ(id);
      lru_counters_[it.clsid][kWarmLru].moves_to_warm++;
    } else {
      it.time = now;
    }
  } else if (it.time < static_cast<RelTime>(now - kItemUpdateInterval)) {
    if (it.linked) {
      it.time = now;
      UnlinkQ(id);
      LinkQ(id);
    }
  }
}

// do_item_bump: fetch marks. In segmented mode memcached queues a COLD hit
// for its maintainer thread, which moves the item to WARM when it next runs
// (MaintainerWake); a full queue drops the bump and the item's active mark.
void Cache::Bump(ItemId id) {
  Item& it = At(id);
  if (settings_.lru_segmented) {
    if (it.active) return;
    if (!it.fetched) {
      it.fetched = true;
    } else {
      it.active = true;
      if (it.lru != kColdLru) {
        it.time = clock_.now();
      } else if (deferred_bumps_.size() >= kBumpQueueSize) {
        lru_bumps_dropped_++;
        it.active = false;
      } else {
        it.refcount++;
        deferred_bumps_.push_back(id);
      }
    }
  } else {
    it.fetched = true;
    Update(id);
  }
}

ItemId Cache::Get(KeyRef key, bool update) {
  ItemId id = index_->Find(key.key, key.hash);
  if (id == kNoItem) {
    LogFetch(key.key, kNotFound, nullptr);
    return kNoItem;
  }
  Item& it = At(id);
  it.refcount++;
  if (IsFlushed(it)) {
    UnlinkLocked(id, key.hash);
    Release(id);
    counters_.get_flushed++;
    LogFetch(key.key, kFlushed, nullptr);
    return kNoItem;
  }
  const bool expired =
      settings_.injected_bugs.late_expiry ? it.exptime < clock_.now() : it.exptime <= clock_.now();
  if (it.exptime != 0 && expired) {
    UnlinkLocked(id, key.hash);
    Release(id);
    counters_.get_expired++;
    LogFetch(key.key, kExpired, nullptr);
    return kNoItem;
  }
  if (update) Bump(id);
  LogFetch(key.key, kFound, &it);
  return id;
}

void Cache::LogFetchLine(std::string_view key, FetchOutcome outcome, const Item* it) {
  static constexpr std::string_view kStatus[] = {"not_found", "found", "flushed", "expired"};
  std::string body = "type=item_get key=";
  AppendUriEncoded(key, &body);
  body.append(" status=").append(kStatus[outcome]);
  body.append(" clsid=").append(std::to_string(it != nullptr ? it->clsid : 0));
  body.append(" cfd=").append(std::to_string(connection_fd_));
  body.append(" size=").append(std::to_string(it != nullptr ? it->nbytes() - 2 : 0));
  watch_log_->Log(WatchLog::kFetchers, clock_.unix_now(), body);
}

void Cache::LogStore(std::string_view key, StoreOutcome outcome, StoreCommand comm,
                     const Item* it) {
  if (watch_log_ == nullptr || !watch_log_->Wants(WatchLog::kMutations)) return;
  static constexpr std::string_view kStatus[] = {"not_stored", "stored",    "exists",
                                                 "not_found",  "too_large", "no_memory"};
  static constexpr std::string_view kCommand[] = {"set",    "add",     "replace",
                                                  "append", "prepend", "cas"};
  // memcached prints the remaining ttl as unsigned, so a past exptime wraps.
  const RelTime ttl = it != nullptr && it->exptime != 0 ? it->exptime - clock_.now() : 0;
  std::string body = "type=item_store key=";
  AppendUriEncoded(key, &body);
  body.append(" status=").append(kStatus[static_cast<int>(outcome)]);
  body.append(" cmd=").append(kCommand[static_cast<int>(comm)]);
  body.append(" ttl=").append(std::to_string(ttl));
  if (it != nullptr) {
    body.append(" clsid=").append(std::to_string(it->clsid));
    body.append(" cfd=").append(std::to_string(connection_fd_));
  } else {
    // memcached passes one argument too few for a refused value, so its line
    // shows the connection's fd as clsid and an uninitialised cfd; the
    // reference prints 0 for the latter.
    body.append(" clsid=").append(std::to_string(connection_fd_)).append(" cfd=0");
  }
  body.append(" size=").append(std::to_string(it != nullptr ? it->nbytes() - 2 : 0));
  watch_log_->Log(WatchLog::kMutations, clock_.unix_now(), body);
}

void Cache::LogEviction(const Item& it) {
  if (watch_log_ == nullptr || !watch_log_->Wants(WatchLog::kEvictions)) return;
  const RelTime now = clock_.now();
  std::string body = "type=eviction key=";
  AppendUriEncoded(it.key(), &body);
  body.append(" fetch=").append(it.fetched ? "yes" : "no");
  body.append(" ttl=").append(
      it.exptime > 0 ? std::to_string(static_cast<int64_t>(static_cast<RelTime>(it.exptime - now)))
                     : "-1");
  body.append(" la=").append(std::to_string(static_cast<int32_t>(now - it.time)));
  body.append(" clsid=").append(std::to_string(it.clsid));
  body.append(" size=").append(std::to_string(it.nbytes() - 2));
  watch_log_->Log(WatchLog::kEvictions, clock_.unix_now(), body);
}

ItemId Cache::Touch(KeyRef key, RelTime exptime) {
  ItemId id = Get(key, true);
  if (id != kNoItem) At(id).exptime = exptime;
  return id;
}

// lru_pull_tail: walks up to five items from the tail of one LRU. Expired or
// flushed items are reclaimed and the walk goes on; otherwise the first item
// decides: evicted (COLD, when asked), moved between segments, or left.
int Cache::PullTail(int clsid, Lru lru, uint64_t total_bytes, bool evict, RelTime max_age) {
  int removed = 0;
  ItemId found = kNoItem;
  Lru move_to = lru;
  bool move = false;
  uint64_t limit = 0;
  LruCounters& counters = lru_counters_[clsid][lru];
  const RelTime now = clock_.now();
  ItemId search = tails_[clsid][lru];
  for (int tries = 5; tries > 0 && search != kNoItem; --tries) {
    Item& it = At(search);
    const ItemId next = it.prev;
    // The caller may hold the item lock of its own key; memcached's trylock
    // then fails for every item sharing that lock, and the item is skipped.
    if (held_lock_ && (HashKey(it.key()) & item_lock_mask_) == (*held_lock_ & item_lock_mask_)) {
      search = next;
      continue;
    }
    // memcached takes a reference; anything but its own plus the link's means
    // someone else holds the item (it is still reclaimed or evicted).
    if (++it.refcount != 2) counters.lrutail_reflocked++;

    if ((it.exptime != 0 && it.exptime < now) || IsFlushed(it)) {
      counters.reclaimed++;
      if (!it.fetched) counters.expired_unfetched++;
      UnlinkLocked(search, HashOf(search));
      Release(search);
      removed++;
      search = next;
      continue;
    }

    switch (lru) {
      case kHotLru:
        limit = total_bytes * settings_.hot_lru_pct / 100;
        [[fallthrough]];
      case kWarmLru:
        if (limit == 0) limit = total_bytes * settings_.warm_lru_pct / 100;
        if (it.active) {
          it.active = false;
          removed++;
          if (lru == kWarmLru) {
            counters.moves_within_lru++;
            UnlinkQ(search);
            LinkQ(search);
            Release(search);
          } else {
            counters.moves_to_warm++;
            move = true;
            move_to = kWarmLru;
            UnlinkQ(search);
            found = search;
          }
        } else if (lru_bytes_[clsid][lru] > limit || now - it.time > max_age) {
          counters.moves_to_cold++;
          move = true;
          move_to = kColdLru;
          UnlinkQ(search);
          found = search;
          removed++;
        } else {
          found = search;
        }
        break;
      case kColdLru:
        found = search;
        if (evict) {
          if (!settings_.evict_to_free) break;
          counters.evicted++;
          counters.evicted_time = now - it.time;
          if (it.exptime != 0) counters.evicted_nonzero++;
          if (!it.fetched) counters.evicted_unfetched++;
          if (it.active) counters.evicted_active++;
          LogEviction(it);
          removed++;
          if (settings_.injected_bugs.evict_without_unlink && !it.chunked && it.chunk != kNoChunk) {
            // The chunk goes back to the allocator for the next item while
            // the item stays in the index, moved to the LRU head.
            slabs_.Free(it.chunk);
            it.chunk = kNoChunk;
            UnlinkQ(search);
            LinkQ(search);
            break;
          }
          UnlinkLocked(search, HashOf(search));
          if (settings_.slab_automove == 2) Reassign(-1, clsid);
        } else if (it.active && settings_.lru_segmented) {
          counters.moves_to_warm++;
          it.active = false;
          move = true;
          move_to = kWarmLru;
          UnlinkQ(search);
          removed++;
        }
        break;
      case kTempLru:
        found = search;
        break;
    }
    if (found != kNoItem) break;
    search = next;
  }

  if (found != kNoItem) {
    if (move) {
      At(found).lru = move_to;
      LinkQ(found);
    }
    Release(found);
  }
  return removed;
}

StoreResult Cache::Store(ItemId id, uint32_t key_hash, StoreCommand comm, bool allow_stale,
                         uint64_t* stored_cas) {
  Item* it = &At(id);
  const KeyRef ref{it->key(), key_hash};
  ItemId old_id = Get(ref, false);
  StoreResult stored = StoreResult::kNotStored;
  ItemId new_id = kNoItem;
  ItemId store_id = id;
  bool do_store = false;

  if (old_id != kNoItem) {
    enum class CasResult { kNone, kMatch, kBadVal, kStale } cas_res;
    const uint64_t it_cas = it->cas;
    const uint64_t old_cas = At(old_id).cas;
    if (it_cas == 0) {
      cas_res = CasResult::kNone;
    } else if (it_cas == old_cas ||
               (settings_.injected_bugs.cas_off_by_one && it_cas + 1 == old_cas)) {
      cas_res = CasResult::kMatch;
    } else if (allow_stale && it_cas < old_cas) {
      cas_res = CasResult::kStale;
    } else {
      cas_res = CasResult::kBadVal;
    }
    switch (comm) {
      case StoreCommand::kAdd:
        Update(old_id);
        break;
      case StoreCommand::kCas:
        if (cas_res == CasResult::kMatch) {
          counters_.slab[At(old_id).clsid].cas_hits++;
          do_store = true;
        } else if (cas_res == CasResult::kStale) {
          // An older value may replace the item, staying stale with its TTL
          // and its token.
          it->exptime = At(old_id).exptime;
          it->stale = true;
          it->token_sent = it->token_sent || At(old_id).token_sent;
          counters_.slab[At(old_id).clsid].cas_hits++;
          do_store = true;
        } else {
          counters_.slab[At(old_id).clsid].cas_badval++;
          if (verbose_log_ != nullptr && verbose_log_->enabled(2)) {
            verbose_log_->Write("CAS:  failure: expected " + std::to_string(At(old_id).cas) +
                                ", got " + std::to_string(it->cas) + "\n");
          }
          stored = StoreResult::kExists;
        }
        break;
      case StoreCommand::kAppend:
      case StoreCommand::kPrepend: {
        if (cas_res != CasResult::kNone && cas_res != CasResult::kMatch) {
          stored = StoreResult::kExists;
          break;
        }
        if (settings_.injected_bugs.lost_append && comm == StoreCommand::kAppend) {
          stored = StoreResult::kStored;
          break;
        }
        const std::string key(it->key());
        const uint32_t flags = At(old_id).client_flags;
        const RelTime exptime = At(old_id).exptime;
        const uint32_t nbytes = it->nbytes() + At(old_id).nbytes() - 2;
        held_lock_ = ref.hash;
        new_id = Alloc(KeyRef{key, ref.hash}, flags, exptime, nbytes);
        if (new_id != kNoItem && !AllocChunks(new_id)) {
          Release(new_id);
          new_id = kNoItem;
        }
        held_lock_.reset();
        if (new_id == kNoItem) break;
        const Item& old_item = At(old_id);
        const Item& add_item = At(id);
        const Item& first = comm == StoreCommand::kAppend ? old_item : add_item;
        const Item& second = comm == StoreCommand::kAppend ? add_item : old_item;
        char* out = At(new_id).mutable_value();
        std::memcpy(out, first.value().data(), first.nbytes() - 2);
        std::memcpy(out + first.nbytes() - 2, second.value().data(), second.nbytes());
        store_id = new_id;
        do_store = true;
        break;
      }
      case StoreCommand::kReplace:
      case StoreCommand::kSet:
        do_store = true;
        break;
    }
    if (do_store) {
      Replace(old_id, store_id, key_hash);
      stored = StoreResult::kStored;
    }
    Release(old_id);
    if (new_id != kNoItem) Release(new_id);
  } else {
    switch (comm) {
      case StoreCommand::kAdd:
      case StoreCommand::kSet:
        do_store = true;
        break;
      case StoreCommand::kCas:
        stored = StoreResult::kNotFound;
        counters_.cas_misses++;
        break;
      case StoreCommand::kReplace:
      case StoreCommand::kAppend:
      case StoreCommand::kPrepend:
        break;
    }
    if (do_store) {
      Link(id, key_hash);
      stored = StoreResult::kStored;
    }
  }
  if (stored_cas != nullptr) *stored_cas = stored == StoreResult::kStored ? At(store_id).cas : 0;
  const Item& logged = At(store_id);
  LogStore(logged.key(), static_cast<StoreOutcome>(stored), comm, &logged);
  return stored;
}

DeltaResult Cache::AddDelta(KeyRef key, bool incr, uint64_t delta, std::string* result,
                            uint64_t* cas, ItemId* changed) {
  ItemId id = Get(key, false);
  if (id == kNoItem) return DeltaResult::kNotFound;
  if (At(id).nbytes() <= 2 || At(id).chunked) {
    Release(id);
    return DeltaResult::kNonNumeric;
  }
  if (cas != nullptr && *cas != 0 && At(id).cas != *cas) {
    Release(id);
    return DeltaResult::kCasMismatch;
  }
  // memcached hands safe_strtoull the item's data, which is not NUL-terminated:
  // for a number of 2^63 or more its strchr(data, '-') reads past the value's
  // "\r\n" into whatever follows in memory, and the delta fails as non-numeric
  // when a '-' lies there before a NUL. The reference answers as memcached does
  // when none does (a fresh chunk); differential_test.cc avoids that case.
  std::optional<uint64_t> parsed = ParseU64(At(id).value());
  if (!parsed) {
    Release(id);
    return DeltaResult::kNonNumeric;
  }
  uint64_t value = *parsed;
  if (incr) {
    value += delta;
    counters_.slab[At(id).clsid].incr_hits++;
  } else {
    value = delta > value ? 0 : value - delta;
    counters_.slab[At(id).clsid].decr_hits++;
  }
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;
  result->assign(buf, end);
  const size_t res = result->size();

  Item& it = At(id);
  if (res + 2 <= it.nbytes() && it.refcount == 2) {
    // In place: the digits, then spaces up to the old length.
    SizesRemove(it);
    it.cas = settings_.use_cas ? NextCas() : 0;
    SizesAdd(it);
    char* value = it.mutable_value();
    std::copy(result->begin(), result->end(), value);
    std::fill(value + res, value + it.nbytes() - 2, ' ');
    Update(id);
  } else {
    const std::string item_key(it.key());
    held_lock_ = key.hash;
    ItemId new_id = Alloc(KeyRef{item_key, key.hash}, it.client_flags, it.exptime,
                          static_cast<uint32_t>(res + 2));
    held_lock_.reset();
    if (new_id == kNoItem) {
      Release(id);
      return DeltaResult::kOutOfMemory;
    }
    char* value = At(new_id).mutable_value();
    std::memcpy(value, result->data(), res);
    std::memcpy(value + res, "\r\n", 2);
    Replace(id, new_id, key.hash);
    At(id).cas = settings_.use_cas ? At(new_id).cas : 0;
    Release(new_id);
  }
  if (cas != nullptr) *cas = At(id).cas;
  if (changed != nullptr) {
    *changed = id;
  } else {
    Release(id);
  }
  return DeltaResult::kOk;
}

void Cache::MarkStale(ItemId id) {
  Item& it = At(id);
  it.stale = true;
  it.token_sent = false;
  it.cas = settings_.use_cas ? NextCas() : 0;
}

void Cache::FlushAll(int32_t delay) {
  const RelTime new_oldest = delay > 0 ? clock_.Realtime(delay) : clock_.now();
  if (settings_.use_cas) {
    oldest_live_ = new_oldest - 1;
    if (oldest_live_ <= clock_.now()) oldest_cas_ = NextCas();
  } else {
    oldest_live_ = new_oldest;
  }
}

void Cache::PrefetchSlot(uint32_t hash) const {
  index_->PrefetchSlot(hash);
}

void Cache::PrefetchEntry(uint32_t hash) const {
  const ItemId id = index_->Candidate(hash);
  if (id != kNoItem) __builtin_prefetch(&items_[id]);
}

void Cache::PrefetchItem(uint32_t hash) const {
  const ItemId id = index_->Candidate(hash);
  if (id == kNoItem) return;
  const Item* item = items_[id];
  // The header, the key and the start of the value. Reading the item's size
  // here would wait for the very load being started, so the span is fixed.
  const char* block = reinterpret_cast<const char*>(item);
  for (size_t offset = 0; offset < 256; offset += 64) __builtin_prefetch(block + offset);
}

void Cache::SizesAdd(const Item& it) {
  if (sizes_histogram_.empty() || sizes_cas_min_ > it.cas) return;
  const uint64_t bucket = (TotalSize(it) + 31) / 32;
  if (bucket < sizes_histogram_.size()) sizes_histogram_[bucket]++;
}

void Cache::SizesRemove(const Item& it) {
  if (sizes_histogram_.empty() || sizes_cas_min_ > it.cas) return;
  const uint64_t bucket = (TotalSize(it) + 31) / 32;
  if (bucket < sizes_histogram_.size()) sizes_histogram_[bucket]--;
}

void Cache::EnableSizes(std::string* out) {
  if (!settings_.use_cas) {
    out->append("STAT sizes_status error\r\nSTAT sizes_error cas_support_disabled\r\n");
    return;
  }
  if (sizes_histogram_.empty()) {
    sizes_histogram_.assign(settings_.item_size_max / 32 + 1, 0);
    sizes_cas_min_ = NextCas();
  }
  out->append("STAT sizes_status enabled\r\n");
}

void Cache::DisableSizes(std::string* out) {
  sizes_histogram_.clear();
  sizes_histogram_.shrink_to_fit();
  out->append("STAT sizes_status disabled\r\n");
}

void Cache::AppendSizes(std::string* out) const {
  if (sizes_histogram_.empty()) {
    out->append("STAT sizes_status disabled\r\n");
  }
  for (size_t i = 0; i < sizes_histogram_.size(); ++i) {
    if (sizes_histogram_[i] == 0) continue;
    out->append("STAT ").append(std::to_string(i * 32)).append(" ");
    out->append(std::to_string(sizes_histogram_[i])).append("\r\n");
  }
  out->append("END\r\n");
}

void Cache::AppendCachedump(int clsid, uint32_t limit, int64_t process_started,
                            std::string* out) const {
  // memcached caps the reply at 2 MB.
  constexpr size_t kMaxReply = size_t{2} * 1024 * 1024;
  const size_t start = out->size();
  uint32_t shown = 0;
  for (ItemId id = heads_[clsid][kColdLru]; id != kNoItem && (limit == 0 || shown < limit);
       id = items_[id]->next) {
    const Item& it = *items_[id];
    if (it.key_binary) continue;  // memcached does not print binary keys
    std::string line = "ITEM ";
    line.append(it.key()).append(" [").append(std::to_string(it.nbytes() - 2)).append(" b; ");
    line.append(std::to_string(it.exptime == 0 ? 0 : it.exptime + process_started));
    line.append(" s]\r\n");
    if (out->size() - start + line.size() + 6 > kMaxReply) break;
    out->append(line);
    ++shown;
  }
  out->append("END\r\n");
}

void Cache::ResetStats() {
  for (auto& per_class : lru_counters_) per_class.fill(LruCounters{});
  totals_.total_items = 0;
  slab_move_stats_ = SlabMoveStats{.running = slab_move_stats_.running};
}

}  // namespace mcspec::ref
