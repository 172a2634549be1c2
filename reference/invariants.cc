#include "invariants.h"

#include <array>
#include <map>
#include <vector>

#include "memory_report.h"
#include "stats_report.h"

namespace mcspec::ref {
namespace {

std::string Describe(int clsid, int lru) {
  static constexpr const char* kNames[] = {"HOT", "WARM", "COLD", "TEMP"};
  return "class " + std::to_string(clsid) + " " + kNames[lru] + " LRU";
}

void CountChunks(const Cache& cache, ItemId id, std::array<uint64_t, kMaxSlabClasses>* chunks) {
  const SlabAllocator& slabs = cache.slabs();
  (*chunks)[slabs.ClassOf(cache.item(id).chunk)]++;
  for (ChunkId chunk : cache.data_chunks(id)) (*chunks)[slabs.ClassOf(chunk)]++;
}

// Walks every LRU list; counts, per class, the chunks the listed items hold.
std::string CheckLists(const Cache& cache, std::array<uint64_t, kMaxSlabClasses>* chunks,
                       uint64_t* items, uint64_t* bytes) {
  const SlabAllocator& slabs = cache.slabs();
  // A broken list could loop: no list can be longer than the items indexed.
  const uint64_t bound = cache.indexed_items() + 1;
  for (int clsid = 1; clsid <= slabs.largest_class(); ++clsid) {
    for (int lru = 0; lru < kLruTypes; ++lru) {
      const Lru type = static_cast<Lru>(lru);
      uint64_t count = 0;
      uint64_t size = 0;
      ItemId prev = kNoItem;
      for (ItemId id = cache.lru_head(clsid, type); id != kNoItem; id = cache.item(id).next) {
        const Item& it = cache.item(id);
        if (++count > bound) return Describe(clsid, lru) + " loops";
        if (it.prev != prev)
          return Describe(clsid, lru) + ": an item's prev is not the one before it";
        if (!it.linked) return Describe(clsid, lru) + " holds an unlinked item";
        if (it.clsid != clsid || it.lru != lru) {
          return Describe(clsid, lru) + " holds an item of class " + std::to_string(it.clsid) +
                 " LRU " + std::to_string(it.lru);
        }
        if (cache.FindIndexed(cache.Key(it.key())) != id) {
          return Describe(clsid, lru) + " holds an item the index does not give for its key";
        }
        size += cache.TotalSize(it);
        CountChunks(cache, id, chunks);
        prev = id;
      }
      if (cache.lru_tail(clsid, type) != prev) return Describe(clsid, lru) + ": wrong tail";
      if (count != cache.lru_items(clsid, type)) {
        return Describe(clsid, lru) + " holds " + std::to_string(count) + " items, counted " +
               std::to_string(cache.lru_items(clsid, type));
      }
      if (size != cache.lru_bytes(clsid, type)) {
        return Describe(clsid, lru) + " holds " + std::to_string(size) + " bytes, counted " +
               std::to_string(cache.lru_bytes(clsid, type));
      }
      *items += count;
      *bytes += size;
    }
  }
  return "";
}

std::string CheckSlabs(const Server& server, std::array<uint64_t, kMaxSlabClasses> chunks,
                       bool quiescent) {
  const SlabAllocator& slabs = server.cache().slabs();
  // Unlinked items the maintainer's bump queue still holds keep their chunks.
  for (ItemId id : server.cache().deferred_bumps()) {
    const Item& it = server.cache().item(id);
    if (!it.linked) CountChunks(server.cache(), id, &chunks);
  }
  uint64_t classes_with_pages = 0;
  for (int clsid = 1; clsid <= slabs.largest_class(); ++clsid) {
    const SlabClass& cls = slabs.cls(clsid);
    if (cls.pages > 0) classes_with_pages++;
    const uint64_t used = uint64_t{cls.pages} * cls.perslab - cls.free_chunks;
    if (used < chunks[clsid] || (quiescent && used != chunks[clsid])) {
      return "class " + std::to_string(clsid) + " has " + std::to_string(used) +
             " chunks in use, its items hold " + std::to_string(chunks[clsid]);
    }
  }
  const uint64_t bound = slabs.limit() + classes_with_pages * server.settings().slab_page_size;
  if (slabs.malloced() > bound) {
    return "total_malloced " + std::to_string(slabs.malloced()) + " is beyond the limit " +
           std::to_string(slabs.limit()) + " and the classes' first pages";
  }
  return "";
}

std::string CheckCounters(const Server& server) {
  const CommandCounters& counters = server.counters();
  uint64_t get_hits = 0;
  uint64_t touch_hits = 0;
  for (int clsid = 0; clsid < kMaxSlabClasses; ++clsid) {
    get_hits += counters.ClassGetHits(clsid);
    touch_hits += counters.slab[clsid].touch_hits;
  }
  if (counters.get_cmds != get_hits + counters.get_misses) {
    return "cmd_get " + std::to_string(counters.get_cmds) + " != get_hits " +
           std::to_string(get_hits) + " + get_misses " + std::to_string(counters.get_misses);
  }
  if (counters.touch_cmds != touch_hits + counters.touch_misses) {
    return "cmd_touch " + std::to_string(counters.touch_cmds) + " != touch_hits " +
           std::to_string(touch_hits) + " + touch_misses " + std::to_string(counters.touch_misses);
  }
  return "";
}

// The figures `stats memory` is computed from (memory_report.cc, from the
// `stats`, `stats items` and `stats slabs` lines), taken from the numbers
// those lines print.
struct MemoryFigures {
  uint64_t keys = 0;       // curr_items
  uint64_t listed = 0;     // the sum of items:<class>:number
  uint64_t requested = 0;  // the sum of items:<class>:mem_requested
  uint64_t active = 0;     // the sum of used_chunks x chunk_size
  uint64_t hash_tables = 0;
  uint64_t client_buffers = 0;
};

MemoryFigures ComputeFigures(const Server& server) {
  const Cache& cache = server.cache();
  const SlabAllocator& slabs = cache.slabs();
  MemoryFigures figures;
  figures.keys = cache.totals().curr_items;
  for (int clsid = 0; clsid < kMaxSlabClasses; ++clsid) {
    for (int lru = 0; lru < kLruTypes; ++lru) {
      figures.listed += cache.lru_items(clsid, static_cast<Lru>(lru));
      figures.requested += cache.lru_bytes(clsid, static_cast<Lru>(lru));
    }
  }
  for (int clsid = 1; clsid <= slabs.largest_class(); ++clsid) {
    const SlabClass& cls = slabs.cls(clsid);
    figures.active += (uint64_t{cls.pages} * cls.perslab - cls.free_chunks) * cls.size;
  }
  figures.hash_tables = cache.hash_bytes();
  const HostFigures host = server.host();
  figures.client_buffers = host.read_buf_bytes + host.response_obj_bytes;
  return figures;
}

// The identities of `stats memory`, on the numbers: keys.count = curr_items
// and dataset.bytes = bytes (the per-class byte counts add up to the total),
// and allocator.allocated <= allocator.active. (peak.allocated >=
// total.allocated holds by the report's arithmetic; FirstMemoryReportBreach
// checks it on the text.)
std::string CheckMemoryFigures(const Server& server) {
  const Cache& cache = server.cache();
  const MemoryFigures figures = ComputeFigures(server);
  if (figures.listed != figures.keys) {
    return "stats memory: keys.count " + std::to_string(figures.keys) + ", the classes hold " +
           std::to_string(figures.listed) + " items";
  }
  if (figures.requested != cache.totals().curr_bytes) {
    return "stats memory: dataset.bytes " + std::to_string(figures.requested) + " != bytes " +
           std::to_string(cache.totals().curr_bytes);
  }
  if (figures.requested > figures.active) {
    return "stats memory: allocator.allocated " + std::to_string(figures.requested) +
           " > allocator.active " + std::to_string(figures.active);
  }
  return "";
}

}  // namespace

std::string FirstMemoryReportBreach(const Server& server) {
  std::string text;
  AppendMemoryStats(server, &text);
  const std::optional<StatMap> report = ParseStatReply(text);
  if (!report) return "stats memory is not a list of STAT lines";
  std::map<std::string, uint64_t, std::less<>> figure;
  for (const char* name : {"peak.allocated", "total.allocated", "overhead.total", "dataset.bytes",
                           "keys.count", "allocator.allocated", "allocator.active"}) {
    const auto found = report->find(name);
    if (found == report->end()) return std::string("stats memory has no ") + name;
    figure[name] = std::stoull(found->second);
  }
  if (figure["total.allocated"] != figure["overhead.total"] + figure["dataset.bytes"]) {
    return "stats memory: total.allocated != overhead.total + dataset.bytes";
  }
  if (figure["allocator.allocated"] > figure["allocator.active"]) {
    return "stats memory: allocator.allocated > allocator.active";
  }
  if (figure["peak.allocated"] < figure["total.allocated"]) {
    return "stats memory: peak.allocated < total.allocated";
  }
  const MemoryFigures numbers = ComputeFigures(server);
  const auto differs = [&](const char* name, uint64_t number) {
    return figure[name] != number
               ? std::string("stats memory: ") + name + " " + std::to_string(figure[name]) +
                     ", the numbers give " + std::to_string(number)
               : std::string();
  };
  for (const std::string& breach :
       {differs("keys.count", numbers.keys), differs("dataset.bytes", numbers.requested),
        differs("allocator.allocated", numbers.requested),
        differs("allocator.active", numbers.active),
        differs("overhead.total", numbers.hash_tables + numbers.client_buffers),
        differs("total.allocated",
                numbers.requested + numbers.hash_tables + numbers.client_buffers)}) {
    if (!breach.empty()) return breach;
  }
  return "";
}

std::string FirstInvariantBreach(const Server& server, bool quiescent) {
  const Cache& cache = server.cache();
  std::array<uint64_t, kMaxSlabClasses> chunks{};
  uint64_t items = 0;
  uint64_t bytes = 0;
  if (std::string breach = CheckLists(cache, &chunks, &items, &bytes); !breach.empty()) {
    return breach;
  }
  if (items != cache.indexed_items()) {
    return "the LRU lists hold " + std::to_string(items) + " items, the index " +
           std::to_string(cache.indexed_items());
  }
  if (items != cache.totals().curr_items || bytes != cache.totals().curr_bytes) {
    return "curr_items " + std::to_string(cache.totals().curr_items) + " and bytes " +
           std::to_string(cache.totals().curr_bytes) + ", but the lists hold " +
           std::to_string(items) + " items of " + std::to_string(bytes) + " bytes";
  }
  if (std::string breach = CheckSlabs(server, chunks, quiescent); !breach.empty()) return breach;
  if (std::string breach = CheckCounters(server); !breach.empty()) return breach;
  return CheckMemoryFigures(server);
}

}  // namespace mcspec::ref
