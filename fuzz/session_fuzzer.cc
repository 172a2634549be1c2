// Fuzz target: arbitrary client bytes, cut into arbitrary writes, fed to one
// session of the reference server at -m 2 with the flat LRU (so memory
// pressure, eviction and chunked items are reachable). After every write the
// store's totals must agree with the items actually linked.
//
// Input layout: the first byte seeds the write sizes (1 to 64 bytes); the
// rest is the byte stream.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace {

mcspec::ref::Settings FuzzSettings() {
  return mcspec::ref::ParseServerFlags(
             {"-o", "no_modern", "-m", "2", "-I", "512k", "-o", "slab_chunk_max=65536"})
      .settings;
}

void CheckTotals(const mcspec::ref::Cache& cache) {
  uint64_t items = 0;
  uint64_t bytes = 0;
  cache.ForEachLinked([&](const mcspec::ref::Item& it) {
    ++items;
    bytes += cache.TotalSize(it);
  });
  if (items != cache.totals().curr_items || bytes != cache.totals().curr_bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const mcspec::ref::Settings settings = FuzzSettings();
  mcspec::ref::Server server(settings);
  mcspec::ref::Session session(server);
  uint32_t state = data[0] | 1u;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string out;
  while (!input.empty() && !session.closed()) {
    state = state * 1103515245u + 12345u;
    const size_t chunk = std::min<size_t>(input.size(), 1 + (state >> 16) % 64);
    session.Receive(input.substr(0, chunk), &out);
    input.remove_prefix(chunk);
    out.clear();
    CheckTotals(server.cache());
  }
  return 0;
}
