#include "udp_frame.h"

#include <algorithm>
#include <climits>

namespace mcspec::ref {
namespace {

uint16_t Read16(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(bytes[at]) << 8) |
                               static_cast<unsigned char>(bytes[at + 1]));
}

void Put16(uint32_t value, char* out) {
  out[0] = static_cast<char>((value >> 8) & 0xff);
  out[1] = static_cast<char>(value & 0xff);
}

void AppendObject(uint16_t request_id, std::string_view bytes, DatagramList* datagrams) {
  // memcached caps the total it announces at the largest 16-bit number.
  const size_t total =
      std::min<size_t>((bytes.size() + kUdpDataSize - 1) / kUdpDataSize, USHRT_MAX);
  size_t sequence = 0;
  do {
    char header[kUdpHeaderSize];
    Put16(request_id, header);
    Put16(static_cast<uint32_t>(sequence), header + 2);
    Put16(static_cast<uint32_t>(total), header + 4);
    Put16(0, header + 6);
    datagrams->Add(std::string_view(header, kUdpHeaderSize), bytes.substr(0, kUdpDataSize));
    bytes.remove_prefix(std::min(bytes.size(), kUdpDataSize));
    ++sequence;
  } while (!bytes.empty());
}

}  // namespace

std::optional<UdpRequest> ParseUdpRequest(std::string_view datagram) {
  if (datagram.size() <= kUdpHeaderSize) return std::nullopt;
  if (Read16(datagram, 4) != 1) return std::nullopt;
  return UdpRequest{Read16(datagram, 0), datagram.substr(kUdpHeaderSize)};
}

void FrameUdpResponses(uint16_t request_id, std::span<const Session::Response> responses,
                       DatagramList* datagrams) {
  // After an object's last datagram memcached goes on finishing the objects
  // that follow it as long as they have nothing to send.
  bool finishing = false;
  for (const Session::Response& response : responses) {
    if (!response.silenced && (!response.bytes.empty() || !finishing)) {
      AppendObject(request_id, response.bytes, datagrams);
      finishing = true;
    }
    if (response.ends_write) finishing = false;
  }
}

}  // namespace mcspec::ref
