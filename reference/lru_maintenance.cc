// The background work of memcached 1.6.18's LRU maintainer and LRU crawler
// threads, run as deterministic steps of the reference's Cache.
//
// memcached's maintainer thread wakes every 1 ms to 1 s. Each wake it
// juggles every slab class's HOT/WARM/COLD lists (lru_maintainer_juggle),
// applies the COLD hits that worker threads queued, and once a second checks
// whether the crawler should scan some LRUs for expired items. The crawler
// thread then walks the chosen LRUs from their tails, one item per LRU in
// turn. The reference runs the same rules at fixed points instead of on
// timers:
// - after each request: the queued bumps, then a juggle of each class the
//   request allocated in (a busy memcached keeps its lists juggled between
//   allocations the same way);
// - whenever the clock moves, and once when the server starts: one wake,
//   which juggles every class and runs the crawler check;
// - a crawl runs to completion when it starts.
// What differs from memcached is only when these steps happen, not what they
// do; with `-o no_modern` none of them runs, as in memcached.
#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "cache.h"
#include "number_parse.h"
#include "verbose_log.h"
#include "watch_log.h"

namespace mcspec::ref {
namespace {

constexpr int kLruSlots = static_cast<int>(kLruCount);
constexpr int kMaxJuggleRounds = 500;
// memcached crawls every class at least once an hour.
constexpr RelTime kMaxCrawlWait = 60 * 60;

int LruIndex(int clsid, int lru) {
  return clsid | (lru << 6);
}

}  // namespace

void Cache::FinishRequest() {
  SlabMoveAfterRequest();
}

// One round of memcached's maintainer thread, in its order: juggle every
// class, apply the queued COLD hits, check the crawler, run automove.
void Cache::MaintainerWake() {
  SlabMoveAtWake();  // memcached's page mover is a thread of its own
  if (!settings_.lru_maintainer_thread) return;
  maintainer_juggles_++;
  for (int clsid = 1; clsid < kMaxSlabClasses; ++clsid) {
    // A class without items has nothing to juggle (most classes, most wakes).
    const std::array<uint32_t, kLruTypes>& sizes = lru_sizes_[clsid];
    if (sizes[kHotLru] + sizes[kWarmLru] + sizes[kColdLru] + sizes[kTempLru] != 0) Juggle(clsid);
  }
  for (ItemId id : deferred_bumps_) {
    Update(id);
    Release(id);
  }
  deferred_bumps_.clear();
  if (settings_.lru_crawler && last_crawler_check_ != clock_.now()) {
    CrawlerCheck();
    last_crawler_check_ = clock_.now();
  }
  Automove();
}

// lru_maintainer_juggle: reclaim from TEMP, then move items out of HOT and
// WARM while those are over their share of the class's bytes or older than
// their share of COLD's age, and rescue active COLD items into WARM.
int Cache::Juggle(int clsid) {
  int did_moves = 0;
  if (settings_.temp_lru) {
    for (int round = 0; round < kMaxJuggleRounds; ++round) {
      if (PullTail(clsid, kTempLru, 0, false) <= 0) break;
      did_moves++;
    }
  }
  RelTime hot_age = 0;
  RelTime warm_age = 0;
  uint64_t total_bytes = 0;
  if (settings_.lru_segmented) {
    RelTime cold_age = 0;
    const ItemId cold_tail = tails_[clsid][kColdLru];
    if (cold_tail != kNoItem) cold_age = clock_.now() - items_[cold_tail]->time;
    hot_age = static_cast<RelTime>(cold_age * settings_.hot_max_factor);
    warm_age = static_cast<RelTime>(cold_age * settings_.warm_max_factor);
    total_bytes =
        lru_bytes_[clsid][kColdLru] + lru_bytes_[clsid][kHotLru] + lru_bytes_[clsid][kWarmLru];
  }
  for (int round = 0; round < kMaxJuggleRounds; ++round) {
    int do_more = 0;
    if (PullTail(clsid, kHotLru, total_bytes, false, hot_age) != 0 ||
        PullTail(clsid, kWarmLru, total_bytes, false, warm_age) != 0) {
      do_more++;
    }
    if (settings_.lru_segmented) do_more += PullTail(clsid, kColdLru, total_bytes, false);
    if (do_more == 0) break;
    did_moves++;
  }
  return did_moves;
}

// lru_maintainer_crawler_check: from the last crawl's figures, decide when
// each LRU is crawled next (sooner when more than 1% of its expirable items
// would expire soon, up to an hour later when nothing would), and start a
// crawl of the LRUs whose time has come.
void Cache::CrawlerCheck() {
  const RelTime now = clock_.now();
  if (!crawler_stats_) crawler_stats_ = std::make_unique<std::array<CrawlerLruStats, kLruCount>>();
  // Most checks find nothing to report and no LRU due: they skip the walk.
  if (!crawl_started_ && now <= earliest_next_crawl_) return;
  LruSet todo{};
  bool do_run = false;
  uint32_t tocrawl_limit = 0;
  for (int i = 1; i < kLruSlots; ++i) {
    CrawlerLruStats& s = (*crawler_stats_)[i];
    if (s.run_complete) {
      const uint64_t possible_reclaims = s.seen - s.noexp;
      const uint64_t low_watermark = possible_reclaims / 100 + 1;
      uint64_t available_reclaims = 0;
      for (RelTime minute = 0; s.histo && minute < 60; ++minute) {
        available_reclaims += (*s.histo)[minute];
        if (available_reclaims > low_watermark) {
          if (next_crawl_wait_[i] < minute * 60) {
            next_crawl_wait_[i] += 60;
          } else if (next_crawl_wait_[i] >= 60) {
            next_crawl_wait_[i] -= 60;
          }
          break;
        }
      }
      if (available_reclaims == 0) next_crawl_wait_[i] += 60;
      next_crawl_wait_[i] = std::min(next_crawl_wait_[i], kMaxCrawlWait);
      next_crawls_[i] = now + next_crawl_wait_[i] + 5;
      if (watch_log_ != nullptr && watch_log_->Wants(WatchLog::kSysEvents)) {
        static constexpr std::string_view kLruNames[] = {"hot", "warm", "cold", "temp"};
        std::string body = "type=lru_crawler crawler=" + std::to_string(i & 63);
        body.append(" lru=").append(kLruNames[i >> 6]);
        body.append(" low_mark=").append(std::to_string(low_watermark));
        body.append(" next_reclaims=").append(std::to_string(available_reclaims));
        body.append(" since_run=").append(std::to_string(static_cast<RelTime>(now - s.end_time)));
        body.append(" next_run=")
            .append(std::to_string(static_cast<int32_t>(next_crawls_[i] - now)));
        body.append(" elapsed=")
            .append(std::to_string(static_cast<RelTime>(s.end_time - s.start_time)));
        body.append(" examined=").append(std::to_string(s.seen));
        body.append(" reclaimed=").append(std::to_string(s.reclaimed));
        watch_log_->Log(WatchLog::kSysEvents, clock_.unix_now(), body);
      }
      s.run_complete = false;
    }
    if (now > next_crawls_[i]) {
      tocrawl_limit = std::max(tocrawl_limit, lru_sizes_[i & 63][i >> 6]);
      todo[i] = true;
      do_run = true;
      next_crawls_[i] = now + 5;
    }
  }
  earliest_next_crawl_ = *std::min_element(next_crawls_.begin() + 1, next_crawls_.end());
  crawl_started_ = do_run;
  if (!do_run) return;
  if (settings_.lru_crawler_tocrawl != 0 && settings_.lru_crawler_tocrawl < tocrawl_limit) {
    tocrawl_limit = settings_.lru_crawler_tocrawl;
  }
  // An automatic crawl keeps the figures the next check plans from.
  for (CrawlerLruStats& stats : *crawler_stats_) {
    stats = CrawlerLruStats{};
    stats.start_time = now;
  }
  CrawlExpired(todo, tocrawl_limit, true);
  for (int i = 1; i < kLruSlots; ++i) {
    if (!todo[i]) continue;
    (*crawler_stats_)[i].end_time = now;
    (*crawler_stats_)[i].run_complete = true;
  }
}

std::optional<Cache::LruSet> Cache::CrawlTargets(std::string_view classes) {
  LruSet lrus{};
  if (classes == "all") {
    lrus.fill(true);
    return lrus;
  }
  if (classes == "hash") return lrus;
  while (!classes.empty()) {
    const size_t comma = classes.find(',');
    const std::string_view token = classes.substr(0, comma);
    if (!token.empty()) {
      std::optional<uint32_t> clsid = ParseU32(token);
      if (!clsid || *clsid < 1 || *clsid >= kMaxSlabClasses) return std::nullopt;
      for (int lru = 0; lru < kLruTypes; ++lru)
        lrus[LruIndex(static_cast<int>(*clsid), lru)] = true;
    }
    if (comma == std::string_view::npos) break;
    classes.remove_prefix(comma + 1);
  }
  return lrus;
}

template <typename Limit, typename Visit>
void Cache::Crawl(const LruSet& lrus, Limit limit, Visit visit) {
  crawler_starts_++;
  // Each crawler starts at its LRU's tail and passes one item per round; it
  // stops at the head, or after `remaining` items when that is not 0.
  struct Cursor {
    ItemId next;
    uint32_t limit;
    uint32_t left;
    uint64_t checked = 0;
    uint64_t reclaimed = 0;
    uint64_t unfetched = 0;
  };
  std::array<Cursor, kLruSlots> cursors{};
  // Two lists for the whole crawl, swapped each round: the server's first
  // wake crawls every LRU, and an allocation per round and per growth costs
  // more than the crawl of an empty LRU.
  std::vector<int> active;
  active.reserve(kLruSlots);
  for (int i = 1; i < kLruSlots; ++i) {
    if (!lrus[i]) continue;
    const uint32_t n = limit(i);
    cursors[i] = Cursor{tails_[i & 63][i >> 6], n, n};
    active.push_back(i);
  }
  std::vector<int> still_active;
  still_active.reserve(active.size());
  while (!active.empty()) {
    still_active.clear();
    for (const int i : active) {
      Cursor& cursor = cursors[i];
      if (cursor.next == kNoItem || (cursor.limit != 0 && cursor.left-- == 0)) {
        lru_counters_[i & 63][i >> 6].crawler_reclaimed += cursor.reclaimed;
        lru_counters_[i & 63][i >> 6].expired_unfetched += cursor.unfetched;
        lru_counters_[i & 63][i >> 6].crawler_items_checked += cursor.checked;
        continue;
      }
      const ItemId id = cursor.next;
      cursor.next = items_[id]->prev;
      cursor.checked++;
      visit(i, id, &cursor.reclaimed, &cursor.unfetched);
      still_active.push_back(i);
    }
    active.swap(still_active);
  }
}

Cache::CrawlResult Cache::CrawlExpired(const LruSet& lrus, uint32_t remaining, bool for_schedule) {
  if (std::none_of(lrus.begin(), lrus.end(), [](bool on) { return on; })) {
    return CrawlResult::kNotStarted;
  }
  const RelTime now = clock_.now();
  auto limit = [remaining](int) { return remaining; };
  Crawl(lrus, limit, [&](int lru, ItemId id, uint64_t* reclaimed, uint64_t* unfetched) {
    Item& it = *items_[id];
    CrawlerLruStats* s = for_schedule ? &(*crawler_stats_)[lru] : nullptr;
    const bool flushed = IsFlushed(it);
    if ((it.exptime != 0 && it.exptime < now) || flushed) {
      (*reclaimed)++;
      if (s != nullptr) s->reclaimed++;
      if (verbose_log_ != nullptr && verbose_log_->enabled(2)) {
        verbose_log_->WriteBackground(
            "LRU crawler found an expired item (flags: " + std::to_string(MemcachedItemFlags(it)) +
            ", slab: " + std::to_string(lru) + "): " + std::string(it.key()) + "\n");
      }
      if (!it.fetched && !flushed) (*unfetched)++;
      UnlinkLocked(id, HashOf(id));
      return;
    }
    if (s == nullptr) return;
    s->seen++;
    if (it.exptime == 0) {
      s->noexp++;
    } else if (it.exptime - now > 3599) {
      // An hour or more away: not in the histogram.
    } else {
      const RelTime bucket = (it.exptime - now) / 60;
      if (bucket <= 60) {
        if (!s->histo) s->histo = std::make_unique<std::array<uint64_t, 61>>();
        (*s->histo)[bucket]++;
      }
    }
  });
  return CrawlResult::kOk;
}

void Cache::AppendMetadumpLine(const Item& it, std::string* out) const {
  const int64_t started = clock_.process_started();
  out->append("key=");
  AppendUriEncoded(it.key(), out);
  out->append(" exp=").append(it.exptime == 0 ? "-1" : std::to_string(it.exptime + started));
  out->append(" la=").append(std::to_string(it.time + started));
  out->append(" cas=").append(std::to_string(it.cas));
  out->append(" fetch=").append(it.fetched ? "yes" : "no");
  out->append(" cls=").append(std::to_string(it.clsid));
  out->append(" size=").append(std::to_string(TotalSize(it)));
  out->append("\n");
}

void Cache::Metadump(const LruSet* lrus, std::string* out) {
  const RelTime now = clock_.now();
  auto live = [&](const Item& it) {
    return !((it.exptime != 0 && it.exptime < now) || IsFlushed(it));
  };
  if (lrus != nullptr) {
    // memcached dumps each LRU as far as it was long when the dump began.
    auto own_length = [this](int i) { return lru_sizes_[i & 63][i >> 6]; };
    Crawl(*lrus, own_length, [&](int, ItemId id, uint64_t*, uint64_t*) {
      if (live(*items_[id])) AppendMetadumpLine(*items_[id], out);
    });
  } else {
    // The hash table walk: bucket by bucket (the key hash's low bits), the
    // most recently linked item first within a bucket.
    crawler_starts_++;
    const uint32_t mask = (1u << hash_power_) - 1;
    std::vector<std::pair<uint32_t, const Item*>> linked;  // bucket, item
    ForEachLinked([&](const Item& it) { linked.emplace_back(HashKey(it.key()) & mask, &it); });
    std::stable_sort(linked.begin(), linked.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return a.second->cas > b.second->cas;
    });
    for (const auto& [bucket, it] : linked) {
      if (live(*it)) AppendMetadumpLine(*it, out);
    }
  }
  out->append("END\r\n");
}

}  // namespace mcspec::ref
