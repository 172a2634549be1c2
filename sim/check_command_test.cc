#include "check_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "history.h"

namespace mcspec::sim {
namespace {

HistoryEvent Event(EventType type, uint64_t process, std::string f) {
  HistoryEvent event;
  event.type = type;
  event.process = process;
  event.f = std::move(f);
  event.key = "k";
  return event;
}

std::vector<HistoryEvent> SetThenGet(const char* read) {
  HistoryEvent set = Event(EventType::kInvoke, 1, "set");
  set.value = "a";
  HistoryEvent stored = Event(EventType::kOk, 1, "set");
  stored.result = "STORED";
  HistoryEvent get = Event(EventType::kInvoke, 2, "get");
  HistoryEvent hit = Event(EventType::kOk, 2, "get");
  if (read == nullptr) {
    hit.result = "MISS";
  } else {
    hit.result = "HIT";
    hit.value = read;
    hit.flags = 0;
  }
  std::vector<HistoryEvent> events = {set, stored, get, hit};
  for (size_t i = 0; i < events.size(); ++i) events[i].time = static_cast<int64_t>(10 * (i + 1));
  return events;
}

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "check_command_test_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

std::string WriteHistory(const std::string& name, const std::vector<HistoryEvent>& events) {
  std::string text;
  for (const HistoryEvent& event : events) text += ToJsonLine(event) + "\n";
  return WriteFile(name, text);
}

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome Check(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = RunCheckCommand(args, out, err);
  return Outcome{status, out.str(), err.str()};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// mcsim's histories hold operations on no single key: a bad request (always
// failed) is left out. Operations keep their numbers in the file.
TEST(CheckCommand, TakesOutServerWideOperations) {
  std::vector<HistoryEvent> events = SetThenGet(nullptr);
  const Outcome strict = Check({WriteHistory("miss.jsonl", events)});
  EXPECT_EQ(strict.status, 1) << strict.out;

  HistoryEvent bad = Event(EventType::kInvoke, 3, "bad");
  HistoryEvent refused = Event(EventType::kFail, 3, "bad");
  refused.error = "ERROR";
  events.insert(events.begin(), {bad, refused});
  const Outcome still_strict = Check({WriteHistory("bad.jsonl", events)});
  EXPECT_EQ(still_strict.status, 1) << still_strict.out;
  EXPECT_TRUE(Contains(still_strict.out, "#5 process 2")) << still_strict.out;
}

// An operation on no key, `f` with `result`, invoked and completed at once.
std::vector<HistoryEvent> ServerWide(uint64_t process, const std::string& f,
                                     const std::string& result,
                                     std::optional<int64_t> delay = std::nullopt) {
  HistoryEvent invoke = Event(EventType::kInvoke, process, f);
  invoke.key = "";
  invoke.exptime = delay;
  HistoryEvent done = invoke;
  done.type = EventType::kOk;
  done.exptime.reset();
  done.result = result;
  return {invoke, done};
}

// `a` then `b`, in one history.
std::vector<HistoryEvent> Then(std::vector<HistoryEvent> a, const std::vector<HistoryEvent>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<HistoryEvent> Store(uint64_t process, const char* value) {
  HistoryEvent set = Event(EventType::kInvoke, process, "set");
  set.value = value;
  HistoryEvent stored = Event(EventType::kOk, process, "set");
  stored.result = "STORED";
  return {set, stored};
}

// A get answered with `value`'s HIT, or MISS when null.
std::vector<HistoryEvent> Read(uint64_t process, const char* value) {
  HistoryEvent get = Event(EventType::kInvoke, process, "get");
  HistoryEvent got = Event(EventType::kOk, process, "get");
  got.result = value == nullptr ? "MISS" : "HIT";
  if (value != nullptr) {
    got.value = value;
    got.flags = 0;
  }
  return {get, got};
}

// A flush_all without delay (as a real server's history has it) hides what
// was stored before it, and nothing stored after.
TEST(CheckCommand, AFlushAllWithoutDelayHidesWhatWasStoredBefore) {
  const auto flush_all = ServerWide(9, "flush_all", "OK");
  const Outcome hidden = Check(
      {WriteHistory("flushed.jsonl", Then(Then(Store(1, "a"), flush_all), Read(2, nullptr)))});
  EXPECT_EQ(hidden.status, 0) << hidden.out << hidden.err;
  const Outcome shown =
      Check({WriteHistory("shown.jsonl", Then(Then(Store(1, "a"), flush_all), Read(2, "a")))});
  EXPECT_EQ(shown.status, 1) << shown.out << shown.err;
  EXPECT_TRUE(Contains(shown.out, "flush -> FLUSHED")) << shown.out;
  const Outcome later =
      Check({WriteHistory("later.jsonl", Then(Then(flush_all, Store(1, "a")), Read(2, nullptr)))});
  EXPECT_EQ(later.status, 1) << later.out << later.err;
}

// One with a delay acts when the server's clock gets there, which a real
// server's history does not say: any item may vanish.
TEST(CheckCommand, AFlushAllWithADelayLetsAnyItemVanish) {
  const Outcome vanished = Check(
      {WriteHistory("delayed.jsonl", Then(Then(ServerWide(9, "flush_all", "OK", 2), Store(1, "a")),
                                          Read(2, nullptr)))});
  EXPECT_EQ(vanished.status, 0) << vanished.out << vanished.err;
  EXPECT_TRUE(Contains(vanished.out,
                       "note: flush_all with a delay in the history, and not when it "
                       "took effect: any item may vanish\n"))
      << vanished.out;
}

// mcsim records when its server's flushes take effect: the flush_all
// requests then change nothing, FLUSHED hides what is present, and after
// FLUSHING every store is hidden as it lands, until the next FLUSHED.
TEST(CheckCommand, RecordedFlushesActWhereTheyWereRecorded) {
  std::vector<HistoryEvent> events =
      Then(Then(Store(1, "a"), ServerWide(9, "flush_all", "OK", 2)), Read(2, "a"));
  events = Then(Then(Then(events, ServerWide(10, "flush", "FLUSHING")), Read(3, nullptr)),
                Store(4, "b"));
  const std::vector<HistoryEvent> in_second = events;
  events =
      Then(Then(Then(events, Read(5, nullptr)), ServerWide(11, "flush", "FLUSHED")), Store(6, "c"));
  const Outcome right = Check({WriteHistory("recorded.jsonl", Then(events, Read(7, "c")))});
  EXPECT_EQ(right.status, 0) << right.out << right.err;
  EXPECT_FALSE(Contains(right.out, "note:")) << right.out;

  const Outcome stored_in_second =
      Check({WriteHistory("in_second.jsonl", Then(in_second, Read(5, "b")))});
  EXPECT_EQ(stored_in_second.status, 1) << stored_in_second.out;
  EXPECT_TRUE(Contains(stored_in_second.out, "in a flush's second")) << stored_in_second.out;

  // The flush_all request alone no longer hides anything.
  const Outcome request_only = Check({WriteHistory(
      "request_only.jsonl", Then(Then(Then(ServerWide(10, "flush", "FLUSHED"), Store(1, "a")),
                                      ServerWide(9, "flush_all", "OK")),
                                 Read(2, "a")))});
  EXPECT_EQ(request_only.status, 0) << request_only.out << request_only.err;
}

// A delayed flush_all that moved oldest_live ahead of the clock (RESTORED)
// shows a hidden item again, unless something unlinked it: a request on the
// key, or the LRU crawler at any time.
TEST(CheckCommand, RestoredShowsWhatNoRequestUnlinked) {
  const auto hidden = Then(Store(1, "a"), ServerWide(10, "flush", "FLUSHED"));
  const auto restored = ServerWide(11, "flush", "RESTORED");
  const Outcome shown =
      Check({WriteHistory("restored.jsonl", Then(Then(hidden, restored), Read(2, "a")))});
  EXPECT_EQ(shown.status, 0) << shown.out << shown.err;
  EXPECT_FALSE(Contains(shown.out, "note:")) << shown.out;
  const Outcome crawled =
      Check({WriteHistory("crawled.jsonl", Then(Then(hidden, restored), Read(2, nullptr)))});
  EXPECT_EQ(crawled.status, 0) << crawled.out << crawled.err;
  const Outcome unlinked = Check({WriteHistory(
      "unlinked.jsonl", Then(Then(Then(hidden, Read(3, nullptr)), restored), Read(2, "a")))});
  EXPECT_EQ(unlinked.status, 1) << unlinked.out << unlinked.err;
  // Stored in a flush's second: hidden as it lands, shown by a RESTORED.
  const auto in_second =
      Then(Then(ServerWide(10, "flush", "FLUSHING"), Store(1, "b")), Read(3, nullptr));
  const Outcome unlinked_in_second =
      Check({WriteHistory("second.jsonl", Then(Then(in_second, restored), Read(2, "b")))});
  EXPECT_EQ(unlinked_in_second.status, 1) << unlinked_in_second.out;
  const Outcome shown_from_second = Check(
      {WriteHistory("second_shown.jsonl",
                    Then(Then(Then(ServerWide(10, "flush", "FLUSHING"), Store(1, "b")), restored),
                         Read(2, "b")))});
  EXPECT_EQ(shown_from_second.status, 0) << shown_from_second.out;
}

TEST(CheckCommand, AcceptsALinearizableHistory) {
  const std::string path = WriteHistory("ok.jsonl", SetThenGet("a"));
  const Outcome run = Check({path});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "history: " + path + "\n")) << run.out;
  EXPECT_TRUE(Contains(run.out,
                       "events: 4, operations: 2 (ok 2, fail 0, info or pending 0), "
                       "keys: 1, processes: 2\n"))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "search steps: 2, time: read ")) << run.out;
  EXPECT_TRUE(Contains(run.out, "result: linearizable\n")) << run.out;
  EXPECT_EQ(run.err, "");
}

