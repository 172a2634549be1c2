#include "check_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
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
  const std::string path = ::testing::TempDir() + "check_command_test_" + name;
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
// failed) is left out; a flush_all lets any item vanish, so a miss after a
// set is then no violation. Operations keep their numbers in the file.
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

  HistoryEvent flush = Event(EventType::kInvoke, 4, "flush_all");
  flush.key = "";
  HistoryEvent flushed = flush;
  flushed.type = EventType::kOk;
  flushed.result = "OK";
  events.insert(events.begin(), {flush, flushed});
  const Outcome flushing = Check({WriteHistory("flush.jsonl", events)});
  EXPECT_EQ(flushing.status, 0) << flushing.out << flushing.err;
  EXPECT_TRUE(Contains(flushing.out, "note: flush_all in the history: any item may vanish\n"))
      << flushing.out;
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
