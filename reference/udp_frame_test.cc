#include "udp_frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mcspec::ref {
namespace {

using namespace std::string_literals;

std::string Header(uint16_t id, uint16_t seq, uint16_t total) {
  std::string h;
  for (uint16_t v : {id, seq, total, uint16_t{0}}) {
    h.push_back(static_cast<char>(v >> 8));
    h.push_back(static_cast<char>(v & 0xff));
  }
  return h;
}

// The datagrams FrameUdpResponses appends to a list (which keeps `kept`
// first), as strings.
std::vector<std::string> Frame(std::vector<Session::Response> responses,
                               std::string_view kept = {}) {
  DatagramList list;
  if (!kept.empty()) list.Add(kept.substr(0, kUdpHeaderSize), kept.substr(kUdpHeaderSize));
  FrameUdpResponses(7, responses, &list);
  std::vector<std::string> datagrams;
  for (size_t i = 0; i < list.size(); ++i) datagrams.emplace_back(list[i]);
  return datagrams;
}

TEST(UdpRequest, TakesSingleDatagramRequests) {
  const std::string datagram = Header(0x1234, 7, 1) + "get a\r\n";
  const std::optional<UdpRequest> request = ParseUdpRequest(datagram);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->request_id, 0x1234);
  EXPECT_EQ(request->payload, "get a\r\n");
  // Sequence number and reserved bytes are not looked at.
  EXPECT_TRUE(ParseUdpRequest("\0\1\0\5\0\1\0\11version\r\n"s).has_value());
}

TEST(UdpRequest, IgnoresShortAndMultiDatagramRequests) {
  EXPECT_FALSE(ParseUdpRequest(Header(1, 0, 1)).has_value());  // header only
  EXPECT_FALSE(ParseUdpRequest("abc").has_value());
  EXPECT_FALSE(ParseUdpRequest(Header(1, 0, 2) + "version\r\n").has_value());
  EXPECT_FALSE(ParseUdpRequest(Header(1, 0, 0) + "version\r\n").has_value());
  EXPECT_FALSE(ParseUdpRequest("\0\1\0\0\1\1\0\0version\r\n"s).has_value());
  EXPECT_TRUE(ParseUdpRequest(Header(1, 0, 1) + "\n").has_value());
}

TEST(UdpFrame, SplitsAnObjectInto1392ByteParts) {
  const std::string response = "VALUE big 0 3000\r\n" + std::string(3000, 'x') + "\r\nEND\r\n";
  const std::vector<std::string> datagrams = Frame({{response, false, true}});
  ASSERT_EQ(datagrams.size(), 3u);
  EXPECT_EQ(datagrams[0].substr(0, 8), Header(7, 0, 3));
  EXPECT_EQ(datagrams[1].substr(0, 8), Header(7, 1, 3));
  EXPECT_EQ(datagrams[2].substr(0, 8), Header(7, 2, 3));
  EXPECT_EQ(datagrams[0].size(), 1400u);
  EXPECT_EQ(datagrams[1].size(), 1400u);
  EXPECT_EQ(datagrams[2].size(), 8u + 241);
  EXPECT_EQ(datagrams[0].substr(8) + datagrams[1].substr(8) + datagrams[2].substr(8), response);
}

TEST(UdpFrame, EmptyObjectsAtTheHeadOfAWriteSendAHeader) {
  // get x y a, x and y missing: one header-only datagram, then a's.
  const std::vector<std::string> datagrams =
      Frame({{"", false, false}, {"", false, false}, {"VALUE a 0 1\r\nA\r\nEND\r\n", false, true}});
  EXPECT_EQ(datagrams, (std::vector<std::string>{Header(7, 0, 0),
                                                 Header(7, 0, 1) + "VALUE a 0 1\r\nA\r\nEND\r\n"}));
}

TEST(UdpFrame, EmptyObjectsAfterASentOneInTheSameWriteAreFinishedWithIt) {
  // set b ...; get x a in one datagram: STORED, x's empty object, a.
  std::vector<std::string> datagrams =
      Frame({{"STORED\r\n", false, false}, {"", false, false}, {"END\r\n", false, true}});
  EXPECT_EQ(datagrams, (std::vector<std::string>{Header(7, 0, 1) + "STORED\r\n",
                                                 Header(7, 0, 1) + "END\r\n"}));
  // A new write starts afresh: get a; get x a.
  datagrams = Frame({{"END\r\n", false, true}, {"", false, false}, {"END\r\n", false, true}});
  EXPECT_EQ(datagrams.size(), 3u);
  EXPECT_EQ(datagrams[1], Header(7, 0, 0));
}

TEST(UdpFrame, SilencedObjectsSendNothing) {
  // set c ... noreply; get x a: the silenced object does not finish x's.
  const std::vector<std::string> datagrams =
      Frame({{"", true, false}, {"", false, false}, {"END\r\n", false, true}});
  EXPECT_EQ(datagrams, (std::vector<std::string>{Header(7, 0, 0), Header(7, 0, 1) + "END\r\n"}));
}

TEST(UdpFrame, AppendsToTheDatagramsAlreadyListed) {
  const std::string kept = Header(3, 0, 1) + "STORED\r\n";
  EXPECT_EQ(Frame({{"END\r\n", false, true}}, kept),
            (std::vector<std::string>{kept, Header(7, 0, 1) + "END\r\n"}));
  EXPECT_EQ(Frame({{"", false, true}}, kept), (std::vector<std::string>{kept, Header(7, 0, 0)}));
}

}  // namespace
}  // namespace mcspec::ref
