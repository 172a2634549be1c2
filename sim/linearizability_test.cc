#include "linearizability.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <random>

#include "reference_recorder.h"

namespace mcspec::sim {
namespace {

// The optional fields of an event, set by chained calls.
struct Fields {
  std::optional<std::string> value;
  std::optional<uint32_t> flags;
  std::optional<int64_t> exptime;
  std::optional<uint64_t> delta;
  std::optional<uint64_t> cas;
  std::optional<uint64_t> number;
  std::string key = "k";

  Fields& Value(std::string v) {
    value = std::move(v);
    return *this;
  }
  Fields& Hit(std::string v) {
    flags = 0;
    return Value(std::move(v));
  }
  Fields& Exptime(int64_t e) {
    exptime = e;
    return *this;
  }
  Fields& Delta(uint64_t d) {
    delta = d;
    return *this;
  }
  Fields& Cas(uint64_t c) {
    cas = c;
    return *this;
  }
  Fields& Number(uint64_t n) {
    number = n;
    return *this;
  }
  Fields& Key(std::string k) {
    key = std::move(k);
    return *this;
  }
};

CheckOptions WithEvictions() {
  CheckOptions options;
  options.model.evictions = true;
  return options;
}

CheckOptions WithBudget(uint64_t steps) {
  CheckOptions options;
  options.step_budget = steps;
  return options;
}

HistoryEvent Event(EventType type, uint64_t process, std::string f, const Fields& fields) {
  HistoryEvent event;
  event.type = type;
  event.process = process;
  event.f = std::move(f);
  event.key = fields.key;
  event.value = fields.value;
  event.flags = fields.flags;
  event.exptime = fields.exptime;
  event.delta = fields.delta;
  event.cas = fields.cas;
  event.number = fields.number;
  return event;
}

HistoryEvent Call(uint64_t process, std::string f, const Fields& fields = Fields()) {
  return Event(EventType::kInvoke, process, std::move(f), fields);
}

HistoryEvent Ok(uint64_t process, std::string f, std::string result,
                const Fields& fields = Fields()) {
  HistoryEvent event = Event(EventType::kOk, process, std::move(f), fields);
  event.result = std::move(result);
  return event;
}

HistoryEvent Lost(EventType type, uint64_t process, std::string f, std::string key = "k") {
  return Event(type, process, std::move(f), Fields().Key(std::move(key)));
}

// The events, timed 10 apart in the order given.
CheckResult Check(std::vector<HistoryEvent> events, CheckOptions options = {}) {
  for (size_t i = 0; i < events.size(); ++i) events[i].time = static_cast<int64_t>(10 * (i + 1));
  std::vector<HistoryOperation> operations;
  std::string error;
  EXPECT_TRUE(CollectOperations(events, &operations, &error)) << error;
  return CheckOperations(operations, options);
}

bool Linearizable(std::vector<HistoryEvent> events, CheckOptions options = {}) {
  const CheckResult result = Check(std::move(events), options);
  EXPECT_NE(result.verdict, Verdict::kUnknown);
  return result.verdict == Verdict::kLinearizable;
}

// The events of a sequential run: each invoke directly followed by its
// completion, all by process 1.
std::vector<HistoryEvent> Sequential(std::vector<std::pair<HistoryEvent, HistoryEvent>> ops) {
  std::vector<HistoryEvent> events;
  for (auto& [invoke, completion] : ops) {
    events.push_back(invoke);
    events.push_back(completion);
  }
  return events;
}

std::pair<HistoryEvent, HistoryEvent> Set(std::string value, uint64_t process = 1) {
  return {Call(process, "set", Fields().Value(value)), Ok(process, "set", "STORED")};
}

std::pair<HistoryEvent, HistoryEvent> Get(std::optional<std::string> value, uint64_t process = 1) {
  if (!value) return {Call(process, "get"), Ok(process, "get", "MISS")};
  return {Call(process, "get"), Ok(process, "get", "HIT", Fields().Hit(*value))};
}

TEST(Linearizability, AcceptsASequentialRun) {
  EXPECT_TRUE(
      Linearizable(Sequential({Get(std::nullopt), Set("a"), Get("a"), Set("b"), Get("b")})));
}

TEST(Linearizability, CatchesAStaleReadAfterAnOverwrite) {
  const CheckResult result = Check(Sequential({Set("a"), Set("b"), Get("a", 2)}));
  ASSERT_EQ(result.verdict, Verdict::kNotLinearizable);
  ASSERT_EQ(result.failures.size(), 1u);
  const KeyFailure& failure = result.failures[0];
  EXPECT_EQ(failure.key, "k");
  EXPECT_EQ(failure.longest_order, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(failure.deadline, 2u);
  EXPECT_EQ(failure.stuck, std::vector<size_t>{2});
  EXPECT_EQ(failure.stuck_reasons,
            std::vector<std::string>{"HIT \"a\" flags 0, but the key holds \"b\" flags 0"});
  EXPECT_EQ(
      failure.explanation,
      "key \"k\" has no linearization.\n"
      "The longest explained prefix orders 2 of its 3 operations:\n"
      "  #1 process 1 [10, 20] set \"a\" flags 0 -> STORED\n"
      "  #3 process 1 [30, 40] set \"b\" flags 0 -> STORED\n"
      "after which the key is \"b\" flags 0.\n"
      "#5 process 2 [50, 60] get -> HIT \"a\" flags 0 completed at 60 and must have taken "
      "effect by then, but no operation can go next:\n"
      "  #5 process 2 [50, 60] get -> HIT \"a\" flags 0: HIT \"a\" flags 0, but the key holds "
      "\"b\" flags 0\n");
}

TEST(Linearizability, AcceptsConcurrentWritesInEitherOrder) {
  const auto concurrent = [](std::string first_read, std::string second_read) {
    return std::vector<HistoryEvent>{
        Call(1, "set", Fields().Value("a")),
        Call(2, "set", Fields().Value("b")),
        Ok(1, "set", "STORED"),
        Ok(2, "set", "STORED"),
        Get(first_read, 3).first,
        Get(first_read, 3).second,
        Get(second_read, 3).first,
        Get(second_read, 3).second,
    };
  };
  EXPECT_TRUE(Linearizable(concurrent("a", "a")));
  EXPECT_TRUE(Linearizable(concurrent("b", "b")));
  // Once both writes are done, the key cannot change back.
  EXPECT_FALSE(Linearizable(concurrent("a", "b")));
  EXPECT_FALSE(Linearizable(concurrent("b", "a")));
}

TEST(Linearizability, AReadConcurrentWithAWriteSeesEitherValue) {
  for (const char* seen : {"a", "b"}) {
    EXPECT_TRUE(Linearizable({Set("a").first, Set("a").second, Call(1, "set", Fields().Value("b")),
                              Get(seen, 2).first, Get(seen, 2).second, Ok(1, "set", "STORED")}));
  }
}

TEST(Linearizability, CatchesACasWithAWrongUnique) {
  const auto gets = [](uint64_t unique) {
    return std::pair{Call(1, "gets"), Ok(1, "gets", "HIT", Fields().Hit("a").Cas(unique))};
  };
  const auto cas = [](uint64_t unique, std::string result) {
    return std::pair{Call(1, "cas", Fields().Value("c").Cas(unique)), Ok(1, "cas", result)};
  };
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), gets(17), cas(17, "STORED"), Get("c")})));
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), gets(17), cas(16, "EXISTS"), Get("a")})));
  // The version seen is gone: its unique cannot match again.
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), gets(17), Set("a"), cas(17, "STORED")})));
  // Nothing was written since the gets: the unique must match.
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), gets(17), cas(17, "EXISTS")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), gets(17), cas(18, "STORED")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), gets(17), Set("a"), gets(17)})));
  EXPECT_FALSE(Linearizable(Sequential({cas(17, "EXISTS")})));
  EXPECT_TRUE(Linearizable(Sequential({cas(17, "NOT_FOUND")})));
}

