#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"
#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

// Timestamps in expected output are relative to the server's start.
class Connection : public testing::TestConnection {
 public:
  using TestConnection::TestConnection;
  int64_t started() { return server().clock().process_started(); }
};

// Replies observed on memcached 1.6.18 (default settings, -t 1).
TEST(LruCrawlerCommand, ArgumentErrors) {
  Connection c({"-t", "1"});
  EXPECT_EQ(c.Send("lru_crawler\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("lru_crawler bogus\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("lru_crawler sleep 2000000\r\n"),
            "CLIENT_ERROR sleep must be one second or less\r\n");
  EXPECT_EQ(c.Send("lru_crawler sleep x\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("lru_crawler sleep 50\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("lru_crawler tocrawl x\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("lru_crawler tocrawl 0\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl 0\r\n"), "BADCLASS invalid class id\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl 64\r\n"), "BADCLASS invalid class id\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl x\r\n"), "BADCLASS invalid class id\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl ,\r\n"), "NOTSTARTED no items to crawl\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl hash\r\n"), "ERROR an unknown error happened\r\n");
  EXPECT_EQ(c.Send("lru_crawler metadump 99\r\n"), "BADCLASS invalid class id\r\n");
  EXPECT_EQ(c.Send("lru_crawler enable\r\n"), "ERROR failed to start lru crawler thread\r\n");
  EXPECT_EQ(c.Send("lru_crawler disable\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl 1\r\n"), "CLIENT_ERROR lru crawler disabled\r\n");
  EXPECT_EQ(c.Send("lru_crawler metadump all\r\n"), "CLIENT_ERROR lru crawler disabled\r\n");
  EXPECT_EQ(c.Send("lru_crawler disable\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("lru_crawler enable\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("stats settings\r\n").find("STAT lru_crawler yes\r\n") != std::string::npos,
            true);
}

TEST(LruCrawlerCommand, DisabledByNoModern) {
  Connection c({"-o", "no_modern"});
  EXPECT_EQ(c.Send("lru_crawler crawl all\r\n"), "CLIENT_ERROR lru crawler disabled\r\n");
}

// Same workload and output as memcached 1.6.18 (timestamps relative to its
// start): LRUs are dumped round-robin, each from its tail, keys URI-encoded,
// lines ending in "\n" and the dump in "END\r\n".
TEST(LruCrawlerMetadump, FormatAndRoundRobinOrder) {
  Connection c({"-t", "1"});
  ASSERT_EQ(c.Send("set a:1 0 0 1\r\nA\r\nset b%2 0 100 2\r\nBB\r\nset c 5 0 300\r\n" +
                   std::string(300, 'x') + "\r\nget a:1\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\nVALUE a:1 0 1\r\nA\r\nEND\r\n");
  const std::string la = std::to_string(c.started() + 62);
  const std::string exp_b = std::to_string(c.started() + 162);
  const std::string a = "key=a%3A1 exp=-1 la=" + la + " cas=1 fetch=yes cls=1 size=63\n";
  const std::string b = "key=b%252 exp=" + exp_b + " la=" + la + " cas=2 fetch=no cls=1 size=64\n";
  const std::string item_c = "key=c exp=-1 la=" + la + " cas=3 fetch=no cls=7 size=364\n";
  EXPECT_EQ(c.Send("lru_crawler metadump all\r\n"), a + item_c + b + "END\r\n");
  EXPECT_EQ(c.Send("lru_crawler metadump 1\r\n"), a + b + "END\r\n");
  EXPECT_EQ(c.Send("lru_crawler metadump 1,2,3\r\n"), a + b + "END\r\n");
  EXPECT_EQ(c.Send("lru_crawler metadump hash\r\n"), a + b + item_c + "END\r\n");
}

TEST(LruCrawlerMetadump, RefusedBehindUnsentResponses) {
  Connection c({"-t", "1"});
  EXPECT_EQ(c.Send("version\r\nlru_crawler metadump all\r\n"),
            "VERSION 1.6.18\r\nERROR cannot pipeline other commands before metadump\r\n");
}

// Without the maintainer (which would reclaim expired tail items itself when
// the clock moves), only the crawler reclaims them.
TEST(LruCrawler, CrawlReclaimsExpiredItemsAndCountsWhatItChecked) {
  Connection c({"-t", "1", "-o", "no_lru_maintainer"});
  ASSERT_EQ(c.Send("set a 0 2 1\r\nA\r\nset b 0 0 1\r\nB\r\nset d 0 2 1\r\nD\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\n");
  // Expired once the clock is past their exptime (the crawler, like the LRU
  // tail, only reclaims strictly after it).
  ASSERT_EQ(c.Send("debugtime 3\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("lru_crawler crawl 1\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("crawler_reclaimed", "stats"), "2");
  EXPECT_EQ(c.Stat("crawler_items_checked", "stats"), "3");
  EXPECT_EQ(c.Stat("expired_unfetched", "stats"), "2");
  EXPECT_EQ(c.Stat("curr_items", "stats"), "1");
}

TEST(LruCrawler, TocrawlLimitsHowFarEachCrawlerGoes) {
  Connection c({"-t", "1", "-o", "no_lru_maintainer"});
  ASSERT_EQ(c.Send("set a 0 1 1\r\nA\r\nset b 0 1 1\r\nB\r\nset d 0 1 1\r\nD\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\n");
  ASSERT_EQ(c.Send("debugtime 2\r\nlru_crawler tocrawl 1\r\nlru_crawler crawl 1\r\n"),
            "OK\r\nOK\r\nOK\r\n");
  EXPECT_EQ(c.Stat("crawler_reclaimed", "stats"), "1");
  EXPECT_EQ(c.Stat("curr_items", "stats"), "2");
}

// memcached's maintainer starts the crawler over every LRU as it starts.
TEST(LruMaintainer, CrawlerRunsOnceAtStart) {
  Connection modern({"-t", "1"});
  EXPECT_EQ(modern.Stat("lru_crawler_starts", "stats"), "1");
  EXPECT_EQ(modern.Stat("lru_maintainer_juggles", "stats"), "1");
  Connection flat({"-o", "no_modern"});
  EXPECT_EQ(flat.Stat("lru_crawler_starts", "stats"), "");
}

// New items enter HOT; the maintainer's next wake moves them to COLD, since
// HOT may only hold 20% of a class's bytes (or items younger than 20% of
// COLD's age).
TEST(LruMaintainer, WakeMovesItemsFromHotToCold) {
  Connection c({"-t", "1"});
  ASSERT_EQ(c.Send("set a 0 0 1\r\nA\r\nset b 0 0 1\r\nB\r\n"), "STORED\r\nSTORED\r\n");
  EXPECT_EQ(c.Stat("items:1:number_hot", "stats items"), "2");
  ASSERT_EQ(c.Send("debugtime 1\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("items:1:number_hot", "stats items"), "0");
  EXPECT_EQ(c.Stat("items:1:number_cold", "stats items"), "2");
  EXPECT_EQ(c.Stat("items:1:moves_to_cold", "stats items"), "2");
  EXPECT_EQ(c.Stat("lru_maintainer_juggles", "stats"), "2");
}

// The second hit of a COLD item is queued for the maintainer, which applies
// it when it next runs, as memcached's thread does up to a second later
// (checked with `mg l` and `stats items` on the real server).
TEST(LruMaintainer, SecondHitInColdIsAppliedAtTheNextWake) {
  Connection c({"-t", "1"});
  ASSERT_EQ(c.Send("set a 0 0 1\r\nA\r\ndebugtime 1\r\n"), "STORED\r\nOK\r\n");
  ASSERT_EQ(c.Stat("items:1:number_cold", "stats items"), "1");
  ASSERT_EQ(c.Send("get a\r\nget a\r\nmg a l\r\n"),
            "VALUE a 0 1\r\nA\r\nEND\r\nVALUE a 0 1\r\nA\r\nEND\r\nHD l1\r\n");
  // The wake's juggle rescues the active item to WARM and, WARM being older
  // than an empty COLD, sends it back; then the queued hit refreshes its time.
  ASSERT_EQ(c.Send("debugtime 1\r\nmg a l\r\n"), "OK\r\nHD l0\r\n");
  EXPECT_EQ(c.Stat("items:1:number_cold", "stats items"), "1");
  EXPECT_EQ(c.Stat("items:1:moves_to_warm", "stats items"), "1");
}

}  // namespace
}  // namespace mcspec::ref
