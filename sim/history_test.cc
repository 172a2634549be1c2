#include "history.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>

namespace mcspec::sim {
namespace {

TEST(History, WritesTheDocumentedLine) {
  HistoryEvent event;
  event.type = EventType::kOk;
  event.process = 4;
  event.time = 2000;
  event.f = "gets";
  event.key = "k1";
  event.result = "HIT";
  event.value = "a\"b\\c\r\n\xff";
  event.flags = 0;
  event.cas = 17;
  EXPECT_EQ(ToJsonLine(event),
            R"({"type":"ok","process":4,"time":2000,"f":"gets","key":"k1","result":"HIT",)"
            R"("value":"a\"b\\c\u000d\u000a\u00ff","flags":0,"cas":17})");
  HistoryEvent invoke;
  invoke.process = 3;
  invoke.time = 1200;
  invoke.f = "set";
  invoke.key = "k1";
  invoke.connection = 2;
  invoke.value = "abc";
  invoke.flags = 0;
  invoke.exptime = 0;
  EXPECT_EQ(ToJsonLine(invoke), R"({"type":"invoke","process":3,"time":1200,"f":"set","key":"k1",)"
                                R"("connection":2,"value":"abc","flags":0,"exptime":0})");
}

template <typename T>
std::optional<T> Maybe(rc::Gen<T> gen) {
  if (*rc::gen::arbitrary<bool>()) return *gen;
  return std::nullopt;
}

RC_GTEST_PROP(History, EveryEventRoundTrips, ()) {
  HistoryEvent event;
  event.type =
      *rc::gen::element(EventType::kInvoke, EventType::kOk, EventType::kFail, EventType::kInfo);
  event.process = *rc::gen::arbitrary<uint64_t>();
  event.time = *rc::gen::arbitrary<int64_t>();
  event.f = *rc::gen::arbitrary<std::string>();
  event.key = *rc::gen::arbitrary<std::string>();
  event.connection = Maybe(rc::gen::arbitrary<uint64_t>());
  event.value = Maybe(rc::gen::arbitrary<std::string>());
  event.flags = Maybe(rc::gen::arbitrary<uint32_t>());
  event.exptime = Maybe(rc::gen::arbitrary<int64_t>());
  event.delta = Maybe(rc::gen::arbitrary<uint64_t>());
  event.cas = Maybe(rc::gen::arbitrary<uint64_t>());
  event.result = *rc::gen::arbitrary<std::string>();
  event.number = Maybe(rc::gen::arbitrary<uint64_t>());
  event.error = *rc::gen::arbitrary<std::string>();
  event.settled = *rc::gen::arbitrary<bool>();
  const std::string line = ToJsonLine(event);
  RC_ASSERT(line.find('\n') == std::string::npos);
  HistoryEvent parsed;
  std::string error;
  RC_ASSERT(ParseJsonLine(line, &parsed, &error));
  RC_ASSERT(parsed == event);
}

TEST(History, RefusesWhatIsNotAnEvent) {
  const std::pair<const char*, const char*> bad[] = {
      {R"({"type":"ok","process":1,"time":2})", "missing field f"},
      {R"({"type":"done","process":1,"time":2,"f":"get"})", "unknown type done"},
      {R"({"type":"ok","process":"1","time":2,"f":"get"})", "field process must be an integer"},
      {R"({"type":"ok","process":1,"time":2,"f":"get","flags":4294967296})",
       "field flags is out of range"},
      {R"({"type":"ok","process":1,"time":2,"f":"get","colour":"red"})", "unknown field colour"},
      {R"({"type":"ok","process":1,"time":2,"f":"get"} x)", "text after the object at column 46"},
      {R"({"type":"ok","type":"ok"})", "field type given twice at column 25"},
      {R"({"type":"info","process":1,"time":2,"f":"get","settled":2})",
       "field settled must be 0 or 1"},
      // Of several wrong fields, the one whose name sorts first; a syntax
      // error anywhere before any of them; a missing field after them.
      {R"({"type":"ok","process":1,"time":2,"f":"get","zeta":1,"cas":"x"})",
       "field cas must be an integer"},
      {R"({"type":"ok","process":1,"time":2,"f":"get","alpha":1,"cas":"x"})",
       "unknown field alpha"},
      {R"({"type":"ok","process":1,"f":"get","cas":"x","time":2,})",
       "expected a field name at column 55"},
      {R"({"type":"ok","process":-1,"f":"get"})", "field process is out of range"},
      {R"({"alpha":1,"alpha":2})", "field alpha given twice at column 21"},
      {R"({"type":"ok","key":"a\q"})", "bad string for key at column 24"},
  };
  for (const auto& [line, why] : bad) {
    HistoryEvent event;
    std::string error;
    EXPECT_FALSE(ParseJsonLine(line, &event, &error)) << line;
    EXPECT_EQ(error, why) << line;
  }
}

TEST(History, WritesSettledOnlyWhenSet) {
  HistoryEvent event;
  event.type = EventType::kInfo;
  event.f = "set";
  event.key = "k";
  EXPECT_EQ(ToJsonLine(event), R"({"type":"info","process":0,"time":0,"f":"set","key":"k"})");
  event.settled = true;
  EXPECT_EQ(ToJsonLine(event),
            R"({"type":"info","process":0,"time":0,"f":"set","key":"k","settled":1})");
}

TEST(History, ReadsLinesAndNamesTheFirstBadOne) {
  std::istringstream in(
      "{\"type\":\"invoke\",\"process\":1,\"time\":1,\"f\":\"get\",\"key\":\"a\"}\n"
      "\n"
      "{\"type\":\"ok\",\"process\":1,\"time\":2,\"f\":\"get\",\"key\":\"a\",\"result\":\"MISS\"}\n"
      "{\"type\":\"ok\"\n");
  const HistoryReadResult read = ReadHistory(in);
  ASSERT_EQ(read.events.size(), 2u);
  EXPECT_EQ(read.events[1].result, "MISS");
  EXPECT_EQ(read.error, "line 4: expected ',' or '}' at column 13");
}

}  // namespace
}  // namespace mcspec::sim