TEST(Linearizability, TouchKeepsTheUniqueAndOtherWritesChangeIt) {
  const std::pair gets{Call(1, "gets"), Ok(1, "gets", "HIT", Fields().Hit("a").Cas(17))};
  const std::pair touch{Call(1, "touch", Fields().Exptime(0)), Ok(1, "touch", "TOUCHED")};
  const std::pair append{Call(1, "append", Fields().Value("")), Ok(1, "append", "STORED")};
  const std::pair cas{Call(1, "cas", Fields().Value("c").Cas(17)), Ok(1, "cas", "STORED")};
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), gets, touch, cas, Get("c")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), gets, append, cas})));
}

TEST(Linearizability, DeleteAddAndReplaceFollowPresence) {
  const auto op = [](std::string f, std::string result) {
    return std::pair{Call(1, f, Fields().Value("n")), Ok(1, f, std::move(result))};
  };
  const std::pair deleted{Call(1, "delete"), Ok(1, "delete", "DELETED")};
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), deleted, Get(std::nullopt),
                                       op("replace", "NOT_STORED"), op("add", "STORED"), Get("n"),
                                       op("add", "NOT_STORED"), op("replace", "STORED")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), deleted, Get("a")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), op("add", "STORED")})));
  EXPECT_FALSE(Linearizable(Sequential({op("replace", "STORED")})));
}

