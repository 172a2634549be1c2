// The -vv lines the core produces (verbose_log.h), checked in process; the
// network test (net_server_test.cc) compares the same lines with memcached's.
#include "verbose_log.h"

#include <gtest/gtest.h>

#include <string>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

Settings Flags(std::vector<std::string> flags) {
  return ParseServerFlags(flags).settings;
}

class VerboseLogTest : public ::testing::Test {
 protected:
  explicit VerboseLogTest(std::vector<std::string> flags = {"-vv"}) : server_(Flags(flags)) {
    server_.verbose_log().set_sink([this](std::string_view text) { log_.append(text); });
  }
  std::string Send(Session& session, std::string_view bytes) {
    std::string out;
    session.Receive(bytes, &out);
    return out;
  }

  Server server_;
  std::string log_;
};

TEST_F(VerboseLogTest, RequestsRepliesAndHits) {
  Session session(server_, 7);
  Send(session, "set a 0 0 1\r\nx\r\nget a zz\r\ndelete a noreply\r\nmg a v\r\nmn\r\n");
  EXPECT_EQ(log_,
            "7: Client using the ascii protocol\n"
            "<7 set a 0 0 1\n>7 STORED\n"
            "<7 get a zz\n>7 sending key a\n>7 END\n"
            "<7 delete a noreply\n>7 NOREPLY DELETED\n"
            "<7 mg a v\n"  // meta replies are not out_string's
            "<7 mn\n>7 MN\n");
}

TEST_F(VerboseLogTest, CasFailureNamesBothValues) {
  Session session(server_, 7);
  Send(session, "set a 0 0 1\r\nx\r\n");
  log_.clear();
  Send(session, "cas a 0 0 1 99\r\ny\r\n");
  EXPECT_EQ(log_, "<7 cas a 0 0 1 99\nCAS:  failure: expected 1, got 99\n>7 EXISTS\n");
}

TEST_F(VerboseLogTest, VerbosityTakesEffectAtOnce) {
  Session session(server_, 7);
  Send(session, "verbosity 1\r\nget a\r\nverbosity 2\r\n");
  EXPECT_EQ(log_, "7: Client using the ascii protocol\n<7 verbosity 1\n>7 OK\n");
}

TEST_F(VerboseLogTest, NothingBelowTwoVerboseFlags) {
  Server quiet(Flags({"-v"}));
  std::string log;
  quiet.verbose_log().set_sink([&log](std::string_view text) { log.append(text); });
  Session session(quiet);
  std::string out;
  session.Receive("set a 0 0 1\r\nx\r\nget a\r\n", &out);
  EXPECT_EQ(log, "");
}

TEST_F(VerboseLogTest, HashTableGrowthIsAnnounced) {
  Server server(Flags({"-vv", "-o", "hashpower=12"}));
  std::string log;
  server.verbose_log().set_sink([&log](std::string_view text) {
    if (text.starts_with("Hash")) log.append(text);
  });
  Session session(server);
  std::string out;
  // memcached grows past 1.5 items per bucket: 6144 items fit 2^12 buckets.
  for (int i = 0; i < 6145; ++i) {
    session.Receive("set k" + std::to_string(i) + " 0 0 1 noreply\r\nx\r\n", &out);
    if (i == 6143) {
      EXPECT_EQ(log, "");
    }
  }
  EXPECT_EQ(log, "Hash table expansion starting\nHash table expansion done\n");
  EXPECT_EQ(server.cache().hash_power(), 13u);
  session.Receive("get k0 k6144\r\n", &out);
  EXPECT_NE(out.find("VALUE k0 "), std::string::npos);
  EXPECT_NE(out.find("VALUE k6144 "), std::string::npos);
}

TEST_F(VerboseLogTest, CrawlerReclaimsCarryItemFlagsAndLru) {
  Server server(Flags({"-vv", "-o", "no_modern"}));
  std::string log;
  server.verbose_log().set_sink([&log](std::string_view text) {
    if (text.starts_with("LRU")) log.append(text);
  });
  Session session(server);
  std::string out;
  session.Receive("lru_crawler enable\r\nset a 5 1 1\r\nx\r\nset b 0 1 1\r\ny\r\nget b\r\n", &out);
  server.AdvanceClock(3);
  session.Receive("lru_crawler crawl all\r\n", &out);
  // ITEM_LINKED|ITEM_CAS, with ITEM_CFLAGS (256) for client flags and
  // ITEM_FETCHED (8) once read; slab 129 is class 1's COLD LRU. The crawler
  // starts at the tail, the oldest item.
  EXPECT_EQ(log,
            "LRU crawler found an expired item (flags: 259, slab: 129): a\n"
            "LRU crawler found an expired item (flags: 11, slab: 129): b\n");
}

}  // namespace
}  // namespace mcspec::ref
