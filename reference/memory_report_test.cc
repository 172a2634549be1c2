// `stats memory`: each definition of docs/memory-stats.md on small
// deterministic workloads, the identities of Redis's MEMORY STATS page as
// properties over random workloads with eviction and expiry, the report
// computed from another server's families (mcconform's path), and the fact
// that the command is an extension memcached 1.6.18 does not have.
#include "memory_report.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"
#include "testing/memcached_oracle.h"
#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

// The lines of Redis's MEMORY STATS page, in its order, with the `db.0` map
// flattened.
const std::vector<std::string> kRedisOrder = {
    "peak.allocated",
    "total.allocated",
    "startup.allocated",
    "replication.backlog",
    "clients.slaves",
    "clients.normal",
    "cluster.links",
    "aof.buffer",
    "lua.caches",
    "functions.caches",
    "db.0.overhead.hashtable.main",
    "db.0.overhead.hashtable.expires",
    "overhead.db.hashtable.lut",
    "overhead.db.hashtable.rehashing",
    "overhead.total",
    "db.dict.rehashing.count",
    "keys.count",
    "keys.bytes-per-key",
    "dataset.bytes",
    "dataset.percentage",
    "peak.percentage",
    "allocator.allocated",
    "allocator.active",
    "allocator.resident",
    "allocator.muzzy",
    "allocator-fragmentation.ratio",
    "allocator-fragmentation.bytes",
    "allocator-rss.ratio",
    "allocator-rss.bytes",
    "rss-overhead.ratio",
    "rss-overhead.bytes",
    "fragmentation",
    "fragmentation.bytes",
};

// The figures of the reference's default host (HostFigures): read_buf_bytes
// plus response_obj_bytes, and the hash table at hashpower 16.
constexpr uint64_t kClientBuffers = 32768 + 16384;
constexpr uint64_t kHashBytes = 524288;

class Connection : public testing::TestConnection {
 public:
  using TestConnection::TestConnection;
  StatMap Family(std::string_view command) {
    std::optional<StatMap> family = ParseStatReply(Send(std::string(command) + "\r\n"));
    return family.value_or(StatMap{{"unparsable", std::string(command)}});
  }
  StatMap Memory() { return Family("stats memory"); }
};

uint64_t U64(const StatMap& family, std::string_view name) {
  const auto it = family.find(name);
  if (it == family.end()) {
    ADD_FAILURE() << "no " << name;
    return 0;
  }
  return std::stoull(it->second);
}

int64_t I64(const StatMap& family, std::string_view name) {
  const auto it = family.find(name);
  if (it == family.end()) {
    ADD_FAILURE() << "no " << name;
    return 0;
  }
  return std::stoll(it->second);
}

std::vector<std::string> Names(std::string_view reply) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = reply.find("STAT ", pos)) != std::string_view::npos) {
    pos += 5;
    names.emplace_back(reply.substr(pos, reply.find(' ', pos) - pos));
  }
  return names;
}

std::string Set(std::string_view key, size_t size) {
  return "set " + std::string(key) + " 0 0 " + std::to_string(size) + "\r\n" +
         std::string(size, 'v') + "\r\n";
}

// Whether `text` is numerator / denominator x scale with two decimals,
// rounded half up, or "0.00" for a zero denominator.
bool IsDecimal(std::string_view text, uint64_t numerator, uint64_t denominator, uint64_t scale) {
  if (denominator == 0) return text == "0.00";
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.size() - dot != 3) return false;
  uint64_t units = 0;
  uint64_t cents = 0;
  if (std::from_chars(text.data(), text.data() + dot, units).ptr != text.data() + dot ||
      std::from_chars(text.data() + dot + 1, text.data() + text.size(), cents).ptr !=
          text.data() + text.size()) {
    return false;
  }
  using i128 = __int128;
  const i128 hundredths = i128{units} * 100 + cents;
  const i128 twice_value = i128{numerator} * scale * 200;
  return (2 * hundredths - 1) * denominator <= twice_value &&
         twice_value < (2 * hundredths + 1) * denominator;
}