TEST(Linearizability, CatchesALostAppend) {
  const std::pair append{Call(1, "append", Fields().Value("b")), Ok(1, "append", "STORED")};
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), append, Get("ab")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), append, Get("a")})));
  const std::pair prepend{Call(1, "prepend", Fields().Value("b")), Ok(1, "prepend", "STORED")};
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), prepend, Get("ba")})));
}

TEST(Linearizability, MissesNeedEvictionsOrAnExptime) {
  const auto history = Sequential({Set("a"), Get(std::nullopt)});
  EXPECT_FALSE(Linearizable(history));
  EXPECT_TRUE(Linearizable(history, WithEvictions()));
  EXPECT_TRUE(Linearizable(
      Sequential({{Call(1, "set", Fields().Value("a").Exptime(60)), Ok(1, "set", "STORED")},
                  Get(std::nullopt)})));
  // Vanishing is for good: the value cannot come back.
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), Get(std::nullopt), Get("a")}), WithEvictions()));
}

TEST(Linearizability, InfoOperationsTakeEffectOnceOrNever) {
  const HistoryEvent lost_set = Call(2, "set", Fields().Value("b"));
  const HistoryEvent lost = Lost(EventType::kInfo, 2, "set");
  // Never took effect.
  EXPECT_TRUE(Linearizable(
      {Set("a").first, Set("a").second, lost_set, lost, Get("a").first, Get("a").second}));
  // Took effect, long after its info.
  EXPECT_TRUE(Linearizable({Set("a").first, Set("a").second, lost_set, lost, Get("a").first,
                            Get("a").second, Get("b").first, Get("b").second}));
  // But only once.
  EXPECT_FALSE(Linearizable({Set("a").first, Set("a").second, lost_set, lost, Get("b").first,
                             Get("b").second, Get("a").first, Get("a").second}));
  // Not before its invoke.
  EXPECT_FALSE(Linearizable({Get("b").first, Get("b").second, lost_set, lost}));
  // An operation never completed counts as unknown too.
  EXPECT_TRUE(
      Linearizable({Set("a").first, Set("a").second, lost_set, Get("b").first, Get("b").second}));
}

TEST(Linearizability, SettledInfoOperationsTookEffectBeforeTheirCompletionOrNever) {
  const HistoryEvent lost_set = Call(2, "set", Fields().Value("b"));
  HistoryEvent settled = Lost(EventType::kInfo, 2, "set");
  settled.settled = true;
  EXPECT_TRUE(Linearizable(
      {Set("a").first, Set("a").second, lost_set, settled, Get("a").first, Get("a").second}));
  EXPECT_TRUE(Linearizable(
      {Set("a").first, Set("a").second, lost_set, settled, Get("b").first, Get("b").second}));
  // Unlike an unsettled info, not after its completion.
  EXPECT_FALSE(Linearizable({Set("a").first, Set("a").second, lost_set, settled, Get("a").first,
                             Get("a").second, Get("b").first, Get("b").second}));
  // Before it, at any point after the invoke.
  EXPECT_TRUE(Linearizable({Set("a").first, Set("a").second, lost_set, Get("a").first,
                            Get("a").second, Get("b").first, Get("b").second, settled}));
}

TEST(Linearizability, FailedOperationsTookNoEffect) {
  EXPECT_FALSE(Linearizable({Set("a").first, Set("a").second, Call(2, "set", Fields().Value("b")),
                             Lost(EventType::kFail, 2, "set"), Get("b").first, Get("b").second}));
  EXPECT_TRUE(Linearizable({Set("a").first, Set("a").second, Call(2, "set", Fields().Value("b")),
                            Lost(EventType::kFail, 2, "set"), Get("a").first, Get("a").second}));
}