TEST(CheckCommand, ExplainsAndDrawsAFailure) {
  const std::string path = WriteHistory("stale.jsonl", SetThenGet("b"));
  const std::string page = ::testing::TempDir() + "check_command_test_stale.html";
  std::remove(page.c_str());
  const Outcome run = Check({path, "--html", page});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_TRUE(Contains(run.out, "result: NOT linearizable: 1 of 1 key(s) have no linearization\n"))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "key \"k\" has no linearization.\n")) << run.out;
  EXPECT_TRUE(Contains(run.out,
                       "  #3 process 2 [30, 40] get -> HIT \"b\" flags 0: HIT \"b\" flags "
                       "0, but the key holds \"a\" flags 0\n"))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "page: " + page + "\n")) << run.out;
  std::ifstream in(page, std::ios::binary);
  std::stringstream drawn;
  drawn << in.rdbuf();
  EXPECT_TRUE(Contains(drawn.str(), "<svg")) << page;
  EXPECT_TRUE(Contains(drawn.str(), "no linearization exists by here")) << page;
}

TEST(CheckCommand, EvictionsAreAnOption) {
  const std::string path = WriteHistory("evicted.jsonl", SetThenGet(nullptr));
  EXPECT_EQ(Check({path}).status, 1);
  EXPECT_EQ(Check({path, "--no-evictions"}).status, 1);
  const Outcome run = Check({path, "--evictions"});
  EXPECT_EQ(run.status, 0);
  EXPECT_TRUE(Contains(run.out, "model: evictions allowed")) << run.out;
}