// The first identity of the MEMORY STATS page (or of the order of the figures
// the report is built on) that `m` breaks; empty when it keeps them all.
std::string BrokenIdentity(const StatMap& m) {
  if (m.size() != kRedisOrder.size()) return "the page's lines";
  const uint64_t total = U64(m, "total.allocated");
  const uint64_t peak = U64(m, "peak.allocated");
  const uint64_t overhead = U64(m, "overhead.total");
  const uint64_t dataset = U64(m, "dataset.bytes");
  const uint64_t keys = U64(m, "keys.count");
  const uint64_t allocated = U64(m, "allocator.allocated");
  const uint64_t active = U64(m, "allocator.active");
  const uint64_t resident = U64(m, "allocator.resident");
  const uint64_t rss = resident + U64(m, "rss-overhead.bytes");
  const uint64_t rehashing = U64(m, "overhead.db.hashtable.rehashing");
  const uint64_t overheads = U64(m, "startup.allocated") + U64(m, "replication.backlog") +
                             U64(m, "clients.slaves") + U64(m, "clients.normal") +
                             U64(m, "cluster.links") + U64(m, "aof.buffer") + U64(m, "lua.caches") +
                             U64(m, "functions.caches") + U64(m, "db.0.overhead.hashtable.main") +
                             U64(m, "db.0.overhead.hashtable.expires");
  const std::vector<std::pair<const char*, bool>> identities = {
      {"peak >= total", peak >= total},
      {"overhead.total = the sum of the overheads", overhead == overheads},
      {"dataset = total - overhead", dataset == total - overhead},
      {"bytes-per-key = dataset / keys",
       U64(m, "keys.bytes-per-key") == (keys == 0 ? 0 : dataset / keys)},
      {"dataset.percentage", IsDecimal(m.at("dataset.percentage"), dataset, total, 100)},
      {"peak.percentage", IsDecimal(m.at("peak.percentage"), total, peak, 100)},
      // The hash table: all of it is buckets, part of it the table being left.
      {"lut = main", U64(m, "overhead.db.hashtable.lut") == U64(m, "db.0.overhead.hashtable.main")},
      {"rehashing <= lut", rehashing <= U64(m, "overhead.db.hashtable.lut")},
      {"rehashing.count", U64(m, "db.dict.rehashing.count") == (rehashing != 0 ? 1u : 0u)},
      // The allocator chain: requested <= chunks in use <= pages.
      {"allocated <= active", allocated <= active},
      {"active <= resident", active <= resident},
      {"allocator-fragmentation.ratio",
       IsDecimal(m.at("allocator-fragmentation.ratio"), active, allocated, 1)},
      {"allocator-fragmentation.bytes",
       I64(m, "allocator-fragmentation.bytes") == static_cast<int64_t>(active - allocated)},
      {"allocator-rss.ratio", IsDecimal(m.at("allocator-rss.ratio"), resident, active, 1)},
      {"allocator-rss.bytes",
       I64(m, "allocator-rss.bytes") == static_cast<int64_t>(resident - active)},
      {"rss-overhead.ratio", IsDecimal(m.at("rss-overhead.ratio"), rss, resident, 1)},
      {"fragmentation", IsDecimal(m.at("fragmentation"), rss, total, 1)},
      {"fragmentation.bytes", I64(m, "fragmentation.bytes") == static_cast<int64_t>(rss - total)},
  };
  for (const auto& [identity, holds] : identities) {
    if (!holds) return identity;
  }
  // What memcached does not have.
  for (const char* unused :
       {"startup.allocated", "replication.backlog", "clients.slaves", "cluster.links", "aof.buffer",
        "lua.caches", "functions.caches", "db.0.overhead.hashtable.expires", "allocator.muzzy"}) {
    if (U64(m, unused) != 0) return std::string(unused) + " = 0";
  }
  return "";
}

TEST(ParseStatReply, ReadsLinesUpToEnd) {
  const std::optional<StatMap> family =
      ParseStatReply("STAT pid 1\r\nSTAT version 1.6.18\r\nSTAT inter NULL\r\nEND\r\n");
  ASSERT_TRUE(family);
  EXPECT_EQ(*family, (StatMap{{"pid", "1"}, {"version", "1.6.18"}, {"inter", "NULL"}}));
  EXPECT_EQ(ParseStatReply("STAT a 1\r\n"), (StatMap{{"a", "1"}}));
  EXPECT_EQ(ParseStatReply("END\r\n"), StatMap{});
}