TEST(Linearizability, IncrWrapsDecrStopsAndShortResultsMayBePadded) {
  const auto arithmetic = [](std::string f, uint64_t delta, uint64_t number) {
    return std::pair{Call(1, f, Fields().Delta(delta)),
                     Ok(1, f, "NUMBER", Fields().Number(number))};
  };
  EXPECT_TRUE(
      Linearizable(Sequential({Set("18446744073709551615"), arithmetic("incr", 2, 1), Get("1")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("18446744073709551615"), arithmetic("incr", 2, 0)})));
  EXPECT_TRUE(Linearizable(Sequential({Set("5"), arithmetic("decr", 10, 0), Get("0")})));
  EXPECT_TRUE(Linearizable(Sequential({Set("100"), arithmetic("decr", 1, 99), Get("99 ")})));
  EXPECT_TRUE(Linearizable(Sequential({Set("100"), arithmetic("decr", 1, 99), Get("99")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("100"), arithmetic("decr", 1, 99), Get("99  ")})));
  EXPECT_FALSE(
      Linearizable(Sequential({Set("9"), arithmetic("incr", 1, 10), Get("10"), Get("10 ")})));
  const std::pair non_numeric{Call(1, "incr", Fields().Delta(1)), Ok(1, "incr", "NON_NUMERIC")};
  EXPECT_TRUE(Linearizable(Sequential({Set("x1"), non_numeric, Get("x1")})));
  EXPECT_FALSE(Linearizable(Sequential({Set("1"), non_numeric})));
}

TEST(Linearizability, ChecksEachKeyOnItsOwn) {
  std::vector<HistoryEvent> events = {
      Call(1, "set", Fields().Value("a").Key("x")),
      Ok(1, "set", "STORED", Fields().Key("x")),
      Call(1, "set", Fields().Value("a").Key("y")),
      Ok(1, "set", "STORED", Fields().Key("y")),
      Call(2, "get", Fields().Key("y")),
      Ok(2, "get", "HIT", Fields().Hit("b").Key("y")),
      Call(2, "get", Fields().Key("x")),
      Ok(2, "get", "HIT", Fields().Hit("a").Key("x")),
  };
  const CheckResult result = Check(events);
  EXPECT_EQ(result.keys, 2u);
  EXPECT_EQ(result.operations, 4u);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].key, "y");
  EXPECT_EQ(result.failures[0].operations.size(), 2u);
}

TEST(Linearizability, AReportedEvictionExplainsAMiss) {
  const auto evict = [](uint64_t process) {
    return std::pair{Call(process, "evict"), Ok(process, "evict", "EVICTED")};
  };
  EXPECT_TRUE(Linearizable(Sequential({Set("a"), evict(2), Get(std::nullopt)})));
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), evict(2), Get("a")})));
  // Only a live item is evicted.
  EXPECT_FALSE(Linearizable(Sequential({Set("a"), evict(2), evict(3)})));
}

