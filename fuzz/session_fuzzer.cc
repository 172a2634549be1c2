// Fuzz target: arbitrary client bytes, cut into arbitrary writes, fed to one
// session of the reference server, whose virtual clock the input also moves.
// The server is small (-m 2, 64 KiB chunks, 512 KiB items) so that memory
// pressure, eviction and chunked items are reachable, with the flat or the
// segmented LRU. After every write the reference's invariants
// (reference/invariants.h) must hold; a breach is printed and aborts.
//
// Input layout: byte 0 picks the LRU (low bit) and seeds the cutting; then
// the byte stream. The seed decides each write's size (1 to 64 bytes) and,
// one write in eight, a clock move of 1 to 8 seconds before it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "invariants.h"
#include "server.h"
#include "session.h"
#include "settings.h"

namespace {

mcspec::ref::Settings FuzzSettings(bool segmented) {
  std::vector<std::string> flags = {"-m", "2", "-I", "512k", "-o", "slab_chunk_max=65536"};
  if (!segmented) flags.insert(flags.end(), {"-o", "no_modern"});
  return mcspec::ref::ParseServerFlags(flags).settings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const mcspec::ref::Settings flat = FuzzSettings(false);
  static const mcspec::ref::Settings segmented = FuzzSettings(true);
  mcspec::ref::Server server((data[0] & 1) != 0 ? segmented : flat);
  mcspec::ref::Session session(server);
  uint32_t state = data[0] | 0x100u;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string out;
  while (!input.empty() && !session.closed()) {
    state = state * 1103515245u + 12345u;
    if ((state >> 28) == 0) server.AdvanceClock(1 + (state >> 8) % 8);
    const size_t chunk = std::min<size_t>(input.size(), 1 + (state >> 16) % 64);
    session.Receive(input.substr(0, chunk), &out);
    input.remove_prefix(chunk);
    out.clear();
    const bool quiescent = session.value_bytes_left() == 0;
    const std::string breach = mcspec::ref::FirstInvariantBreach(server, quiescent);
    if (!breach.empty()) {
      std::fprintf(stderr, "invariant breached: %s\n", breach.c_str());
      std::abort();
    }
  }
  return 0;
}