TEST(ParseStatReply, RefusesOtherLines) {
  EXPECT_FALSE(ParseStatReply("ERROR\r\n"));
  EXPECT_FALSE(ParseStatReply("STAT a 1"));
  EXPECT_FALSE(ParseStatReply("STAT a\r\n"));
  EXPECT_FALSE(ParseStatReply("STAT a 1\r\nSTAT a 2\r\n"));
  EXPECT_FALSE(ParseStatReply("STAT a 1\r\nEND\r\nSTAT b 2\r\n"));
}

TEST(MemoryStats, EveryLineOfThePageInItsOrder) {
  Connection c({"-o", "no_modern"});
  const std::string reply = c.Send("stats memory\r\n");
  EXPECT_EQ(Names(reply), kRedisOrder);
  EXPECT_TRUE(reply.ends_with("\r\nEND\r\n"));
}

TEST(MemoryStats, FreshServer) {
  Connection c({"-o", "no_modern"});
  const StatMap m = c.Memory();
  // Nothing stored: the hash table and the connection's buffers.
  EXPECT_EQ(U64(m, "total.allocated"), kHashBytes + kClientBuffers);
  EXPECT_EQ(U64(m, "peak.allocated"), kHashBytes + kClientBuffers);
  EXPECT_EQ(U64(m, "clients.normal"), kClientBuffers);
  EXPECT_EQ(U64(m, "db.0.overhead.hashtable.main"), kHashBytes);
  EXPECT_EQ(U64(m, "overhead.db.hashtable.lut"), kHashBytes);
  EXPECT_EQ(U64(m, "overhead.db.hashtable.rehashing"), 0u);
  EXPECT_EQ(U64(m, "db.dict.rehashing.count"), 0u);
  EXPECT_EQ(U64(m, "overhead.total"), kHashBytes + kClientBuffers);
  EXPECT_EQ(U64(m, "keys.count"), 0u);
  EXPECT_EQ(U64(m, "keys.bytes-per-key"), 0u);
  EXPECT_EQ(U64(m, "dataset.bytes"), 0u);
  EXPECT_EQ(m.at("dataset.percentage"), "0.00");
  EXPECT_EQ(m.at("peak.percentage"), "100.00");
  EXPECT_EQ(U64(m, "allocator.allocated"), 0u);
  EXPECT_EQ(U64(m, "allocator.active"), 0u);
  EXPECT_EQ(U64(m, "allocator.resident"), 0u);
  // No page yet: the slab ratios have no denominator.
  EXPECT_EQ(m.at("allocator-fragmentation.ratio"), "0.00");
  EXPECT_EQ(m.at("allocator-rss.ratio"), "0.00");
  EXPECT_EQ(m.at("rss-overhead.ratio"), "0.00");
  EXPECT_EQ(I64(m, "rss-overhead.bytes"), static_cast<int64_t>(kHashBytes + kClientBuffers));
  EXPECT_EQ(m.at("fragmentation"), "1.00");
  EXPECT_EQ(I64(m, "fragmentation.bytes"), 0);
}

TEST(MemoryStats, OneItem) {
  Connection c({"-o", "no_modern"});
  c.Send("set a 0 0 5\r\nhello\r\n");
  const StatMap m = c.Memory();
  // The item: 48-byte header, "a" and its NUL, "hello\r\n", 8 bytes of CAS.
  constexpr uint64_t kItem = 48 + 2 + 7 + 8;
  // Class 1 has 96-byte chunks; a no_modern page is 10922 of them.
  constexpr uint64_t kChunk = 96;
  constexpr uint64_t kPage = kChunk * 10922;
  constexpr uint64_t kTotal = kItem + kHashBytes + kClientBuffers;
  constexpr uint64_t kRss = kPage + kHashBytes + kClientBuffers;
  EXPECT_EQ(U64(m, "allocator.allocated"), kItem);
  EXPECT_EQ(U64(m, "allocator.active"), kChunk);
  EXPECT_EQ(U64(m, "allocator.resident"), kPage);
  EXPECT_EQ(U64(m, "total.allocated"), kTotal);
  EXPECT_EQ(U64(m, "dataset.bytes"), kItem);
  EXPECT_EQ(U64(m, "keys.count"), 1u);
  EXPECT_EQ(U64(m, "keys.bytes-per-key"), kItem);
  EXPECT_EQ(m.at("dataset.percentage"), "0.01");             // 65 of 573505
  EXPECT_EQ(m.at("allocator-fragmentation.ratio"), "1.48");  // 96 / 65
  EXPECT_EQ(I64(m, "allocator-fragmentation.bytes"), 31);
  EXPECT_EQ(m.at("allocator-rss.ratio"), "10922.00");
  EXPECT_EQ(I64(m, "allocator-rss.bytes"), static_cast<int64_t>(kPage - kChunk));
  EXPECT_EQ(m.at("rss-overhead.ratio"), "1.55");  // 1621952 / 1048512
  EXPECT_EQ(I64(m, "rss-overhead.bytes"), static_cast<int64_t>(kHashBytes + kClientBuffers));
  EXPECT_EQ(m.at("fragmentation"), "2.83");  // 1621952 / 573505
  EXPECT_EQ(I64(m, "fragmentation.bytes"), static_cast<int64_t>(kRss - kTotal));
}

