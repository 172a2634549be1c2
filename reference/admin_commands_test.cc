#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace mcspec::ref
