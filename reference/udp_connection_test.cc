#include "udp_connection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

std::string Header(uint16_t id, uint16_t seq, uint16_t total) {
  std::string h;
  for (uint16_t v : {id, seq, total, uint16_t{0}}) {
    h.push_back(static_cast<char>(v >> 8));
    h.push_back(static_cast<char>(v & 0xff));
  }
  return h;
}

// The replies below are memcached 1.6.18's (-t 1 -U), captured datagram by
// datagram from a client on the loopback.
class UdpConnectionTest : public ::testing::Test {
 protected:
  UdpConnectionTest()
      : server_(ParseServerFlags({"-t", "1"}).settings), udp_(server_, 12, "udp:127.0.0.1:11211") {
    server_.AddListener(Listener{12, "udp:127.0.0.1:11211", true});
  }

  std::vector<std::string> Send(std::string_view payload, uint16_t id = 7) {
    return SendRaw(Header(id, 0, 1) + std::string(payload));
  }
  std::vector<std::string> SendRaw(std::string_view datagram,
                                   std::string_view peer = "udp:127.0.0.1:40000") {
    std::vector<std::string> replies;
    udp_.Receive(datagram, peer, &replies);
    return replies;
  }

  Server server_;
  UdpConnection udp_;
};

using Datagrams = std::vector<std::string>;

TEST_F(UdpConnectionTest, OneObjectPerKeyOfAMultiGet) {
  EXPECT_EQ(Send("set a 0 0 1\r\nA\r\n"), Datagrams{Header(7, 0, 1) + "STORED\r\n"});
  const std::string a = "VALUE a 0 1\r\nA\r\n";
  EXPECT_EQ(Send("get a\r\n"), Datagrams{Header(7, 0, 1) + a + "END\r\n"});
  EXPECT_EQ(Send("get x a\r\n"), (Datagrams{Header(7, 0, 0), Header(7, 0, 1) + a + "END\r\n"}));
  EXPECT_EQ(Send("get a x\r\n"), (Datagrams{Header(7, 0, 1) + a, Header(7, 0, 1) + "END\r\n"}));
  EXPECT_EQ(Send("get x y a\r\n"), (Datagrams{Header(7, 0, 0), Header(7, 0, 1) + a + "END\r\n"}));
  EXPECT_EQ(Send("set b 0 0 1\r\nB\r\nget x a\r\n"),
            (Datagrams{Header(7, 0, 1) + "STORED\r\n", Header(7, 0, 1) + a + "END\r\n"}));
  EXPECT_EQ(Send("get a\r\nget x a\r\n"),
            (Datagrams{Header(7, 0, 1) + a + "END\r\n", Header(7, 0, 0),
                       Header(7, 0, 1) + a + "END\r\n"}));
  EXPECT_EQ(Send("set c 0 0 1 noreply\r\nC\r\nget x a\r\n"),
            (Datagrams{Header(7, 0, 0), Header(7, 0, 1) + a + "END\r\n"}));
}

TEST_F(UdpConnectionTest, LargeResponsesSpanDatagrams) {
  const std::string value(3000, 'x');
  Send("set big 0 0 3000\r\n" + value + "\r\nset a 0 0 1\r\nA\r\n");
  const Datagrams big = Send("get big a\r\n");
  ASSERT_EQ(big.size(), 4u);
  EXPECT_EQ(big[0].substr(0, 8), Header(7, 0, 3));
  EXPECT_EQ(big[1].substr(0, 8), Header(7, 1, 3));
  EXPECT_EQ(big[2].substr(0, 8), Header(7, 2, 3));
  EXPECT_EQ(big[2].size(), 8u + 236);
  EXPECT_EQ(big[3], Header(7, 0, 1) + "VALUE a 0 1\r\nA\r\nEND\r\n");
}

TEST_F(UdpConnectionTest, QuitAndPartialRequestsEndWithTheDatagram) {
  EXPECT_EQ(Send("quit\r\n"), Datagrams{Header(7, 0, 0)});
  EXPECT_EQ(Send("version\r\nquit\r\nversion\r\n"),
            Datagrams{Header(7, 0, 1) + "VERSION 1.6.18\r\n"});
  EXPECT_EQ(Send("version\r\nvers"), Datagrams{Header(7, 0, 1) + "VERSION 1.6.18\r\n"});
  EXPECT_EQ(Send("ion\r\n"), Datagrams{Header(7, 0, 1) + "ERROR\r\n"});
}

