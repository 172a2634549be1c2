// Fuzz target: arbitrary client bytes, cut into arbitrary writes, fed to one
// session of the reference server, whose virtual clock the input also moves.
// The server is small (-m 2, 64 KiB chunks, 512 KiB items) so that memory
// pressure, eviction and chunked items are reachable, with the flat or the
// segmented LRU. After every request the reference's invariants
// (reference/invariants.h) must hold, and at the end of one input in eight
// (by a hash of its bytes) the `stats memory` text agrees with them; a breach
// is printed and aborts.
//
// To see every request end, the server yields after each one (-R 1, which
// only moves where replies are transmitted and counts conn_yields; so queued
// replies are never dropped here) and the session stops there
// (Session::set_stop_at_yield); a request ended when conn_yields moved.
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
  // Cheap to build: hashpower 12, memcached's smallest table (soon
  // expanded), and -n 400, whose smallest class has 2340 chunks a page where
  // the default's has 10922 (each page's chunk table is filled when the page
  // is added).
  std::vector<std::string> flags = {"-m", "2", "-I", "512k",         "-o", "slab_chunk_max=65536",
                                    "-R", "1", "-o", "hashpower=12", "-n", "400"};
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
  session.set_stop_at_yield(true);
  uint32_t state = data[0] | 0x100u;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string out;
  uint64_t requests_checked = 0;
  const auto check = [&](const std::string& breach) {
    if (breach.empty()) return;
    std::fprintf(stderr, "invariant breached: %s\n", breach.c_str());
    std::abort();
  };
  while (!input.empty() && !session.closed()) {
    state = state * 1103515245u + 12345u;
    if ((state >> 28) == 0) server.AdvanceClock(1 + (state >> 8) % 8);
    const size_t chunk = std::min<size_t>(input.size(), 1 + (state >> 16) % 64);
    std::string_view bytes = input.substr(0, chunk);
    input.remove_prefix(chunk);
    do {
      session.Receive(bytes, &out);
      bytes = {};
      out.clear();
      if (server.counters().conn_yields != requests_checked) {
        requests_checked = server.counters().conn_yields;
        check(mcspec::ref::FirstInvariantBreach(server, session.value_bytes_left() == 0));
      }
    } while (session.yielded());
  }
  check(mcspec::ref::FirstInvariantBreach(server, session.value_bytes_left() == 0));
  // Rendering and parsing the report costs as much as a short input; the
  // numbers behind it were checked after every request.
  uint32_t hash = 2166136261u;  // FNV-1a: which inputs, independent of how they begin
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 16777619u;
  if (hash % 8 == 0) check(mcspec::ref::FirstMemoryReportBreach(server));
  return 0;
}
