// The item store as seen through the protocol: flat-LRU eviction and reclaim
// under `-o no_modern` with a small memory limit, and chunked items. Expected
// statistics are memcached 1.6.18's answers to the same requests.
#include "cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "key_hash.h"
#include "server.h"
#include "session.h"
#include "settings.h"
#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

using Connection = testing::TestConnection;

// Two 1 MiB pages of class 1 (96-byte chunks) fit in `-m 2`: 21844 items.
constexpr int kClassOneCapacity = 21844;

std::string KeyNumber(int i) {
  char key[16];
  std::snprintf(key, sizeof(key), "k%05d", i);
  return key;
}

// Fills class 1 with k00000.. (6-byte key, 1-byte value: 66 bytes each),
// oldest first; `exptime_of(i)` gives each item's exptime.
template <typename ExptimeOf>
void FillClassOne(Connection& c, ExptimeOf exptime_of) {
  std::string requests;
  std::string stored;
  for (int i = 0; i < kClassOneCapacity; ++i) {
    requests += "set " + KeyNumber(i) + " 0 " + std::to_string(exptime_of(i)) + " 1\r\nx\r\n";
    stored += "STORED\r\n";
  }
  ASSERT_EQ(c.Send(requests), stored);
}

void FillClassOne(Connection& c) {
  FillClassOne(c, [](int) { return 0; });
}

std::string FlatItemsStats(int number, int age, uint64_t mem_requested, int evicted,
                           int evicted_nonzero, int evicted_time, int outofmemory, int reclaimed,
                           int expired_unfetched, int evicted_unfetched) {
  auto line = [](std::string_view name, uint64_t value) {
    return "STAT items:1:" + std::string(name) + " " + std::to_string(value) + "\r\n";
  };
  return line("number", number) + line("age", age) + line("mem_requested", mem_requested) +
         line("evicted", evicted) + line("evicted_nonzero", evicted_nonzero) +
         line("evicted_time", evicted_time) + line("outofmemory", outofmemory) +
         line("tailrepairs", 0) + line("reclaimed", reclaimed) +
         line("expired_unfetched", expired_unfetched) +
         line("evicted_unfetched", evicted_unfetched) + line("crawler_reclaimed", 0) +
         line("crawler_items_checked", 0) + line("lrutail_reflocked", 0) + "END\r\n";
}

const std::vector<std::string> kSmallFlat = {"-o", "no_modern", "-m", "2"};

