#include "invariants.h"

#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include "memory_report.h"

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

// What the cache keeps for one LRU list. Read in one flattened function: the
// checks read it for every class and LRU after every request, and under the
// sanitizers the accessors exceed the inliner's threshold (a call each).
struct KeptList {
  ItemId head;
  ItemId tail;
  uint32_t items;
  uint64_t bytes;
};

[[gnu::flatten]] KeptList ReadKeptList(const Cache& cache, int clsid, Lru lru) {
  return {cache.lru_head(clsid, lru), cache.lru_tail(clsid, lru), cache.lru_items(clsid, lru),
          cache.lru_bytes(clsid, lru)};
}

// Walks every LRU list; counts, per class, the chunks the listed items hold.
std::string CheckLists(const Cache& cache, std::array<uint64_t, kMaxSlabClasses>* chunks,
                       uint64_t* items, uint64_t* bytes) {
  const SlabAllocator& slabs = cache.slabs();
  // A broken list could loop: no list can be longer than the items indexed.
  const uint64_t bound = cache.indexed_items() + 1;
  for (int clsid = 1; clsid <= slabs.largest_class(); ++clsid) {
    for (int lru = 0; lru < kLruTypes; ++lru) {
      const KeptList kept = ReadKeptList(cache, clsid, static_cast<Lru>(lru));
      uint64_t count = 0;
      uint64_t size = 0;
      ItemId prev = kNoItem;
      for (ItemId id = kept.head; id != kNoItem; id = cache.item(id).next) {
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
      if (kept.tail != prev) return Describe(clsid, lru) + ": wrong tail";
      if (count != kept.items) {
        return Describe(clsid, lru) + " holds " + std::to_string(count) + " items, counted " +
               std::to_string(kept.items);
      }
      if (size != kept.bytes) {
        return Describe(clsid, lru) + " holds " + std::to_string(size) + " bytes, counted " +
               std::to_string(kept.bytes);
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

// The get and touch hits of every class, summed (flattened, as ReadKeptList).
[[gnu::flatten]] void SumHits(const CommandCounters& counters, uint64_t* get_hits,
                              uint64_t* touch_hits) {
  for (int clsid = 0; clsid < kMaxSlabClasses; ++clsid) {
    *get_hits += counters.ClassGetHits(clsid);
    *touch_hits += counters.slab[clsid].touch_hits;
  }
}

std::string CheckCounters(const Server& server) {
  const CommandCounters& counters = server.counters();
  uint64_t get_hits = 0;
  uint64_t touch_hits = 0;
  SumHits(counters, &get_hits, &touch_hits);
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

// The item counts and byte totals kept for classes [first, last]'s LRUs.
struct ListTotals {
  uint64_t items = 0;
  uint64_t bytes = 0;
};

[[gnu::flatten]] ListTotals SumListCounters(const Cache& cache, int first, int last) {
  ListTotals totals;
  for (int clsid = first; clsid <= last; ++clsid) {
    for (int lru = 0; lru < kLruTypes; ++lru) {
      totals.items += cache.lru_items(clsid, static_cast<Lru>(lru));
      totals.bytes += cache.lru_bytes(clsid, static_cast<Lru>(lru));
    }
  }
  return totals;
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

// `lists`: the item and byte counters of every class's LRUs, summed.
MemoryFigures ComputeFigures(const Server& server, const ListTotals& lists) {
  const Cache& cache = server.cache();
  const SlabAllocator& slabs = cache.slabs();
  MemoryFigures figures;
  figures.keys = cache.totals().curr_items;
  figures.listed = lists.items;
  figures.requested = lists.bytes;
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
// checks it on the text.) `walked`: the counters of the lists CheckLists
// walked (classes 1 to the largest), which it found equal to the lists.
std::string CheckMemoryFigures(const Server& server, const ListTotals& walked) {
  const Cache& cache = server.cache();
  // The report adds up every class's counters, also those no list walk
  // reaches, which must be zero.
  const ListTotals unwalked_below = SumListCounters(cache, 0, 0);
  const ListTotals unwalked_above =
      SumListCounters(cache, cache.slabs().largest_class() + 1, kMaxSlabClasses - 1);
  const MemoryFigures figures =
      ComputeFigures(server, {walked.items + unwalked_below.items + unwalked_above.items,
                              walked.bytes + unwalked_below.bytes + unwalked_above.bytes});
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

// The report's figures a check needs, read as a client reads the reply
// (ParseStatReply). Empty `*error` when all were found, each a number.
constexpr std::array<std::string_view, 7> kReportFigures = {
    "peak.allocated", "total.allocated",     "overhead.total",  "dataset.bytes",
    "keys.count",     "allocator.allocated", "allocator.active"};
enum ReportFigure { kPeak, kTotal, kOverhead, kDataset, kKeys, kAllocated, kActive };

std::array<uint64_t, kReportFigures.size()> ReadReportFigures(std::string_view text,
                                                              std::string* error) {
  std::array<uint64_t, kReportFigures.size()> values{};
  const std::optional<StatMap> report = ParseStatReply(text);
  if (!report) {
    *error = "stats memory is not a list of STAT lines";
    return values;
  }
  for (size_t i = 0; i < kReportFigures.size(); ++i) {
    const auto found = report->find(kReportFigures[i]);
    if (found == report->end()) {
      *error = "stats memory has no " + std::string(kReportFigures[i]);
      return values;
    }
    const std::string& value = found->second;
    const auto [end, status] =
        std::from_chars(value.data(), value.data() + value.size(), values[i]);
    if (status != std::errc() || end != value.data() + value.size()) {
      *error = "stats memory: " + std::string(kReportFigures[i]) + " is not a number";
      return values;
    }
  }
  return values;
}

}  // namespace

std::string FirstMemoryReportBreach(const Server& server) {
  std::string text;
  AppendMemoryStats(server, &text);
  std::string error;
  const std::array<uint64_t, kReportFigures.size()> figure = ReadReportFigures(text, &error);
  if (!error.empty()) return error;
  if (figure[kTotal] != figure[kOverhead] + figure[kDataset]) {
    return "stats memory: total.allocated != overhead.total + dataset.bytes";
  }
  if (figure[kAllocated] > figure[kActive]) {
    return "stats memory: allocator.allocated > allocator.active";
  }
  if (figure[kPeak] < figure[kTotal]) return "stats memory: peak.allocated < total.allocated";
  const MemoryFigures numbers =
      ComputeFigures(server, SumListCounters(server.cache(), 0, kMaxSlabClasses - 1));
  const auto differs = [&](ReportFigure which, uint64_t number) {
    return figure[which] != number
               ? "stats memory: " + std::string(kReportFigures[which]) + " " +
                     std::to_string(figure[which]) + ", the numbers give " + std::to_string(number)
               : std::string();
  };
  for (const std::string& breach :
       {differs(kKeys, numbers.keys), differs(kDataset, numbers.requested),
        differs(kAllocated, numbers.requested), differs(kActive, numbers.active),
        differs(kOverhead, numbers.hash_tables + numbers.client_buffers),
        differs(kTotal, numbers.requested + numbers.hash_tables + numbers.client_buffers)}) {
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
  return CheckMemoryFigures(server, {items, bytes});
}

}  // namespace mcspec::ref
