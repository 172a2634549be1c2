#include "memory_report.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "stats_report.h"

namespace mcspec::ref {
namespace {

constexpr std::string_view kLinePrefix = "STAT ";
constexpr std::string_view kLineEnd = "\r\n";
constexpr std::string_view kEnd = "END\r\n";

std::optional<uint64_t> ParseU64(std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads figures from a family, remembering the first that is missing or not
// a number.
class FigureReader {
 public:
  FigureReader(const StatMap& family, std::string_view family_name, std::string* error)
      : family_(family), family_name_(family_name), error_(error) {}

  uint64_t Get(std::string_view name) {
    const auto it = family_.find(name);
    if (it == family_.end()) return Fail(name, "no");
    const std::optional<uint64_t> value = ParseU64(it->second);
    if (!value) return Fail(name, "a non-numeric");
    return *value;
  }

  // The sum of the figure `name` over the families' classes: the lines
  // "<prefix><class>:<name>".
  uint64_t SumOverClasses(std::string_view prefix, std::string_view name) {
    uint64_t sum = 0;
    ForEachClass(prefix, name, [&](std::string_view line) { sum += Get(line); });
    return sum;
  }

  // The sum of <class>:<a> x <class>:<b> over the classes that have <a>.
  uint64_t SumOfProducts(std::string_view a, std::string_view b) {
    uint64_t sum = 0;
    ForEachClass("", a, [&](std::string_view line) {
      const std::string_view cls = line.substr(0, line.size() - a.size());
      sum += Get(line) * Get(std::string(cls) + std::string(b));
    });
    return sum;
  }

  bool failed() const { return failed_; }

 private:
  template <typename Fn>
  void ForEachClass(std::string_view prefix, std::string_view name, Fn&& fn) {
    for (const auto& [line, value] : family_) {
      if (!line.starts_with(prefix) || !line.ends_with(name)) continue;
      const std::string_view cls(line.data() + prefix.size(),
                                 line.size() - prefix.size() - name.size());
      if (cls.size() < 2 || cls.back() != ':' || !ParseU64(cls.substr(0, cls.size() - 1))) {
        continue;
      }
      fn(line);
    }
  }

  uint64_t Fail(std::string_view name, std::string_view what) {
    if (!failed_) {
      *error_ = std::string(what) + " figure " + std::string(name) + " in `" + family_name_ + "`";
      failed_ = true;
    }
    return 0;
  }

  const StatMap& family_;
  std::string family_name_;
  std::string* error_;
  bool failed_ = false;
};

// numerator / denominator x scale with two decimals, rounded half up, as
// Redis's INFO prints its ratios ("%.2f"); integer arithmetic keeps every
// implementation of the report to the same digits. "0.00" when the
// denominator is 0 (no memory of that kind yet): a defined ratio of the
// report is never below 1 unless its numerator is 0.
std::string Decimal(uint64_t numerator, uint64_t denominator, uint64_t scale) {
  if (denominator == 0) return "0.00";
  using u128 = unsigned __int128;
  const u128 hundredths = (u128{numerator} * scale * 200 + denominator) / (u128{denominator} * 2);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%" PRIu64 ".%02" PRIu64, static_cast<uint64_t>(hundredths / 100),
                static_cast<uint64_t>(hundredths % 100));
  return buf;
}

std::string Ratio(uint64_t numerator, uint64_t denominator) {
  return Decimal(numerator, denominator, 1);
}

std::string Percentage(uint64_t numerator, uint64_t denominator) {
  return Decimal(numerator, denominator, 100);
}

// A difference of two figures, signed so that a server whose figures break
// the expected order shows it rather than a wrapped number.
std::string Difference(uint64_t a, uint64_t b) {
  return std::to_string(static_cast<int64_t>(a - b));
}

}  // namespace

std::optional<StatMap> ParseStatReply(std::string_view reply) {
  StatMap family;
  while (!reply.empty()) {
    if (reply == kEnd) break;
    const size_t end = reply.find(kLineEnd);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view line = reply.substr(0, end);
    reply.remove_prefix(end + kLineEnd.size());
    if (!line.starts_with(kLinePrefix)) return std::nullopt;
    const std::string_view rest = line.substr(kLinePrefix.size());
    const size_t space = rest.find(' ');
    if (space == 0 || space == std::string_view::npos) return std::nullopt;
    if (!family.emplace(rest.substr(0, space), rest.substr(space + 1)).second) return std::nullopt;
  }
  return family;
}

bool ComputeMemoryStats(const MemoryStatsInput& input, std::vector<MemoryStat>* report,
                        std::string* error) {
  FigureReader general(input.general, "stats", error);
  FigureReader slabs(input.slabs, "stats slabs", error);
  FigureReader items(input.items, "stats items", error);

  // The figures every line is computed from (docs/memory-stats.md).
  const uint64_t hash_bytes = general.Get("hash_bytes");
  // While memcached expands its table the old one, half the size, is live.
  const uint64_t rehashing = general.Get("hash_is_expanding") != 0 ? hash_bytes / 2 : 0;
  const uint64_t hash_tables = hash_bytes + rehashing;
  const uint64_t client_buffers = general.Get("read_buf_bytes") + general.Get("response_obj_bytes");
  const uint64_t keys = general.Get("curr_items");
  const uint64_t requested = items.SumOverClasses("items:", "mem_requested");
  const uint64_t active = slabs.SumOfProducts("used_chunks", "chunk_size");
  const uint64_t resident = slabs.Get("total_malloced");
  if (general.failed() || slabs.failed() || items.failed()) return false;

  const uint64_t total = requested + hash_tables + client_buffers;
  const uint64_t startup = 0;
  const uint64_t overhead = startup + client_buffers + hash_tables;
  const uint64_t dataset = total - overhead;
  const uint64_t rss = resident + hash_tables + client_buffers;
  const uint64_t peak =
      input.peak_store_bytes ? std::max(total, *input.peak_store_bytes + client_buffers) : total;

  std::vector<MemoryStat>& r = *report;
  r.clear();
  auto add = [&r](std::string name, std::string value) {
    r.push_back({std::move(name), std::move(value)});
  };
  auto add_number = [&add](std::string name, uint64_t value) {
    add(std::move(name), std::to_string(value));
  };
  add_number("peak.allocated", peak);
  add_number("total.allocated", total);
  add_number("startup.allocated", startup);
  add_number("replication.backlog", 0);
  add_number("clients.slaves", 0);
  add_number("clients.normal", client_buffers);
  add_number("cluster.links", 0);
  add_number("aof.buffer", 0);
  add_number("lua.caches", 0);
  add_number("functions.caches", 0);
  add_number("db.0.overhead.hashtable.main", hash_tables);
  add_number("db.0.overhead.hashtable.expires", 0);
  add_number("overhead.db.hashtable.lut", hash_tables);
  add_number("overhead.db.hashtable.rehashing", rehashing);
  add_number("overhead.total", overhead);
  add_number("db.dict.rehashing.count", rehashing != 0 ? 1 : 0);
  add_number("keys.count", keys);
  add_number("keys.bytes-per-key", keys != 0 ? dataset / keys : 0);
  add_number("dataset.bytes", dataset);
  add("dataset.percentage", Percentage(dataset, total));
  add("peak.percentage", Percentage(total, peak));
  add_number("allocator.allocated", requested);
  add_number("allocator.active", active);
  add_number("allocator.resident", resident);
  add_number("allocator.muzzy", 0);
  add("allocator-fragmentation.ratio", Ratio(active, requested));
  add("allocator-fragmentation.bytes", Difference(active, requested));
  add("allocator-rss.ratio", Ratio(resident, active));
  add("allocator-rss.bytes", Difference(resident, active));
  add("rss-overhead.ratio", Ratio(rss, resident));
  add("rss-overhead.bytes", Difference(rss, resident));
  add("fragmentation", Ratio(rss, total));
  add("fragmentation.bytes", Difference(rss, total));
  return true;
}

void AppendMemoryStats(const Server& server, std::string* out) {
  std::string general;
  std::string slabs;
  std::string items;
  AppendGeneralStats(server, &general);
  AppendSlabsStats(server, &slabs);
  AppendItemsStats(server, &items);
  MemoryStatsInput input{.general = ParseStatReply(general).value(),
                         .slabs = ParseStatReply(slabs).value(),
                         .items = ParseStatReply(items).value(),
                         .peak_store_bytes = server.cache().peak_bytes()};
  std::vector<MemoryStat> report;
  std::string error;
  [[maybe_unused]] const bool computed = ComputeMemoryStats(input, &report, &error);
  assert(computed && "the reference's stats families hold every figure");
  for (const MemoryStat& stat : report) {
    out->append(kLinePrefix);
    out->append(stat.name);
    out->push_back(' ');
    out->append(stat.value);
    out->append(kLineEnd);
  }
}

}  // namespace mcspec::ref