TEST(CacheFlatLru, EvictsOldestFirstWhetherFetchedOrNot) {
  Connection c(kSmallFlat);
  FillClassOne(c);
  EXPECT_EQ(c.Send("get k00001\r\n"), "VALUE k00001 0 1\r\nx\r\nEND\r\n");  // fetched, not bumped
  EXPECT_EQ(c.Send("set z0 0 0 1\r\nx\r\nset z1 0 0 1\r\nx\r\nset z2 0 0 1\r\nx\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\n");
  EXPECT_EQ(c.Send("get k00000 k00001 k00002 k00003\r\n"), "VALUE k00003 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("stats items\r\n"), FlatItemsStats(21844, 0, 1441692, 3, 0, 0, 0, 0, 0, 2));
  EXPECT_EQ(c.Stat("evictions"), "3");
  EXPECT_EQ(c.Stat("evicted_unfetched"), "2");
  EXPECT_EQ(c.Stat("curr_items"), "21844");
  EXPECT_EQ(c.Stat("total_items"), "21847");
  EXPECT_EQ(c.Stat("bytes"), "1441692");
}

TEST(CacheFlatLru, ReclaimsExpiredTailItemsInsteadOfEvicting) {
  Connection c(kSmallFlat);
  FillClassOne(c, [](int i) { return i < 3 ? 1 : 0; });
  c.AdvanceClock(2);
  EXPECT_EQ(c.Send("set new 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("stats items\r\n"), FlatItemsStats(21842, 2, 1441569, 0, 0, 0, 0, 3, 3, 0));
  EXPECT_EQ(c.Stat("reclaimed"), "3");
  EXPECT_EQ(c.Stat("expired_unfetched"), "3");
  EXPECT_EQ(c.Stat("evictions"), "0");
}

TEST(CacheFlatLru, ReclaimsExpiredTailItemsEvenWithMemoryToSpare) {
  Connection c({"-o", "no_modern"});
  EXPECT_EQ(c.Send("set a 0 1 1\r\nx\r\nset b 0 1 1\r\nx\r\nget b\r\nset c 0 0 1\r\nx\r\n"),
            "STORED\r\nSTORED\r\nVALUE b 0 1\r\nx\r\nEND\r\nSTORED\r\n");
  c.AdvanceClock(2);
  EXPECT_EQ(c.Send("set d 0 0 1\r\nx\r\n"), "STORED\r\n");
  // b was fetched, so only a counts as expired_unfetched.
  EXPECT_EQ(c.Send("stats items\r\n"), FlatItemsStats(2, 2, 122, 0, 0, 0, 0, 2, 1, 0));
  EXPECT_EQ(c.Stat("total_items"), "4");
}

TEST(CacheFlatLru, ItemExpiringThisSecondIsHiddenButNotYetReclaimed) {
  Connection c({"-o", "no_modern"});
  EXPECT_EQ(c.Send("set a 0 1 1\r\nx\r\n"), "STORED\r\n");
  c.AdvanceClock(1);
  // The tail pull reclaims only exptime < now; a get hides exptime <= now.
  EXPECT_EQ(c.Send("set b 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Stat("curr_items"), "2");
  EXPECT_EQ(c.Send("get a\r\n"), "END\r\n");
  EXPECT_EQ(c.Stat("curr_items"), "1");
  EXPECT_EQ(c.Stat("get_expired"), "1");
  EXPECT_EQ(c.Stat("reclaimed"), "0");
}

TEST(CacheFlatLru, FlushedTailItemsAreReclaimed) {
  Connection c({"-o", "no_modern"});
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\nx\r\nflush_all\r\nset c 0 0 1\r\nx\r\n"),
            "STORED\r\nSTORED\r\nOK\r\nSTORED\r\n");
  EXPECT_EQ(c.Send("stats items\r\n"), FlatItemsStats(1, 0, 61, 0, 0, 0, 0, 2, 2, 0));
}

TEST(CacheFlatLru, OnlyTheTailDecidesThenExpiredItemsBehindItAreReclaimed) {
  Connection c(kSmallFlat);
  FillClassOne(c, [](int i) { return i == 0 ? 1000 : i == 1 ? 1 : 0; });
  c.AdvanceClock(2);
  // The live tail (k00000) is evicted; the next round reclaims k00001.
  EXPECT_EQ(c.Send("set z0 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("stats items\r\n"), FlatItemsStats(21843, 2, 1441634, 1, 1, 2, 0, 1, 1, 1));
  EXPECT_EQ(c.Send("set z1 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Stat("curr_items"), "21844");
  EXPECT_EQ(c.Stat("evictions"), "1");
}

TEST(CacheFlatLru, HitsMoveAnItemToTheHeadOnlyAfterSixtySeconds) {
  Connection c(kSmallFlat);
  FillClassOne(c);
  c.AdvanceClock(60);
  EXPECT_EQ(c.Send("get k00000\r\n"),
            "VALUE k00000 0 1\r\nx\r\nEND\r\n");  // 60 s old: stays at the tail
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get k00001\r\n"),
            "VALUE k00001 0 1\r\nx\r\nEND\r\n");  // 61 s old: moved to the head
  EXPECT_EQ(c.Send("touch k00002 0\r\n"), "TOUCHED\r\n");
  EXPECT_EQ(c.Send("add k00003 0 0 1\r\ny\r\n"), "NOT_STORED\r\n");
  EXPECT_EQ(c.Send("set z0 0 0 1\r\nx\r\nset z1 0 0 1\r\nx\r\nset z2 0 0 1\r\nx\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\n");
  EXPECT_EQ(c.Send("get k00000 k00001 k00002 k00003 k00004 k00005 k00006\r\n"),
            "VALUE k00001 0 1\r\nx\r\nVALUE k00002 0 1\r\nx\r\nVALUE k00003 0 1\r\nx\r\nVALUE "
            "k00006 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Stat("evictions"), "3");
  EXPECT_EQ(c.Stat("evicted_unfetched"), "2");
}

// memcached holds the item lock of the key it appends to while it allocates
// the combined item, and its LRU pull skips every tail item guarded by the
// same lock (with -t 1, 1024 locks picked by the key hash). The first
// allocation (the appended data) holds no lock and evicts the tail as usual.
// Observed on memcached 1.6.18 with these keys.
TEST(CacheFlatLru, AllocationUnderAKeysLockSkipsTailItemsSharingThatLock) {
  Connection c({"-o", "no_modern", "-m", "2", "-t", "1"});
  FillClassOne(c);
  std::string sharing_lock;
  for (int i = 100; i < kClassOneCapacity && sharing_lock.empty(); ++i) {
    if ((JenkinsHash(KeyNumber(i)) & 1023) == (JenkinsHash(KeyNumber(1)) & 1023)) {
      sharing_lock = KeyNumber(i);
    }
  }
  ASSERT_FALSE(sharing_lock.empty());
  EXPECT_EQ(c.Send("append " + sharing_lock + " 0 0 1\r\ny\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("get " + KeyNumber(0) + "\r\n"), "END\r\n");
  EXPECT_EQ(c.Send("get " + KeyNumber(1) + "\r\n"),
            "VALUE " + KeyNumber(1) + " 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("get " + KeyNumber(2) + "\r\n"), "END\r\n");
  EXPECT_EQ(c.Stat("evictions"), "2");
}

TEST(CacheFlatLru, WithoutEvictionAllocationFailsAndCountsOutOfMemory) {
  Connection c({"-o", "no_modern", "-m", "2", "-M"});
  FillClassOne(c);
  EXPECT_EQ(c.Send("set z 0 0 1\r\nx\r\n"), "SERVER_ERROR out of memory storing object\r\n");
  EXPECT_EQ(c.Send("stats items\r\n"), FlatItemsStats(21844, 0, 1441704, 0, 0, 0, 1, 0, 0, 0));
  EXPECT_EQ(c.Stat("store_no_memory"), "1");
}

TEST(CacheFlatLru, EveryClassMayTakeItsFirstPageBeyondTheLimit) {
  Connection c(kSmallFlat);
  FillClassOne(c);
  EXPECT_EQ(c.Send("set z 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("set big 0 0 150\r\n" + std::string(150, 'y') + "\r\n"), "STORED\r\n");
  const std::string slabs = c.Send("stats slabs\r\n");
  EXPECT_NE(slabs.find("STAT 5:total_pages 1\r\n"), std::string::npos) << slabs;
  EXPECT_NE(slabs.find("STAT active_slabs 2\r\nSTAT total_malloced 3145584\r\nEND\r\n"),
            std::string::npos)
      << slabs;
  EXPECT_EQ(c.Stat("evictions"), "1");
}

std::string SlabStats(int clsid, uint32_t chunk_size, uint32_t perslab, uint32_t pages,
                      uint32_t used, uint32_t cmd_set, uint32_t delete_hits) {
  auto line = [&](std::string_view name, uint64_t value) {
    return "STAT " + std::to_string(clsid) + ":" + std::string(name) + " " + std::to_string(value) +
           "\r\n";
  };
  const uint32_t total = pages * perslab;
  return line("chunk_size", chunk_size) + line("chunks_per_page", perslab) +
         line("total_pages", pages) + line("total_chunks", total) + line("used_chunks", used) +
         line("free_chunks", total - used) + line("free_chunks_end", 0) + line("get_hits", 0) +
         line("cmd_set", cmd_set) + line("delete_hits", delete_hits) + line("incr_hits", 0) +
         line("decr_hits", 0) + line("cas_hits", 0) + line("cas_badval", 0) + line("touch_hits", 0);
}

TEST(CacheChunkedItems, HeaderAndDataChunksComeFromTheirOwnClasses) {
  Connection c;
  // 600002 data bytes: a class 2 header, one 524288 chunk (524240 data) and
  // a class 31 chunk for the remaining 75762 bytes plus its header.
  EXPECT_EQ(c.Send("set big 0 0 600000\r\n" + std::string(600000, 'a') + "\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("stats slabs\r\n"),
            SlabStats(2, 120, 8738, 1, 1, 0, 0) + SlabStats(31, 82792, 12, 1, 1, 0, 0) +
                SlabStats(39, 524288, 2, 1, 1, 1, 0) +
                "STAT active_slabs 3\r\nSTAT total_malloced 3145728\r\nEND\r\n");
  EXPECT_EQ(c.Stat("bytes"), "600062");

  // The remainder after one full chunk still needs a full chunk.
  EXPECT_EQ(c.Send("set big2 0 0 1048000\r\n" + std::string(1048000, 'a') + "\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("delete big\r\n"), "DELETED\r\n");
  EXPECT_EQ(c.Send("stats slabs\r\n"),
            SlabStats(2, 120, 8738, 1, 1, 0, 0) + SlabStats(31, 82792, 12, 1, 0, 0, 0) +
                SlabStats(39, 524288, 2, 2, 2, 2, 1) +
                "STAT active_slabs 3\r\nSTAT total_malloced 4194304\r\nEND\r\n");
  EXPECT_EQ(c.Stat("bytes"), "1048063");
  EXPECT_EQ(c.Stat("curr_items"), "1");
  EXPECT_EQ(c.Send("get big2\r\n"),
            "VALUE big2 0 1048000\r\n" + std::string(1048000, 'a') + "\r\nEND\r\n");
}

TEST(CacheChunkedItems, ChunkedValuesAreNeverNumeric) {
  Connection c;
  const std::string digits(600000, '1');
  EXPECT_EQ(c.Send("set n 0 0 600000\r\n" + digits + "\r\nincr n 1\r\n"),
            "STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
}

TEST(CacheChunkedItems, BadDataChunkOnAChunkedValue) {
  Connection c;
  EXPECT_EQ(c.Send("set big 0 0 600000\r\n" + std::string(600002, 'a') + "version\r\n"),
            "CLIENT_ERROR bad data chunk\r\nVERSION 1.6.18\r\n");
}

}  // namespace
}  // namespace mcspec::ref
