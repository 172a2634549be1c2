// Fuzz target: the same client bytes, cut into the same writes, to one
// session of the reference server and to the small independent model of the
// protocol's rules (reference/request_model.h); after every write the bytes
// each has answered so far must be equal (while the server reads a value, the
// server's a prefix of the model's: memcached holds back queued replies
// then), else both sides are printed and the target aborts.
//
// The model knows nothing of memory, so the comparison is kept to inputs
// without memory pressure: the server has -m 1024, the input is bounded
// (kMaxInput) and the model covers only values far below the item size
// limit. Should the server nevertheless report evictions, reclaims, an
// out-of-memory or a too-large store, which the model does not know, the
// comparison stops for that input there (the replies so far were compared).
// The input is also cut before the first request the model does not cover
// (RequestModel::Covers: other commands, lines that close the connection,
// ...), and the tail after the last complete request is kept only if it
// cannot make the server close the connection. The LRU maintainer is off, as
// the model removes an expired or flushed item only when a request meets it.
//
// Input layout (as the session fuzzer): byte 0 picks the LRU (low bit: flat
// or segmented) and seeds the cutting; then the byte stream. The seed decides
// each write's size (1 to 64 bytes) and, one write in eight, a clock move of
// 1 to 8 seconds before it, made on both sides.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bytes.h"
#include "request_model.h"
#include "server.h"
#include "session.h"
#include "settings.h"

namespace {

constexpr size_t kMaxInput = 65536;
constexpr size_t kLineLimit = 2048;  // memcached closes on a longer unfinished line

struct Write {
  uint32_t clock_move;
  size_t size;
};

std::vector<Write> CutIntoWrites(uint8_t seed, size_t size) {
  std::vector<Write> writes;
  uint32_t state = seed | 0x100u;
  while (size > 0) {
    state = state * 1103515245u + 12345u;
    const uint32_t clock_move = (state >> 28) == 0 ? 1 + (state >> 8) % 8 : 0;
    const size_t chunk = std::min<size_t>(size, 1 + (state >> 16) % 64);
    writes.push_back({clock_move, chunk});
    size -= chunk;
  }
  return writes;
}

// How much of `input`, sent in `writes`, the model can answer: whole covered
// requests, then an unfinished request unless it is a line long enough for
// memcached to close the connection.
size_t CoveredPrefix(std::string_view input, const std::vector<Write>& writes) {
  std::vector<size_t> write_ends;
  size_t end = 0;
  for (const Write& write : writes) write_ends.push_back(end += write.size);
  size_t pos = 0;
  while (true) {
    const std::optional<size_t> size = mcspec::ref::RequestModel::RequestSize(input.substr(pos));
    if (!size) break;
    // The request runs in the write holding its last byte; earlier requests
    // answered in that same write are still queued then.
    const size_t last_byte = pos + *size - 1;
    const size_t write =
        std::upper_bound(write_ends.begin(), write_ends.end(), last_byte) - write_ends.begin();
    const size_t write_begin = write == 0 ? 0 : write_ends[write - 1];
    const bool replies_queued = pos > write_begin;
    if (!mcspec::ref::RequestModel::Covers(input.substr(pos, *size), replies_queued)) return pos;
    pos += *size;
  }
  const std::string_view rest = input.substr(pos);
  if (rest.find('\n') == std::string_view::npos && rest.size() > kLineLimit) return pos;
  return input.size();
}

// The first `sent` bytes of `input` as they were written: each write ends at
// '|', after a clock move before it, if any. Built only for a failure.
std::string DescribeWrites(std::string_view input, const std::vector<Write>& writes, size_t sent) {
  std::string described;
  for (const Write& write : writes) {
    if (sent == 0) break;
    if (write.clock_move != 0) {
      described.append("<clock +" + std::to_string(write.clock_move) + "s>");
    }
    const size_t size = std::min(write.size, sent);
    described.append(input.substr(0, size)).append("|");
    input.remove_prefix(size);
    sent -= size;
  }
  return described;
}

// Events of memory pressure, which the model does not know. (No item is ever
// in a class above the largest, so neither is an event.)
uint64_t MemoryPressureEvents(const mcspec::ref::Server& server) {
  uint64_t events = server.counters().store_too_large + server.counters().store_no_memory;
  for (int clsid = 0; clsid <= server.cache().slabs().largest_class(); ++clsid) {
    for (int lru = 0; lru < mcspec::ref::kLruTypes; ++lru) {
      const mcspec::ref::LruCounters& counters =
          server.cache().lru_counters(clsid, static_cast<mcspec::ref::Lru>(lru));
      events += counters.evicted + counters.reclaimed + counters.outofmemory +
                counters.direct_reclaims + counters.crawler_reclaimed;
    }
  }
  return events;
}

mcspec::ref::Settings DifferentialSettings(bool segmented) {
  // hashpower 12 and -n 400 make a server cheap to build (session_fuzzer.cc).
  std::vector<std::string> flags = {"-m", "1024", "-o", "hashpower=12", "-n", "400"};
  if (!segmented) flags.insert(flags.end(), {"-o", "no_modern"});
  mcspec::ref::Settings settings = mcspec::ref::ParseServerFlags(flags).settings;
  settings.lru_maintainer_thread = false;
  return settings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const mcspec::ref::Settings flat = DifferentialSettings(false);
  static const mcspec::ref::Settings segmented = DifferentialSettings(true);
  const mcspec::ref::Settings& settings = (data[0] & 1) != 0 ? segmented : flat;
  std::string_view input(reinterpret_cast<const char*>(data + 1), std::min(size - 1, kMaxInput));
  std::vector<Write> writes = CutIntoWrites(data[0], input.size());
  input = input.substr(0, CoveredPrefix(input, writes));
  const std::string_view covered = input;

  mcspec::ref::Server server(settings);
  mcspec::ref::Session session(server);
  mcspec::ref::RequestModel model(settings.process_started);
  std::string actual;
  std::string expected;
  for (const Write& write : writes) {
    if (input.empty()) break;
    if (write.clock_move != 0) {
      server.AdvanceClock(write.clock_move);
      model.AdvanceClock(write.clock_move);
    }
    const std::string_view bytes = input.substr(0, write.size);
    input.remove_prefix(bytes.size());
    session.Receive(bytes, &actual);
    expected += model.Receive(bytes);
    if (MemoryPressureEvents(server) != 0) return 0;
    // Between requests memcached has transmitted every reply; while it reads
    // a value it holds back those still queued.
    const bool between_requests = session.value_bytes_left() == 0;
    if (between_requests ? actual != expected : !expected.starts_with(actual)) {
      std::fprintf(stderr,
                   "the reference and the model answer differently\n"
                   "sent (writes end at |):\n%s\nreference:\n%s\nmodel:\n%s\n",
                   mcspec::conformance::EncodeEscapes(
                       DescribeWrites(covered, writes, covered.size() - input.size()))
                       .c_str(),
                   mcspec::conformance::EncodeEscapes(actual).c_str(),
                   mcspec::conformance::EncodeEscapes(expected).c_str());
      std::abort();
    }
  }
  return 0;
}