// Many writes open at once, each read by a read open with them: the real
// order is write 0, read 0, write 1, read 1, ... Trying writes in invoke
// order, the search would explore the subsets of writes before the reads;
// reads that leave the states as they are go first instead.
TEST(Linearizability, ReadsThatChangeNothingGoFirst) {
  constexpr int kWrites = 40;
  std::vector<HistoryEvent> events;
  for (int i = 0; i < kWrites; ++i) {
    events.push_back(Call(i, "set", Fields().Value("v" + std::to_string(i))));
  }
  for (int i = 0; i < kWrites; ++i) events.push_back(Call(kWrites + i, "get"));
  for (int i = 0; i < kWrites; ++i) {
    events.push_back(Ok(kWrites + i, "get", "HIT", Fields().Hit("v" + std::to_string(i))));
    events.push_back(Ok(i, "set", "STORED"));
  }
  const CheckResult result = Check(events, WithBudget(100'000));
  EXPECT_EQ(result.verdict, Verdict::kLinearizable);
  EXPECT_LT(result.steps, 10'000u);
}

// Requests pipelined on one connection take effect in the order sent, and
// only there.
TEST(Linearizability, OrdersAConnectionsRequestsAsSent) {
  const auto pipelined = [](std::optional<uint64_t> set_connection,
                            std::optional<uint64_t> get_connection) {
    std::vector<HistoryEvent> events{Call(1, "set", Fields().Value("a")), Call(2, "get"),
                                     Ok(1, "set", "STORED"), Ok(2, "get", "MISS")};
    events[0].connection = set_connection;
    events[1].connection = get_connection;
    return events;
  };
  // The get was sent after the set on the same connection: it cannot miss.
  EXPECT_FALSE(Linearizable(pipelined(7, 7)));
  CheckOptions unordered;
  unordered.connection_order = false;
  EXPECT_TRUE(Linearizable(pipelined(7, 7), unordered));
  EXPECT_TRUE(Linearizable(pipelined(7, 8)));
  EXPECT_TRUE(Linearizable(pipelined(std::nullopt, std::nullopt)));
  EXPECT_TRUE(Linearizable(pipelined(7, std::nullopt)));
  // A request of unknown outcome is not ordered: this set may have taken
  // effect after the get, or never.
  std::vector<HistoryEvent> lost = pipelined(7, 7);
  lost[2] = Lost(EventType::kInfo, 1, "set");
  EXPECT_TRUE(Linearizable(lost));

  // An explanation names the wait: here the replace cannot go first (the key
  // is absent), and the get must not.
  std::vector<HistoryEvent> stuck{Call(1, "replace", Fields().Value("a")), Call(2, "get"),
                                  Ok(2, "get", "MISS"), Ok(1, "replace", "STORED")};
  stuck[0].connection = 7;
  stuck[1].connection = 7;
  const CheckResult result = Check(stuck);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].stuck, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(result.failures[0].stuck_reasons[1], "it waits for #1, sent before it on connection 7");
}

// Many clients pipelining on one key: without the order of each
// connection, the search explores the subsets of the open writes; with it,
// only each connection's prefixes.
TEST(Linearizability, ConnectionOrderCutsThePipelinedSearch) {
  constexpr int kConnections = 5;
  constexpr int kDepth = 3;
  const auto value = [](int connection, int depth) {
    return "v" + std::to_string(connection) + "." + std::to_string(depth);
  };
  // Every write open at once, then a read of `seen`.
  const auto history = [&](const std::string& seen) {
    std::vector<HistoryEvent> events;
    for (int c = 0; c < kConnections; ++c) {
      for (int d = 0; d < kDepth; ++d) {
        events.push_back(Call(kDepth * c + d, "set", Fields().Value(value(c, d))));
        events.back().connection = c;
      }
    }
    for (int p = 0; p < kConnections * kDepth; ++p) events.push_back(Ok(p, "set", "STORED"));
    events.push_back(Get(seen, 99).first);
    events.push_back(Get(seen, 99).second);
    return events;
  };
  CheckOptions unordered = WithBudget(0);
  unordered.connection_order = false;
  // The first connection's last write went last.
  const CheckResult ordered = Check(history(value(0, kDepth - 1)), WithBudget(0));
  EXPECT_EQ(ordered.verdict, Verdict::kLinearizable);
  const CheckResult without = Check(history(value(0, kDepth - 1)), unordered);
  EXPECT_EQ(without.verdict, Verdict::kLinearizable);
  EXPECT_LT(10 * ordered.steps, without.steps);
  // A write its connection sent before another cannot go last.
  EXPECT_EQ(Check(history(value(0, kDepth - 2)), WithBudget(0)).verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(Check(history(value(0, kDepth - 2)), unordered).verdict, Verdict::kLinearizable);
}

TEST(Linearizability, ReportsUnknownWhenTheBudgetRunsOut) {
  const auto history = Sequential({Set("a"), Get("a"), Set("b"), Get("b")});
  EXPECT_EQ(Check(history, WithBudget(3)).verdict, Verdict::kUnknown);
  EXPECT_EQ(Check(history, WithBudget(4)).verdict, Verdict::kLinearizable);
}

TEST(Linearizability, RefusesEventsThatAreNotAHistory) {
  const auto error = [](std::vector<HistoryEvent> events) {
    std::vector<HistoryOperation> operations;
    std::string why;
    EXPECT_FALSE(CollectOperations(events, &operations, &why));
    return why;
  };
  EXPECT_EQ(error({Ok(1, "set", "STORED")}), "event 1: process 1 completes nothing pending");
  EXPECT_EQ(error({Call(1, "get"), Call(1, "get")}),
            "event 2: process 1 invokes while one is pending");
  EXPECT_EQ(error({Call(1, "get"), Lost(EventType::kInfo, 1, "get"), Call(1, "get")}),
            "event 3: process 1 invokes after an info");
  EXPECT_EQ(error({Call(1, "get"), Ok(1, "get", "MISS", Fields().Key("j"))}),
            "event 2: process 1 completes get \"j\" but invoked get \"k\"");
  EXPECT_EQ(error({Call(1, "get"), Ok(1, "get", "STORED")}),
            "event 2: result \"STORED\" is not one of get's");
  EXPECT_EQ(error({Call(1, "set")}), "event 1: set without value");
}

// Histories recorded by running random operations one at a time against
// the reference server, given overlapping intervals around their moments.
std::vector<HistoryEvent> RecordedHistory(const Workload& workload, uint64_t seed) {
  std::mt19937_64 random(seed);
  const RandomBelow below = [&random](uint64_t bound) { return random() % bound; };
  return Interleave(RunWorkload(workload, below), below);
}

Workload GenerateWorkload() {
  Workload workload;
  workload.operations = *rc::gen::inRange<size_t>(1, 300);
  workload.clients = *rc::gen::inRange<size_t>(1, 9);
  workload.keys = *rc::gen::inRange<size_t>(1, 4);
  workload.info_per_mille = *rc::gen::element<uint32_t>(0, 0, 10, 50, 200);
  workload.fail_per_mille = *rc::gen::element<uint32_t>(0, 0, 50, 200);
  return workload;
}

void AssertLinearizable(const std::vector<HistoryEvent>& events) {
  std::vector<HistoryOperation> operations;
  std::string error;
  RC_ASSERT(CollectOperations(events, &operations, &error));
  const CheckResult result = CheckOperations(operations, CheckOptions{});
  if (!result.failures.empty()) RC_LOG() << result.failures[0].explanation;
  RC_ASSERT(result.verdict == Verdict::kLinearizable);
}

RC_GTEST_PROP(Linearizability, AcceptsWhatTheReferenceDid, ()) {
  AssertLinearizable(RecordedHistory(GenerateWorkload(), *rc::gen::arbitrary<uint64_t>()));
}

// The same, with the operations spread over connections each of which sent
// its operations in the order they ran (as a server runs a connection's
// requests): the connection order holds, and the checker finds it.
RC_GTEST_PROP(Linearizability, AcceptsWhatTheReferenceDidOnConnections, ()) {
  const Workload workload = GenerateWorkload();
  std::mt19937_64 random(*rc::gen::arbitrary<uint64_t>());
  const RandomBelow below = [&random](uint64_t bound) { return random() % bound; };
  const std::vector<SequentialOperation> ran = RunWorkload(workload, below);
  std::vector<HistoryEvent> events = Interleave(ran, below);
  // A process's j-th invoke in the history is its j-th operation run.
  std::map<std::pair<uint64_t, size_t>, size_t> invoke_of;
  std::map<uint64_t, size_t> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type == EventType::kInvoke)
      invoke_of[{events[i].process, seen[events[i].process]++}] = i;
  }
  const uint64_t connections = *rc::gen::inRange<uint64_t>(1, 5);
  std::map<uint64_t, int64_t> last_sent;  // connection -> its latest invoke time
  uint64_t next_connection = connections;
  seen.clear();
  for (const SequentialOperation& op : ran) {
    HistoryEvent& invoke = events[invoke_of[{op.invoke.process, seen[op.invoke.process]++}]];
    uint64_t connection = below(connections);
    // Sent before a later-run operation of that connection: a connection
    // of its own.
    if (last_sent.contains(connection) && invoke.time < last_sent[connection]) {
      connection = next_connection++;
    }
    last_sent[connection] = invoke.time;
    invoke.connection = connection;
  }
  AssertLinearizable(events);
}

RC_GTEST_PROP(Linearizability, RejectsAReadOfAValueNeverWritten, ()) {
  Workload workload = GenerateWorkload();
  workload.operations += 20;
  // Proving that no placement of many lost writes explains a read takes
  // time exponential in their number: keep them few.
  workload.info_per_mille = *rc::gen::element<uint32_t>(0, 10);
  auto events = RecordedHistory(workload, *rc::gen::arbitrary<uint64_t>());
  std::vector<size_t> hits;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type == EventType::kOk && events[i].result == "HIT") hits.push_back(i);
  }
  RC_PRE(!hits.empty());
  // No data block written contains '\x01', nor any concatenation of them.
  events[*rc::gen::elementOf(hits)].value = *rc::gen::element<std::string>("\x01", "v\x01w");
  std::vector<HistoryOperation> operations;
  std::string error;
  RC_ASSERT(CollectOperations(events, &operations, &error));
  const CheckResult result = CheckOperations(operations, WithEvictions());
  RC_ASSERT(result.verdict == Verdict::kNotLinearizable);
  RC_ASSERT(result.failures.size() == 1u);
}

}  // namespace
}  // namespace mcspec::sim