TEST(CheckCommand, ConnectionOrderIsAnOption) {
  // The set and the get pipelined on one connection: the get went second.
  std::vector<HistoryEvent> events = SetThenGet(nullptr);
  std::swap(events[1], events[2]);
  events[0].connection = 1;
  events[1].connection = 1;
  for (size_t i = 0; i < events.size(); ++i) events[i].time = static_cast<int64_t>(10 * (i + 1));
  const std::string path = WriteHistory("pipelined.jsonl", events);
  EXPECT_EQ(Check({path}).status, 1);
  const Outcome run = Check({path, "--no-connection-order"});
  EXPECT_EQ(run.status, 0);
  EXPECT_TRUE(Contains(run.out, ", connections unordered\n")) << run.out;
}

TEST(CheckCommand, ReportsUnknownWhenTheBudgetRunsOut) {
  const std::string path = WriteHistory("budget.jsonl", SetThenGet("a"));
  const Outcome run = Check({path, "--budget", "1"});
  EXPECT_EQ(run.status, 3);
  EXPECT_TRUE(
      Contains(run.out, "result: unknown: the step budget ran out on 1 key(s), first \"k\""))
      << run.out;
  EXPECT_EQ(Check({path, "--budget", "0"}).status, 0);
}

TEST(CheckCommand, RefusesBadUsageAndInput) {
  const std::string good = WriteHistory("good.jsonl", SetThenGet("a"));
  const std::pair<std::vector<std::string>, std::string> bad[] = {
      {{}, "mcsim check: no history file given\nusage: mcsim check FILE"},
      {{good, good}, "mcsim check: one history file at a time\n"},
      {{good, "--colour"}, "mcsim check: unknown option --colour\n"},
      {{good, "--budget", "lots"}, "mcsim check: --budget wants a number of steps, not \"lots\""},
      {{good, "--html"}, "mcsim check: --html needs a value\n"},
      {{::testing::TempDir() + "check_command_test_missing"}, "mcsim check: cannot open "},
      {{WriteFile("garbled.jsonl", ToJsonLine(SetThenGet("a")[0]) + "\n{\"type\":\n")},
       ": line 2: expected a string or an integer for type at column 9\n"},
      {{WriteHistory("orphan.jsonl", {SetThenGet("a")[1]})},
       ": event 1: process 1 completes nothing pending\n"},
  };
  for (const auto& [args, message] : bad) {
    const Outcome run = Check(args);
    EXPECT_EQ(run.status, 2) << message;
    EXPECT_TRUE(Contains(run.err, message)) << run.err;
    EXPECT_EQ(run.out, "");
  }
}

}  // namespace
}  // namespace mcspec::sim
