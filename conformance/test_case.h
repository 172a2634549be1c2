// The model of a conformance case, as the loader (suite_loader.h) builds it
// from a suite file and the runner (runner.h) executes it. specs/README.md
// defines the format; every field here has been validated.
#ifndef MCSPEC_CONFORMANCE_TEST_CASE_H_
#define MCSPEC_CONFORMANCE_TEST_CASE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "byte_template.h"
#include "expectation.h"

namespace mcspec::conformance {

// What a target must offer for a case to run (`requires`).
enum class Capability { kClockControl, kMeta, kExt, kUdp };

struct ExpectExact {  // `expect` (one alternative) and `expect_any_of`
  std::vector<ByteTemplate> alternatives;
};
struct ExpectRegex {
  RegexExpectation regex;
};
struct ExpectNothing {  // `expect_nothing_for`
  std::chrono::milliseconds duration;
};
struct ExpectClosed {};  // `expect_closed`: the server closed the connection
struct Advance {         // `advance`: move the server's clock
  int64_t seconds;
};
struct StatsSnapshot {  // `stats_snapshot: NAME`
  std::string name;
};
struct StatsDelta {  // `stats_delta`: counters moved by exactly N since a snapshot
  std::string since;
  std::vector<std::pair<std::string, int64_t>> changes;  // in file order
};

using Action = std::variant<std::monostate, ExpectExact, ExpectRegex, ExpectNothing, ExpectClosed,
                            Advance, StatsSnapshot, StatsDelta>;

// What a case needs of the server before it starts (Target::BeginCase).
struct CaseNeeds {
  std::optional<std::vector<std::string>> settings;
  int64_t advance_seconds = 0;  // how far its `advance` steps move the clock in all
  bool fresh = false;           // a server that has served nothing since it started
  bool udp = false;             // a UDP port (the case sends datagrams)
};

struct Step {
  int line = 0;
  std::string conn = "main";
  std::optional<ByteTemplate> send;  // sent before the action
  bool datagram = false;             // `datagram:` — send is one UDP datagram, header included
  Action action;                     // monostate: send only
};

struct TestCase {
  std::string file;
  int line = 0;
  std::string id;  // "<file stem>/<id in the file>", unique in a run
  std::string spec;
  std::vector<std::string> tags;  // sorted, unique
  std::vector<Capability> requires_capabilities;
  // memcached flags, as tokens: the server must have exactly the settings
  // they give. nullopt: the case runs on a server of any settings.
  std::optional<std::vector<std::string>> settings;
  bool exclusive = false;  // needs the server to itself
  // Needs a server that has just started: nothing stored before, no LRU
  // history, statistics from zero (where an outcome depends on what other
  // cases left in the cache, such as the age of a slab class's COLD tail).
  bool fresh = false;
  std::vector<Step> steps;
};

const char* CapabilityName(Capability capability);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_TEST_CASE_H_