TEST(MemoryStats, DatasetIsMemcachedsBytes) {
  Connection c({"-o", "no_modern"});
  c.Send(Set("small", 10) + Set("medium", 3000) + Set("large", 200000) + "set f 7 0 1\r\nx\r\n");
  const StatMap m = c.Memory();
  const StatMap general = c.Family("stats");
  EXPECT_EQ(U64(m, "dataset.bytes"), U64(general, "bytes"));
  EXPECT_EQ(U64(m, "allocator.allocated"), U64(general, "bytes"));
  EXPECT_EQ(U64(m, "keys.count"), 4u);
  EXPECT_EQ(U64(m, "keys.bytes-per-key"), U64(general, "bytes") / 4);
}

TEST(MemoryStats, ActiveIsUsedChunksTimesChunkSize) {
  // Modern defaults chunk items above 512 KiB across classes.
  Connection c;
  c.Send(Set("a", 100) + Set("b", 100) + Set("c", 700000));
  const StatMap slabs = c.Family("stats slabs");
  uint64_t active = 0;
  for (const auto& [name, value] : slabs) {
    if (!name.ends_with(":used_chunks")) continue;
    const std::string cls = name.substr(0, name.find(':'));
    active += std::stoull(value) * U64(slabs, cls + ":chunk_size");
  }
  const StatMap m = c.Memory();
  EXPECT_EQ(U64(m, "allocator.active"), active);
  EXPECT_EQ(U64(m, "allocator.resident"), U64(slabs, "total_malloced"));
  EXPECT_GE(active, U64(m, "allocator.allocated"));
}

TEST(MemoryStats, ClientsNormalIsTheConnectionBuffers) {
  Connection c;
  c.server().set_host([] {
    HostFigures host;
    host.read_buf_bytes = uint64_t{3} * 16384;
    host.response_obj_bytes = uint64_t{2} * 16384;
    return host;
  });
  const StatMap m = c.Memory();
  EXPECT_EQ(U64(m, "clients.normal"), 5u * 16384);
  EXPECT_EQ(U64(m, "overhead.total"), kHashBytes + uint64_t{5} * 16384);
}

TEST(MemoryStats, HashTableGrowsWithTheKeys) {
  Connection c({"-o", "no_modern,hashpower=12"});
  // 2^12 buckets; memcached doubles them past 1.5 items per bucket.
  std::string sets;
  for (int i = 0; i < 6145; ++i) sets += "set k" + std::to_string(i) + " 0 0 1 noreply\r\nx\r\n";
  c.Send(sets);
  const StatMap m = c.Memory();
  EXPECT_EQ(U64(m, "db.0.overhead.hashtable.main"), 8u << 13);
  EXPECT_EQ(U64(m, "db.0.overhead.hashtable.main"), U64(c.Family("stats"), "hash_bytes"));
}

