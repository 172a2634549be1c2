// Fuzz target: datagrams to the reference's UDP connection. The input is a
// sequence of datagrams, each after a 2-byte prefix: its top bit picks one of
// two clients, the other 15 bits are the datagram's length (cut to the bytes
// left).
// Every reply must be a well-formed frame: 8 to 1400 bytes, and the replies
// to one datagram numbered 0..n-1 with the same total n for each response
// object (or a header-only datagram with a total of 0). The reference's
// invariants must hold after every datagram, and the `stats memory` text
// agree with them at the end.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "invariants.h"
#include "server.h"
#include "settings.h"
#include "udp_connection.h"
#include "udp_frame.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

uint16_t Field(std::string_view datagram, size_t index) {
  return static_cast<uint16_t>(static_cast<unsigned char>(datagram[index * 2]) << 8 |
                               static_cast<unsigned char>(datagram[index * 2 + 1]));
}

void CheckFrames(const std::vector<std::string>& replies) {
  uint16_t expected_seq = 0;
  uint16_t total = 0;
  for (const std::string& reply : replies) {
    if (reply.size() < mcspec::ref::kUdpHeaderSize || reply.size() > mcspec::ref::kUdpMaxPayload) {
      Fail("a reply of " + std::to_string(reply.size()) + " bytes");
    }
    const uint16_t seq = Field(reply, 1);
    const uint16_t count = Field(reply, 2);
    if (Field(reply, 3) != 0) Fail("reserved bytes set in a reply");
    if (count == 0) {
      if (reply.size() != mcspec::ref::kUdpHeaderSize || seq != 0) Fail("a bad empty frame");
      continue;
    }
    if (seq == 0) {
      if (expected_seq != total) Fail("a response object cut short");
      expected_seq = 0;
      total = count;
    }
    if (seq != expected_seq || count != total) Fail("datagrams out of sequence");
    ++expected_seq;
  }
  if (expected_seq != total) Fail("the last response object cut short");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mcspec::ref::Settings settings =
      mcspec::ref::ParseServerFlags({"-m", "2", "-o", "no_modern", "-o", "hashpower=12"}).settings;
  mcspec::ref::Server server(settings);
  mcspec::ref::UdpConnection udp(server, 0, "udp:127.0.0.1:11211");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> replies;
  while (input.size() >= 2) {
    const uint16_t prefix = Field(input, 0);
    input.remove_prefix(2);
    const size_t length = std::min<size_t>(prefix & 0x7fff, input.size());
    const std::string_view peer =
        (prefix & 0x8000) != 0 ? "udp:127.0.0.1:40001" : "udp:127.0.0.1:40000";
    replies.clear();
    udp.Receive(input.substr(0, length), peer, &replies);
    input.remove_prefix(length);
    CheckFrames(replies);
    const bool quiescent = udp.session().value_bytes_left() == 0;
    const std::string breach = mcspec::ref::FirstInvariantBreach(server, quiescent);
    if (!breach.empty()) Fail("invariant breached: " + breach);
  }
  const std::string breach = mcspec::ref::FirstMemoryReportBreach(server);
  if (!breach.empty()) Fail("invariant breached: " + breach);
  return 0;
}
