#include "invariants.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

// Random requests over a few keys and sizes, on a small server so that
// eviction, chunked items and the LRU's moves happen; the rules hold after
// every request. (The fuzzers check the same with arbitrary bytes.)
RC_GTEST_PROP(Invariants, HoldAfterEveryRequest, ()) {
  const bool segmented = *rc::gen::arbitrary<bool>();
  std::vector<std::string> flags = {"-m", "2", "-I", "256k", "-o", "slab_chunk_max=16384"};
  if (!segmented) flags.insert(flags.end(), {"-o", "no_modern"});
  const FlagParseResult parsed = ParseServerFlags(flags);
  RC_ASSERT(parsed.error.empty());
  Server server(parsed.settings);
  Session session(server);
  const int requests = *rc::gen::inRange(1, 300);
  std::string out;
  for (int i = 0; i < requests; ++i) {
    const std::string key = "k" + std::to_string(*rc::gen::inRange(0, 40));
    const size_t size = *rc::gen::element<size_t>(1, 100, 5000, 20000, 100000);
    std::string request;
    switch (*rc::gen::inRange(0, 9)) {
      case 0: case 1: case 2:
        request = "set " + key + " 0 0 " + std::to_string(size) + "\r\n" + std::string(size, 'v') +
                  "\r\n";
        break;
      case 3: request = "get " + key + " k1 k2\r\n"; break;
      case 4: request = "delete " + key + "\r\n"; break;
      case 5: request = "append " + key + " 0 0 3\r\nabc\r\n"; break;
      case 6: request = "touch " + key + " 1\r\n"; break;
      case 7: request = "incr " + key + " 5\r\n"; break;
      case 8: server.AdvanceClock(*rc::gen::inRange(1, 5)); break;
      default: request = "mg " + key + " v t\r\n"; break;
    }
    session.Receive(request, &out);
    out.clear();
    const std::string breach = FirstInvariantBreach(server, true);
    RC_ASSERT(breach == "");
  }
  // The text of `stats memory` agrees with the numbers checked above.
  RC_ASSERT(FirstMemoryReportBreach(server) == "");
}

// A store that the checker is shown to catch lying: bytes counted twice.
TEST(Invariants, ReportTheFirstBreach) {
  Server server(ParseServerFlags({}).settings);
  Session session(server);
  std::string out;
  session.Receive("set a 0 0 1\r\nA\r\nget a b\r\n", &out);
  EXPECT_EQ(FirstInvariantBreach(server, true), "");
  server.counters().get_misses++;
  EXPECT_EQ(FirstInvariantBreach(server, true), "cmd_get 2 != get_hits 1 + get_misses 2");
  server.counters().get_misses--;
  server.cache().item(server.cache().lru_head(1, kHotLru)).clsid = 2;
  EXPECT_EQ(FirstInvariantBreach(server, true), "class 1 HOT LRU holds an item of class 2 LRU 0");
}

}  // namespace
}  // namespace mcspec::ref