TEST(MemoryStats, PeakStaysAfterDeletes) {
  Connection c({"-o", "no_modern"});
  c.Send(Set("a", 1000) + Set("b", 1000));
  const StatMap before = c.Memory();
  c.Send("delete a\r\ndelete b\r\n");
  const StatMap after = c.Memory();
  EXPECT_EQ(U64(after, "peak.allocated"), U64(before, "total.allocated"));
  EXPECT_EQ(U64(after, "total.allocated"), kHashBytes + kClientBuffers);
  EXPECT_EQ(after.at("peak.percentage"), "99.63");  // 573440 of 575560
  // Pages stay with memcached: what the items left is fragmentation now.
  EXPECT_EQ(U64(after, "allocator.resident"), U64(before, "allocator.resident"));
  EXPECT_EQ(I64(after, "fragmentation.bytes"),
            static_cast<int64_t>(U64(after, "allocator.resident")));
}

TEST(MemoryStats, PeakIsNotReset) {
  Connection c({"-o", "no_modern"});
  c.Send(Set("a", 1000) + "delete a\r\nstats reset\r\n");
  EXPECT_GT(U64(c.Memory(), "peak.allocated"), kHashBytes + kClientBuffers);
}

MemoryStatsInput SyntheticInput() {
  return {.general = {{"hash_bytes", "1048576"},
                      {"hash_is_expanding", "1"},
                      {"read_buf_bytes", "16384"},
                      {"response_obj_bytes", "0"},
                      {"curr_items", "3"}},
          .slabs = {{"1:chunk_size", "96"},
                    {"1:used_chunks", "2"},
                    {"5:chunk_size", "240"},
                    {"5:used_chunks", "1"},
                    {"active_slabs", "2"},
                    {"total_malloced", "2097152"}},
          .items = {{"items:1:number", "2"},
                    {"items:1:mem_requested", "150"},
                    {"items:5:number", "1"},
                    {"items:5:mem_requested", "200"}},
          .peak_store_bytes = std::nullopt};
}

StatMap Compute(const MemoryStatsInput& input) {
  std::vector<MemoryStat> report;
  std::string error;
  EXPECT_TRUE(ComputeMemoryStats(input, &report, &error)) << error;
  StatMap map;
  for (const MemoryStat& stat : report) map.emplace(stat.name, stat.value);
  return map;
}

TEST(ComputeMemoryStats, TableBeingExpanded) {
  const StatMap m = Compute(SyntheticInput());
  // memcached reports the new table; the old one, half its size, is live
  // until the expansion ends.
  EXPECT_EQ(U64(m, "overhead.db.hashtable.rehashing"), 524288u);
  EXPECT_EQ(U64(m, "overhead.db.hashtable.lut"), 1572864u);
  EXPECT_EQ(U64(m, "db.0.overhead.hashtable.main"), 1572864u);
  EXPECT_EQ(U64(m, "db.dict.rehashing.count"), 1u);
  EXPECT_EQ(U64(m, "allocator.allocated"), 350u);
  EXPECT_EQ(U64(m, "allocator.active"), 2 * 96u + 240u);
  EXPECT_EQ(U64(m, "total.allocated"), 350u + 1572864u + 16384u);
  EXPECT_EQ(U64(m, "peak.allocated"), U64(m, "total.allocated"));
  EXPECT_EQ(U64(m, "keys.bytes-per-key"), 116u);
  EXPECT_EQ(BrokenIdentity(m), "");
}

TEST(ComputeMemoryStats, PeakOfTheStorePlusTheBuffersNow) {
  MemoryStatsInput input = SyntheticInput();
  input.peak_store_bytes = 2000000;
  EXPECT_EQ(U64(Compute(input), "peak.allocated"), 2000000u + 16384u);
  // A peak below the present is the present.
  input.peak_store_bytes = 1;
  const StatMap m = Compute(input);
  EXPECT_EQ(U64(m, "peak.allocated"), U64(m, "total.allocated"));
}

TEST(ComputeMemoryStats, NamesTheFigureItLacks) {
  std::vector<MemoryStat> report;
  std::string error;
  MemoryStatsInput input = SyntheticInput();
  input.general.erase("hash_is_expanding");
  EXPECT_FALSE(ComputeMemoryStats(input, &report, &error));
  EXPECT_EQ(error, "no figure hash_is_expanding in `stats`");

  input = SyntheticInput();
  input.slabs.erase("5:chunk_size");
  EXPECT_FALSE(ComputeMemoryStats(input, &report, &error));
  EXPECT_EQ(error, "no figure 5:chunk_size in `stats slabs`");

  input = SyntheticInput();
  input.items["items:5:mem_requested"] = "12x";
  EXPECT_FALSE(ComputeMemoryStats(input, &report, &error));
  EXPECT_EQ(error, "a non-numeric figure items:5:mem_requested in `stats items`");
}

