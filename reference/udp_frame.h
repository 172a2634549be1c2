// memcached 1.6.18's UDP framing, without sockets: the 8-byte header every
// datagram starts with (request id, sequence number, datagram count and two
// reserved bytes, each a big-endian 16-bit number), which requests it takes,
// and how it cuts its responses into datagrams.
//
// Requests: a datagram of at most 8 bytes is ignored, and so is one whose
// count is not 1 (memcached drops multi-datagram requests); the sequence
// number and the reserved bytes are not looked at.
//
// Responses: every response object (Session::Response) is framed on its own,
// in datagrams of at most 1400 bytes (1392 of data), numbered from 0 and
// carrying their total. An empty object is sent as a header-only datagram
// with a total of 0, except right after another object that was sent within
// the same write: memcached's bookkeeping then finishes it with that object's
// last datagram, together with any silenced (noreply) objects.
#ifndef MCSPEC_REFERENCE_UDP_FRAME_H_
#define MCSPEC_REFERENCE_UDP_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "session.h"

namespace mcspec::ref {

inline constexpr size_t kUdpHeaderSize = 8;
inline constexpr size_t kUdpMaxPayload = 1400;  // a datagram, header included
inline constexpr size_t kUdpDataSize = kUdpMaxPayload - kUdpHeaderSize;
// memcached's UDP read buffer: the most a datagram (or a read of one) gives.
inline constexpr size_t kUdpReadBufferSize = 65536;

struct UdpRequest {
  uint16_t request_id = 0;
  std::string_view payload;  // the datagram after its header
};

// Datagrams laid end to end in one buffer. Cleared, it keeps its memory, so
// that once it has grown, framing replies allocates nothing.
class DatagramList {
 public:
  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  std::string_view operator[](size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }
  void clear() {
    bytes_.clear();
    ends_.clear();
  }
  // Adds a datagram made of a header and its data.
  void Add(std::string_view header, std::string_view data) {
    bytes_.append(header);
    bytes_.append(data);
    ends_.push_back(bytes_.size());
  }

 private:
  std::string bytes_;
  std::vector<size_t> ends_;
};

// The request a datagram carries, or nothing when memcached ignores it.
std::optional<UdpRequest> ParseUdpRequest(std::string_view datagram);

// Appends the datagrams memcached sends for `responses` (the objects of one
// or more writes, in order) answering request `request_id`.
void FrameUdpResponses(uint16_t request_id, std::span<const Session::Response> responses,
                       DatagramList* datagrams);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_UDP_FRAME_H_
