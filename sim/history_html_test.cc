#include "history_html.h"

#include <gtest/gtest.h>

namespace mcspec::sim {
namespace {

HistoryEvent Event(EventType type, uint64_t process, int64_t time, std::string f, std::string key) {
  HistoryEvent event;
  event.type = type;
  event.process = process;
  event.time = time;
  event.f = std::move(f);
  event.key = std::move(key);
  return event;
}

// Process 1 writes "a" then "b"; process 2 reads "a" after both; process 3
// loses a write; process 4's write is refused. The key needs escaping.
std::vector<KeyFailure> StaleReadFailure() {
  const std::string key = "<k&\"'>";
  std::vector<HistoryEvent> events;
  for (const char* value : {"a", "b"}) {
    HistoryEvent set = Event(EventType::kInvoke, 1, 0, "set", key);
    set.value = value;
    events.push_back(set);
    HistoryEvent stored = Event(EventType::kOk, 1, 0, "set", key);
    stored.result = "STORED";
    events.push_back(stored);
  }
  HistoryEvent lost = Event(EventType::kInvoke, 3, 0, "append", key);
  lost.value = "<script>";
  events.push_back(lost);
  events.push_back(Event(EventType::kInfo, 3, 0, "append", key));
  HistoryEvent refused = Event(EventType::kInvoke, 4, 0, "delete", key);
  events.push_back(refused);
  events.push_back(Event(EventType::kFail, 4, 0, "delete", key));
  events.push_back(Event(EventType::kInvoke, 2, 0, "get", key));
  HistoryEvent hit = Event(EventType::kOk, 2, 0, "get", key);
  hit.result = "HIT";
  hit.value = "a";
  events.push_back(hit);
  for (size_t i = 0; i < events.size(); ++i) events[i].time = static_cast<int64_t>(100 * i);

  std::vector<HistoryOperation> operations;
  std::string error;
  EXPECT_TRUE(CollectOperations(events, &operations, &error)) << error;
  CheckResult result = CheckOperations(operations, CheckOptions{});
  EXPECT_EQ(result.verdict, Verdict::kNotLinearizable);
  return result.failures;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(HistoryHtml, DrawsTheFailingKey) {
  const std::vector<KeyFailure> failures = StaleReadFailure();
  ASSERT_EQ(failures.size(), 1u);
  const std::string page = RenderFailuresHtml("check <history>", failures);

  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(page.find("<title>check &lt;history&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("<h2>key &quot;&lt;k&amp;\\&quot;&#39;&gt;&quot;</h2>"), std::string::npos);
  // Self-contained: nothing fetched.
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;"), std::string::npos);
  // One lane per process, one box per operation.
  EXPECT_EQ(Count(page, "<rect class=\"lane\""), 4u);
  for (const char* lane : {">process 1<", ">process 2<", ">process 3<", ">process 4<"}) {
    EXPECT_EQ(Count(page, lane), 1u) << lane;
  }
  EXPECT_EQ(Count(page, "<g class=\"op"), 5u);
  // The two writes and the lost append (open-ended) are the longest order;
  // the read is stuck at the deadline; the refused delete is faded.
  EXPECT_EQ(Count(page, "<g class=\"op linearized\">"), 2u);
  EXPECT_EQ(Count(page, "<g class=\"op linearized open\">"), 1u);
  // Labels are cut to their box; the title holds the whole operation.
  EXPECT_NE(page.find("<title>#1 process 1 [0, 100] set &quot;a&quot; flags 0 -&gt; STORED</title>"
                      "<rect x=\"122\" y=\"43\" width=\"124\" height=\"34\" rx=\"4\"/>"
                      "<text x=\"126\" y=\"57\">1. set &quot;a&quot; fla...</text>"
                      "<text x=\"126\" y=\"71\">-&gt; STORED</text>"),
            std::string::npos);
  EXPECT_NE(page.find(">2. set &quot;b&quot; fla...</text>"), std::string::npos);
  EXPECT_EQ(Count(page, "<g class=\"op stuck deadline\">"), 1u);
  EXPECT_EQ(Count(page, "<g class=\"op failed\">"), 1u);
  EXPECT_EQ(Count(page, "no linearization exists by here"), 1u);
  EXPECT_NE(page.find(">3. append &quot;&lt;script&gt;&quot; flags 0</text>"), std::string::npos);
  EXPECT_NE(page.find("<li>#9 process 2 [800, 900] get -&gt; HIT &quot;a&quot; flags 0: from "
                      "&quot;b&quot; flags 0: HIT &quot;a&quot; flags 0, but the key holds "
                      "&quot;b&quot; flags 0; from &quot;b&lt;script&gt;&quot; flags 0: HIT "
                      "&quot;a&quot; flags 0, but the key holds &quot;b&lt;script&gt;&quot; "
                      "flags 0</li>"),
            std::string::npos);
  EXPECT_NE(page.find("<ol class=\"ops order\">\n<li>#1 process 1 [0, 100] set"),
            std::string::npos);
}

TEST(HistoryHtml, EscapesItsText) {
  const std::string page = RenderFailuresHtml("<run 'a'>", {});
  EXPECT_NE(page.find("<title>&lt;run &#39;a&#39;&gt;</title>"), std::string::npos);
  EXPECT_EQ(page.find("<run"), std::string::npos);
}

}  // namespace
}  // namespace mcspec::sim