// mcconform's path: the report computed from the three replies any server
// gives equals the reference's own, but for the peak, which no family holds.
TEST(ComputeMemoryStats, FromTheFamiliesEqualsTheReferencesReport) {
  Connection c({"-m", "2"});
  for (int i = 0; i < 40; ++i) c.Send(Set("key" + std::to_string(i), 50000));
  c.Send("delete key39\r\n");
  MemoryStatsInput input{.general = c.Family("stats"),
                         .slabs = c.Family("stats slabs"),
                         .items = c.Family("stats items"),
                         .peak_store_bytes = std::nullopt};
  StatMap external = Compute(input);
  StatMap reference = c.Memory();
  EXPECT_LT(U64(external, "peak.allocated"), U64(reference, "peak.allocated"));
  EXPECT_EQ(external.at("peak.percentage"), "100.00");
  for (const char* peak_line : {"peak.allocated", "peak.percentage"}) {
    external.erase(peak_line);
    reference.erase(peak_line);
  }
  EXPECT_EQ(external, reference);

  input.peak_store_bytes = c.server().cache().peak_bytes();
  EXPECT_EQ(Compute(input), c.Memory());
}

// Sends `request` and reads until the reply ends with `terminator`.
std::string Exchange(int fd, std::string_view request, std::string_view terminator) {
  EXPECT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string reply;
  char buf[4096];
  while (!reply.ends_with(terminator)) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  return reply;
}

// `stats memory` is the reference's extension: memcached 1.6.18 has no such
// family and answers ERROR (as to any unknown `stats` argument). Its three
// families are enough for mcconform to compute the report, which keeps the
// page's identities on the real server's figures too.
TEST(MemoryStats, AnExtensionMemcachedAnswersWithError) {
  testing::MemcachedOracle oracle({"-t", "1", "-m", "2"});
  ASSERT_EQ(oracle.error(), "");
  const int fd = oracle.Connect();
  ASSERT_GE(fd, 0);
  EXPECT_EQ(Exchange(fd, "stats memory\r\n", "\r\n"), "ERROR\r\n");
  for (int i = 0; i < 40; ++i) Exchange(fd, Set("key" + std::to_string(i), 50000), "\r\n");
  MemoryStatsInput input{
      .general = ParseStatReply(Exchange(fd, "stats\r\n", "END\r\n")).value(),
      .slabs = ParseStatReply(Exchange(fd, "stats slabs\r\n", "END\r\n")).value(),
      .items = ParseStatReply(Exchange(fd, "stats items\r\n", "END\r\n")).value(),
      .peak_store_bytes = std::nullopt};
  close(fd);
  const StatMap m = Compute(input);
  EXPECT_GT(U64(m, "keys.count"), 0u);
  EXPECT_EQ(BrokenIdentity(m), "");

  Connection reference({"-t", "1", "-m", "2"});
  const std::string reply = reference.Send("stats memory\r\n");
  EXPECT_TRUE(reply.starts_with("STAT peak.allocated "));
  EXPECT_TRUE(reply.ends_with("\r\nEND\r\n"));
}

