// The judge re-executes a trace's inputs and checks them as mcsim run does.
#include "shrink_judge.h"

#include <gtest/gtest.h>

#include <sstream>

#include "bytes.h"
#include "trace.h"

namespace mcspec::sim {
namespace {

// One connection sending `requests` whole, each marked executed.
TraceInputs OneConnection(const std::vector<std::string>& requests,
                          const std::vector<std::string>& bugs) {
  std::string text = "mcsim-trace 1\ncommand test\nflags -m 64\n";
  for (const std::string& bug : bugs) text += "bug " + bug + "\n";
  text += "0 open 1\n";
  uint64_t id = 0;
  for (const std::string& request : requests) {
    text += "1 in 1 " + conformance::EncodeEscapes(request) + "\n1 request 1 " +
            std::to_string(++id) + "\n";
  }
  std::istringstream in(text);
  TraceInputs inputs;
  std::string error;
  EXPECT_TRUE(ParseTraceInputs(in, &inputs, &error)) << error;
  return inputs;
}

TEST(ShrinkJudgeTest, AnInjectedBugFailsTheOracleAndTheReferencePassesIt) {
  const TraceInputs inputs = OneConnection(
      {"set a 0 0 1\r\nx\r\n", "append a 0 0 1\r\ny\r\n", "get a\r\n"}, {"lost_append"});
  const Judgement with_bug = JudgeInputs(inputs, true);
  EXPECT_TRUE(with_bug.failed);
  EXPECT_EQ(with_bug.signature, "get got HIT") << with_bug.failure;
  EXPECT_EQ(with_bug.steps_run, inputs.steps.size());

  const Judgement without = JudgeInputs(inputs, false);
  EXPECT_FALSE(without.failed) << without.failure;
  EXPECT_EQ(without.checked, 3u);
  ASSERT_EQ(without.outputs.size(), 4u);  // the open, then one per request
  EXPECT_EQ(without.outputs[1].bytes, "STORED\r\n");
  EXPECT_EQ(without.outputs[3].bytes, "VALUE a 0 2\r\nxy\r\nEND\r\n");
}

TEST(ShrinkJudgeTest, BadRequestsNeedOnlyAnErrorLineAndNoreplyNeedsNothing) {
  const TraceInputs inputs = OneConnection(
      {"bogus_command a\r\n", "set a 0 0 1 noreply\r\nx\r\n", "delete a 5\r\n", "get a\r\n"}, {});
  const Judgement judgement = JudgeInputs(inputs, false);
  EXPECT_FALSE(judgement.failed) << judgement.failure;
  EXPECT_EQ(judgement.outputs[1].bytes, "ERROR\r\n");
  EXPECT_EQ(judgement.outputs[2].bytes, "");
}

TEST(ShrinkJudgeTest, ExpiryIsCheckedOnTheServerClock) {
  std::istringstream in(
      "mcsim-trace 1\ncommand test\nflags -m 64\nbug late_expiry\n0 open 1\n"
      "1 in 1 set a 0 2 1\\r\\nx\\r\\n\n1 request 1 1\n2 clock 2\n"
      "3 in 1 get a\\r\\n\n3 request 1 2\n");
  TraceInputs inputs;
  std::string error;
  ASSERT_TRUE(ParseTraceInputs(in, &inputs, &error)) << error;
  const Judgement with_bug = JudgeInputs(inputs, true);
  EXPECT_EQ(with_bug.signature, "get got HIT") << with_bug.failure;
  EXPECT_FALSE(JudgeInputs(inputs, false).failed);
}

TEST(ShrinkJudgeTest, ACasWithASourceSendsTheUniqueItsGetsShowed) {
  // set b, set a, gets a (unique 2), cas a with 2: STORED.
  TraceInputs inputs = OneConnection(
      {"set b 0 0 1\r\nx\r\n", "set a 0 0 1\r\nx\r\n", "gets a\r\n", "cas a 0 0 1 2\r\ny\r\n"}, {});
  inputs.requests[3].cas_source = 2;
  Judgement judgement = JudgeInputs(inputs, false);
  EXPECT_FALSE(judgement.failed) << judgement.failure;
  EXPECT_EQ(judgement.uniques_shown[2]["a"], 2u);
  EXPECT_EQ(judgement.outputs[4].bytes, "STORED\r\n");
  EXPECT_EQ(judgement.executed, (std::vector<size_t>{0, 1, 2, 3}));
  // Without set b, a's unique is 1: the cas follows, and still stores.
  std::vector<bool> keep_request = {false, true, true, true};
  const TraceInputs fewer =
      Keep(inputs, keep_request, std::vector<bool>(inputs.steps.size(), true));
  ASSERT_EQ(fewer.requests[2].cas_source, 1u);
  judgement = JudgeInputs(fewer, false);
  EXPECT_FALSE(judgement.failed) << judgement.failure;
  EXPECT_EQ(judgement.outputs[3].sent, "cas a 0 0 1 1\r\ny\r\n");
  EXPECT_EQ(judgement.outputs[3].bytes, "STORED\r\n");
  // Keep keeps a cas's source.
  keep_request = {true, true, false, true};
  EXPECT_EQ(Keep(inputs, keep_request, std::vector<bool>(inputs.steps.size(), true)), inputs);
}

TEST(ShrinkJudgeTest, ACasSplitInsideItsUniqueIsRewrittenAcrossItsPieces) {
  std::istringstream in(
      "mcsim-trace 1\ncommand test\nflags -m 64\n0 open 1\n"
      "1 in 1 set a 0 0 1\\r\\nx\\r\\n\n1 request 1 1\n"
      "2 in 1 gets a\\r\\n\n2 request 1 2\n"
      "3 in 1 cas a 0 0 1 1\n4 in 1 00\\r\\n\n4 header 1 3\n5 in 1 y\\r\\n\n5 request 1 3\n");
  TraceInputs inputs;
  std::string error;
  ASSERT_TRUE(ParseTraceInputs(in, &inputs, &error)) << error;
  inputs.requests[2].cas_source = 1;  // "cas a 0 0 1 100" sends gets's 1 instead
  const Judgement judgement = JudgeInputs(inputs, false);
  EXPECT_FALSE(judgement.failed) << judgement.failure;
  ASSERT_EQ(judgement.outputs.size(), 6u);
  EXPECT_EQ(judgement.outputs[3].sent, "cas a 0 0 1 1");
  EXPECT_EQ(judgement.outputs[4].sent, "\r\n");
  EXPECT_EQ(judgement.outputs[5].sent, "y\r\n");
  EXPECT_EQ(judgement.outputs[5].bytes, "STORED\r\n");
}

TEST(ShrinkJudgeTest, FailureSignaturesNameTheCommandAndTheReplyKind) {
  EXPECT_EQ(FailureSignature("op `cas k0 0 2 3 7\\r\\nabc\\r\\n` key k0 at server time 62: "
                             "expected SERVER_ERROR out of memory storing object | EXISTS but got "
                             "STORED (key state: [v] (1 bytes))"),
            "cas got STORED");
  EXPECT_EQ(FailureSignature("op `get k1 k2\\r\\n` key k1 at server time 3: expected MISS but got "
                             "HIT [v1:ab] (4 bytes) flags 0 cas 0 (key state: absent)"),
            "get got HIT");
  EXPECT_EQ(FailureSignature("the server evicted k3, which cannot be stored (key state: absent)"),
            "eviction of an absent key");
  EXPECT_EQ(FailureSignature("connection 4: bytes with no request waiting: X"), "connection 4");
}

}  // namespace
}  // namespace mcspec::sim