TEST_F(UdpConnectionTest, IgnoredDatagrams) {
  EXPECT_EQ(SendRaw(Header(1, 0, 2) + "version\r\n"), Datagrams{});
  EXPECT_EQ(SendRaw(Header(1, 0, 1)), Datagrams{});
  EXPECT_EQ(SendRaw(Header(1, 5, 1) + "version\r\n"),
            Datagrams{Header(1, 0, 1) + "VERSION 1.6.18\r\n"});
  EXPECT_EQ(SendRaw(Header(1, 0, 1) + "\n"), Datagrams{Header(1, 0, 1) + "ERROR\r\n"});
}

TEST_F(UdpConnectionTest, AValueContinuesIntoTheNextDatagramWhole) {
  EXPECT_EQ(Send("version\r\nset v 0 0 10\r\nabc", 11), Datagrams{});
  // The next datagram, from another client, is read raw: its header and two
  // more bytes complete the value, which then lacks its "\r\n".
  std::vector<std::string> replies;
  EXPECT_FALSE(
      udp_.Receive(Header(12, 0, 1) + "0123456789ABCDEF", "udp:127.0.0.1:40001", &replies));
  EXPECT_EQ(replies, (Datagrams{Header(11, 0, 1) + "VERSION 1.6.18\r\n",
                                Header(11, 0, 1) + "CLIENT_ERROR bad data chunk\r\n"}));
  EXPECT_EQ(Send("get v\r\n"), Datagrams{Header(7, 0, 1) + "END\r\n"});
}

TEST_F(UdpConnectionTest, AnEmptyDatagramAbortsTheValue) {
  EXPECT_EQ(Send("version\r\nset v 0 0 10\r\nabc", 11), Datagrams{});
  // The queued VERSION goes with the value: nothing is sent, nothing stored.
  EXPECT_EQ(SendRaw(""), Datagrams{});
  EXPECT_EQ(Send("get v\r\n"), Datagrams{Header(7, 0, 1) + "END\r\n"});
  // A refused value being swallowed ends the same way.
  EXPECT_EQ(Send("set w 0 0 3000000\r\nabc"), Datagrams{});
  EXPECT_EQ(SendRaw(""), Datagrams{});
  EXPECT_EQ(Send("version\r\n"), Datagrams{Header(7, 0, 1) + "VERSION 1.6.18\r\n"});
  // Between requests an empty datagram is nothing.
  EXPECT_EQ(SendRaw(""), Datagrams{});
  EXPECT_EQ(server_.cache().totals().curr_items, 0u);
}

TEST_F(UdpConnectionTest, WatchIsDroppedAndTheConnectionServesOn) {
  EXPECT_EQ(Send("watch\r\n"), Datagrams{});
  EXPECT_EQ(Send("version\r\n"), Datagrams{Header(7, 0, 1) + "VERSION 1.6.18\r\n"});
}

TEST_F(UdpConnectionTest, StatsConnsShowsTheRequester) {
  const Datagrams stats = Send("stats conns\r\n");
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].substr(8),
            "STAT 12:UDP UDP\r\n"
            "STAT 12:addr udp:127.0.0.1:40000\r\n"
            "STAT 12:listen_addr udp:127.0.0.1:11211\r\n"
            "STAT 12:state conn_parse_cmd\r\n"
            "STAT 12:secs_since_last_cmd 0\r\n"
            "END\r\n");
}

TEST_F(UdpConnectionTest, CountsHeaderBytes) {
  Send("version\r\n");             // 17 bytes in, 24 out
  SendRaw(Header(1, 0, 2) + "x");  // dropped, but counted
  Server& server = server_;
  EXPECT_EQ(server.counters().bytes_read, 17u + 9);
  EXPECT_EQ(server.counters().bytes_written, 24u);
}

}  // namespace
}  // namespace mcspec::ref