// A random workload at a small memory limit: sets across the slab classes
// (chunked items too) so that classes evict, deletes, incr and append,
// expiry moved by debugtime, and flush_all.
rc::Gen<std::string> GenRequest() {
  const auto key =
      rc::gen::map(rc::gen::inRange(0, 90), [](int k) { return "k" + std::to_string(k); });
  return rc::gen::weightedOneOf<std::string>({
      {12, rc::gen::apply(
               [](const std::string& k, int size, int exptime) {
                 return "set " + k + " 0 " + std::to_string(exptime) + " " + std::to_string(size) +
                        "\r\n" + std::string(size, 'v') + "\r\n";
               },
               key,
               rc::gen::weightedOneOf<int>({{6, rc::gen::inRange(0, 200)},
                                            {4, rc::gen::inRange(200, 20000)},
                                            {2, rc::gen::inRange(20000, 300000)},
                                            {1, rc::gen::inRange(500000, 1000000)}}),
               rc::gen::weightedElement<int>({{6, 0}, {2, 1}, {2, 5}, {1, -1}}))},
      // A burst of sets of one size, to fill a class until it evicts.
      {2, rc::gen::apply(
              [](int first, int size) {
                std::string burst;
                for (int k = first; k < first + 30; ++k) {
                  burst += "set k" + std::to_string(k) + " 0 0 " + std::to_string(size) +
                           " noreply\r\n" + std::string(size, 'b') + "\r\n";
                }
                return burst;
              },
              rc::gen::inRange(0, 60), rc::gen::inRange(1000, 150000))},
      {4, rc::gen::map(key, [](const std::string& k) { return "delete " + k + "\r\n"; })},
      {2, rc::gen::map(key, [](const std::string& k) { return "incr " + k + " 1\r\n"; })},
      {2,
       rc::gen::map(key, [](const std::string& k) { return "append " + k + " 0 0 3\r\nabc\r\n"; })},
      {2, rc::gen::map(key, [](const std::string& k) { return "get " + k + "\r\n"; })},
      {2, rc::gen::map(rc::gen::inRange(1, 4),
                       [](int s) { return "debugtime " + std::to_string(s) + "\r\n"; })},
      {1, rc::gen::just(std::string("flush_all\r\n"))},
      {1, rc::gen::just(std::string("stats reset\r\n"))},
  });
}

std::vector<std::string> GenFlags() {
  std::vector<std::string> flags = {"-m", std::to_string(*rc::gen::inRange(2, 5))};
  if (*rc::gen::arbitrary<bool>()) flags.insert(flags.end(), {"-o", "no_modern"});
  if (*rc::gen::arbitrary<bool>()) flags.emplace_back("-C");
  return flags;
}

RC_GTEST_PROP(MemoryStatsProperties, ThePagesIdentitiesHold, ()) {
  Connection c(GenFlags());
  const auto requests = *rc::gen::container<std::vector<std::string>>(GenRequest());
  uint64_t last_peak = 0;
  for (const std::string& request : requests) {
    c.Send(request);
    const StatMap m = c.Memory();
    const std::string broken = BrokenIdentity(m);
    RC_ASSERT(broken == "");
    // The peak never falls, and the report follows memcached's own figures.
    RC_ASSERT(U64(m, "peak.allocated") >= last_peak);
    last_peak = U64(m, "peak.allocated");
    const StatMap general = c.Family("stats");
    RC_ASSERT(U64(m, "dataset.bytes") == U64(general, "bytes"));
    RC_ASSERT(U64(m, "keys.count") == U64(general, "curr_items"));
    RC_ASSERT(U64(m, "allocator.resident") == U64(c.Family("stats slabs"), "total_malloced"));
  }
  RC_CLASSIFY(U64(c.Family("stats"), "evictions") > 0, "evicted");
}

RC_GTEST_PROP(MemoryStatsProperties, TheReportIsDeterministic, ()) {
  const std::vector<std::string> flags = GenFlags();
  const auto requests = *rc::gen::container<std::vector<std::string>>(GenRequest());
  Connection first(flags);
  Connection second(flags);
  for (const std::string& request : requests) {
    first.Send(request);
    second.Send(request);
  }
  RC_ASSERT(first.Send("stats memory\r\n") == second.Send("stats memory\r\n"));
}

RC_GTEST_PROP(MemoryStatsProperties, TheFamiliesGiveTheSameReport, ()) {
  Connection c(GenFlags());
  for (const std::string& request : *rc::gen::container<std::vector<std::string>>(GenRequest())) {
    c.Send(request);
  }
  const MemoryStatsInput input{.general = c.Family("stats"),
                               .slabs = c.Family("stats slabs"),
                               .items = c.Family("stats items"),
                               .peak_store_bytes = c.server().cache().peak_bytes()};
  std::vector<MemoryStat> report;
  std::string error;
  RC_ASSERT(ComputeMemoryStats(input, &report, &error));
  std::string lines;
  for (const MemoryStat& stat : report) lines += "STAT " + stat.name + " " + stat.value + "\r\n";
  RC_ASSERT(lines + "END\r\n" == c.Send("stats memory\r\n"));
}

}  // namespace
}  // namespace mcspec::ref
