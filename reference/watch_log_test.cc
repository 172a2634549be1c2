#include "watch_log.h"

#include <gtest/gtest.h>

#include <string>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

std::string Send(Session& session, std::string_view bytes) {
  std::string out;
  session.Receive(bytes, &out);
  return out;
}

std::string Polled(Session& session) {
  std::string out;
  session.Poll(&out);
  return out;
}

// A watcher that does not read keeps 256 KiB; a line that does not fit with
// 128 bytes to spare is counted, and announced as "skipped=N" with the next
// line that does (memcached 1.6.18's logger.c asks for both at once).
TEST(Watch, AFullBufferSkipsLinesAndSaysHowMany) {
  WatchLog log;
  const int slow = log.AddWatcher(WatchLog::kMutations);
  const int other = log.AddWatcher(WatchLog::kFetchers);
  std::string taken;
  log.Take(other, &taken);
  EXPECT_EQ(taken, "OK\r\n");
  const std::string body(1000, 'x');
  size_t logged = 0;
  while (log.lines_skipped() < 3) {
    log.Log(WatchLog::kMutations, 100, body);
    ++logged;
  }
  EXPECT_EQ(log.lines_sent() + log.lines_skipped(), logged);
  taken.clear();
  log.Take(other, &taken);  // wants no mutations
  EXPECT_EQ(taken, "");
  log.Take(slow, &taken);
  EXPECT_LE(taken.size() + 128, size_t{256} * 1024);
  EXPECT_GT(taken.size() + 1030 + 128, size_t{256} * 1024);
  EXPECT_EQ(taken.rfind("OK\r\nts=100.0 gid=3 " + body + "\n", 0), 0u);
  EXPECT_EQ(taken.find("skipped"), std::string::npos);
  taken.clear();
  log.Take(slow, &taken);
  EXPECT_EQ(taken, "");
  log.Log(WatchLog::kMutations, 101, "y");
  log.Take(slow, &taken);
  EXPECT_EQ(taken, "skipped=3\nts=101.0 gid=" + std::to_string(logged + 3) + " y\n");
}

// The workload of a probe of memcached 1.6.18 (-t 1 -o no_modern -m 2): two
// watchers, then a client (fd 13) at work. memcached's lines are the same
// but for their timestamps, which come from its real clock (with
// microseconds), and the refused set's uninitialised cfd.
TEST(Watch, LinesForFetchesAndMutationsAsMemcachedWritesThem) {
  Server server(ParseServerFlags({"-t", "1", "-o", "no_modern", "-m", "2"}).settings);
  Session all(server, 11);
  Session mutations(server, 12);
  Session client(server, 13);
  EXPECT_EQ(Send(all, "watch fetchers mutations evictions\r\n"), "OK\r\n");
  EXPECT_EQ(Send(mutations, "watch mutations\r\n"), "OK\r\n");
  EXPECT_EQ(Send(client,
                 "set a:b 5 100 3\r\nxyz\r\nget a:b nope\r\nadd a:b 0 0 1\r\nq\r\nappend a:b 0 0 "
                 "2\r\nqq\r\ndelete a:b\r\nincr n 1\r\nset n 0 -1 1\r\n5\r\nget n\r\nset big 0 0 "
                 "2000000\r\n" +
                     std::string(2000002, 'x')),
            "STORED\r\nVALUE a:b 5 3\r\nxyz\r\nEND\r\nNOT_STORED\r\nSTORED\r\nDELETED\r\n"
            "NOT_FOUND\r\nSTORED\r\nEND\r\nSERVER_ERROR object too large for cache\r\n");
  const std::string ts = "ts=" + std::to_string(server.clock().unix_now()) + ".0 ";
  const std::string store_set =
      ts + "gid=4 type=item_store key=a%3Ab status=stored cmd=set ttl=100 clsid=1 cfd=13 size=3\n";
  const std::string store_add =
      ts +
      "gid=8 type=item_store key=a%3Ab status=not_stored cmd=add ttl=0 clsid=1 cfd=13 size=1\n";
  const std::string store_append =
      ts +
      "gid=10 type=item_store key=a%3Ab status=stored cmd=append ttl=100 clsid=1 cfd=13 size=5\n";
  const std::string store_n =
      ts +
      "gid=14 type=item_store key=n status=stored cmd=set ttl=4294967235 clsid=1 cfd=13 size=1\n";
  const std::string store_big =
      ts + "gid=16 type=item_store key=big status=too_large cmd=set ttl=0 clsid=13 cfd=0 size=0\n";
  EXPECT_EQ(
      Polled(all),
      ts + "gid=3 type=item_get key=a%3Ab status=not_found clsid=0 cfd=13 size=0\n" + store_set +
          ts + "gid=5 type=item_get key=a%3Ab status=found clsid=1 cfd=13 size=3\n" + ts +
          "gid=6 type=item_get key=nope status=not_found clsid=0 cfd=13 size=0\n" + ts +
          "gid=7 type=item_get key=a%3Ab status=found clsid=1 cfd=13 size=3\n" + store_add + ts +
          "gid=9 type=item_get key=a%3Ab status=found clsid=1 cfd=13 size=3\n" + store_append + ts +
          "gid=11 type=item_get key=a%3Ab status=found clsid=1 cfd=13 size=5\n" + ts +
          "gid=12 type=item_get key=n status=not_found clsid=0 cfd=13 size=0\n" + ts +
          "gid=13 type=item_get key=n status=not_found clsid=0 cfd=13 size=0\n" + store_n + ts +
          "gid=15 type=item_get key=n status=expired clsid=0 cfd=13 size=0\n" + store_big + ts +
          "gid=17 type=item_get key=big status=not_found clsid=0 cfd=13 size=0\n");
  EXPECT_EQ(Polled(mutations), store_set + store_add + store_append + store_n + store_big);
  EXPECT_EQ(Polled(all), "");

  const std::string stats = Send(client, "stats\r\n");
  EXPECT_NE(stats.find("STAT log_worker_written 15\r\n"), std::string::npos);
  EXPECT_NE(stats.find("STAT log_watcher_sent 20\r\n"), std::string::npos);
  EXPECT_NE(stats.find("STAT log_watchers 2\r\n"), std::string::npos);
}

