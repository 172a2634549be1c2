#include <gtest/gtest.h>

#include <string>

#include "server.h"
#include "session.h"
#include "settings.h"
#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

using Connection = testing::TestConnection;

// Replies of Debian's memcached 1.6.18 (TLS and extstore compiled in, not
// enabled) to the same requests.
TEST(RefreshCerts, TlsIsNotEnabled) {
  Connection c({"-t", "1"});
  EXPECT_EQ(c.Send("refresh_certs\r\nrefresh_certs noreply\r\n"),
            "Error TLS not enabled\r\nError TLS not enabled\r\n");
}

TEST(Extstore, TunesSettingsWithoutAStore) {
  Connection c({"-t", "1"});
  EXPECT_EQ(c.Send("extstore\r\nextstore item_size\r\nextstore item_size 10\r\n"),
            "ERROR\r\nERROR\r\nOK\r\n");
  EXPECT_EQ(c.Stat("ext_item_size", "stats settings"), "10");
  // memcached parses into the setting, zeroing it first.
  EXPECT_EQ(c.Send("extstore item_size x\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Stat("ext_item_size", "stats settings"), "0");
  EXPECT_EQ(c.Send("extstore free_memchunks 1 2\r\nextstore free_memchunks 99 2\r\n"
                   "extstore free_memchunks 1\r\nextstore bogus 1\r\n"),
            "OK\r\nERROR\r\nERROR\r\nERROR\r\n");
  EXPECT_EQ(c.Send("extstore max_frag 0.5\r\nextstore drop_unread 3\r\n"
                   "extstore item_age 7 noreply\r\nextstore low_ttl 9\r\n"),
            "OK\r\nOK\r\nOK\r\n");
  EXPECT_EQ(c.Stat("ext_max_frag", "stats settings"), "0.50");
  EXPECT_EQ(c.Stat("ext_drop_unread", "stats settings"), "yes");
  EXPECT_EQ(c.Stat("ext_item_age", "stats settings"), "7");
  EXPECT_EQ(c.Stat("ext_low_ttl", "stats settings"), "9");
}

// The listeners and connections of a probe of memcached 1.6.18 (-t 1 -p/-U
// 29986): the asking connection is in conn_parse_cmd, one in the middle of a
// value in conn_nread.
TEST(StatsConns, ListenersAndSessionsInFdOrder) {
  Server server(ParseServerFlags({"-t", "1"}).settings);
  server.AddListener(Listener{10, "tcp:127.0.0.1:29986", false});
  server.AddListener(Listener{11, "udp:127.0.0.1:29986", true});
  Session asking(server, 12);
  asking.set_addresses("tcp:127.0.0.1:43046", "tcp:127.0.0.1:29986");
  Session reading(server, 13);
  reading.set_addresses("tcp:127.0.0.1:43062", "tcp:127.0.0.1:29986");
  std::string out;
  reading.Receive("set k 0 0 5\r\nab", &out);
  out.clear();
  asking.Receive("stats conns\r\n", &out);
  EXPECT_EQ(out,
            "STAT 10:addr tcp:127.0.0.1:29986\r\n"
            "STAT 10:state conn_listening\r\n"
            "STAT 10:secs_since_last_cmd 0\r\n"
            "STAT 11:UDP UDP\r\n"
            "STAT 11:addr udp:127.0.0.1:29986\r\n"
            "STAT 11:state conn_read\r\n"
            "STAT 11:secs_since_last_cmd 0\r\n"
            "STAT 12:addr tcp:127.0.0.1:43046\r\n"
            "STAT 12:listen_addr tcp:127.0.0.1:29986\r\n"
            "STAT 12:state conn_parse_cmd\r\n"
            "STAT 12:secs_since_last_cmd 0\r\n"
            "STAT 13:addr tcp:127.0.0.1:43062\r\n"
            "STAT 13:listen_addr tcp:127.0.0.1:29986\r\n"
            "STAT 13:state conn_nread\r\n"
            "STAT 13:secs_since_last_cmd 0\r\n"
            "END\r\n");
  // Idle time comes from the clock; a session that ends leaves the list.
  out.clear();
  asking.Receive("debugtime 5\r\n", &out);
  ASSERT_EQ(out, "OK\r\n");
  { Session gone(server, 14); }
  out.clear();
  asking.Receive("stats conns\r\n", &out);
  EXPECT_NE(out.find("STAT 12:secs_since_last_cmd 0\r\n"), std::string::npos);
  EXPECT_NE(out.find("STAT 13:secs_since_last_cmd 5\r\n"), std::string::npos);
  EXPECT_EQ(out.find("STAT 14:"), std::string::npos);
}

}  // namespace
}  // namespace mcspec::ref