TEST(Watch, RepliesToBadRequestsAsMemcachedDoes) {
  Server server(ParseServerFlags({"-t", "1"}).settings);
  Session bad(server);
  EXPECT_EQ(Send(bad, "watch nonsense\r\n"), "ERROR\r\n");
  Session pipelined(server);
  EXPECT_EQ(Send(pipelined, "version\r\nwatch\r\n"),
            "VERSION 1.6.18\r\nERROR cannot pipeline other commands before watch\r\n");
  Session quiet(server);
  EXPECT_EQ(Send(quiet, "watch noreply\r\nversion\r\n"), "VERSION 1.6.18\r\n");
}

TEST(Watch, EvictionLines) {
  Server server(ParseServerFlags({"-t", "1", "-o", "no_modern", "-m", "2"}).settings);
  Session watcher(server, 20);
  Session client(server, 21);
  ASSERT_EQ(Send(watcher, "watch evictions\r\n"), "OK\r\n");
  // Class 1 holds 21844 items at -m 2; one more evicts the oldest.
  std::string requests;
  for (int i = 0; i <= 21844; ++i)
    requests += "set k" + std::to_string(i) + " 0 0 1 noreply\r\nv\r\n";
  ASSERT_EQ(Send(client, requests), "");
  const std::string ts = "ts=" + std::to_string(server.clock().unix_now()) + ".0 ";
  EXPECT_EQ(Polled(watcher),
            ts + "gid=2 type=eviction key=k0 fetch=no ttl=-1 la=0 clsid=1 size=1\n");
}

// The crawler check after the first crawl reports on every LRU, as memcached
// 1.6.18 does a second after it starts (next_run = 60 + 5 seconds).
TEST(Watch, CrawlerStatusLinesForSysevents) {
  Server server(ParseServerFlags({"-t", "1"}).settings);
  Session watcher(server);
  Session client(server);
  ASSERT_EQ(Send(watcher, "watch sysevents\r\n"), "OK\r\n");
  ASSERT_EQ(Send(client, "debugtime 1\r\n"), "OK\r\n");
  const std::string lines = Polled(watcher);
  const std::string ts = "ts=" + std::to_string(server.clock().unix_now()) + ".0 ";
  EXPECT_TRUE(lines.starts_with(
      ts + "gid=2 type=lru_crawler crawler=1 lru=hot low_mark=1 next_reclaims=0 since_run=1 " +
      "next_run=65 elapsed=0 examined=0 reclaimed=0\n" + ts +
      "gid=3 type=lru_crawler crawler=2 lru=hot low_mark=1 next_reclaims=0 since_run=1 "
      "next_run=65 elapsed=0 examined=0 reclaimed=0\n"))
      << lines.substr(0, 400);
}

TEST(Watch, AWatcherNoLongerReadsRequestsAndStopsWatchingWhenClosed) {
  Server server(ParseServerFlags({}).settings);
  {
    Session watcher(server);
    EXPECT_EQ(Send(watcher, "watch\r\nversion\r\n"), "OK\r\n");
    EXPECT_EQ(Send(watcher, "version\r\n"), "");
    EXPECT_TRUE(watcher.watching());
  }
  Session client(server);
  EXPECT_NE(Send(client, "stats\r\n").find("STAT log_watchers 0\r\n"), std::string::npos);
}

}  // namespace
}  // namespace mcspec::ref
