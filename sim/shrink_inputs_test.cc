// A trace's inputs: requests assembled from their pieces, and Keep's cuts.
#include "shrink_inputs.h"

#include <gtest/gtest.h>

#include <sstream>

namespace mcspec::sim {
namespace {

using Kind = TraceStep::Kind;

constexpr const char* kTrace =
    "mcsim-trace 1\n"
    "command mcsim run --seed 9 --ops 10\n"
    "flags -m 4 -o slab_automove=0\n"
    "bug lost_append\n"
    "0 open 0\n"
    "0 in 0 watch evictions\\r\\n\n"
    "- out 0 OK\\r\\n\n"
    "5 open 1\n"
    "6 open 2\n"
    "7 in 1 set k1 0 0 3\\r\\n\n"
    "7 header 1 1\n"
    "8 in 2 get k1\\r\\n\n"
    "- out 2 END\\r\\n\n"
    "8 request 2 2\n"
    "9 in 1 ab\n"
    "9 poll 0\n"
    "10 clock 3\n"
    "11 in 1 c\\r\\n\n"
    "- out 1 STORED\\r\\n\n"
    "11 request 1 1\n"
    "12 in 1 get k\n"
    "13 close 1\n"
    "14 udp-open 3\n"
    "15 udp 3 udp:10.0.0.1:40000 \\x00\\x01\\x00\\x00\\x00\\x01\\x00\\x00get k1\\r\\n\n"
    "- out 3 15:\\x00\\x01\\x00\\x00\\x00\\x01\\x00\\x00END\\r\\n\n"
    "15 request 3 3\n";

TraceInputs Parsed() {
  std::istringstream in(kTrace);
  TraceInputs inputs;
  std::string error;
  EXPECT_TRUE(ParseTraceInputs(in, &inputs, &error)) << error;
  return inputs;
}

TEST(ShrinkInputsTest, RequestsAreAssembledFromTheirPieces) {
  const TraceInputs inputs = Parsed();
  EXPECT_EQ(inputs.command, "mcsim run --seed 9 --ops 10");
  EXPECT_EQ(inputs.flags, (std::vector<std::string>{"-m", "4", "-o", "slab_automove=0"}));
  EXPECT_EQ(inputs.bugs, std::vector<std::string>{"lost_append"});
  ASSERT_EQ(inputs.requests.size(), 5u);
  EXPECT_EQ(inputs.requests[0].bytes, "watch evictions\r\n");
  EXPECT_FALSE(inputs.requests[0].complete);
  EXPECT_EQ(inputs.requests[1].bytes, "set k1 0 0 3\r\nabc\r\n");
  EXPECT_EQ(inputs.requests[1].header, 14u);
  EXPECT_TRUE(inputs.requests[1].complete);
  EXPECT_EQ(inputs.requests[2].bytes, "get k1\r\n");
  EXPECT_EQ(inputs.requests[3].bytes, "get k");  // cut short by the close
  EXPECT_FALSE(inputs.requests[3].complete);
  EXPECT_EQ(inputs.requests[4].peer, "udp:10.0.0.1:40000");
  EXPECT_EQ(inputs.requests[4].bytes.size(), 16u);
  EXPECT_TRUE(inputs.requests[4].complete);
  EXPECT_EQ(inputs.pieces(), 7u);
  EXPECT_EQ(inputs.clock_jumps(), 1u);
  EXPECT_EQ(inputs.clock_seconds(), 3);
  EXPECT_EQ(inputs.connections(), 4u);
  EXPECT_EQ(inputs.Summary(),
            "4 connections, 5 requests, 65 bytes in 7 pieces, 1 clock jumps (3 s)");
}

TEST(ShrinkInputsTest, KeepDropsRequestsWithTheirPiecesAndCutsAtAMissingPiece) {
  const TraceInputs inputs = Parsed();
  std::vector<bool> keep_request(inputs.requests.size(), true);
  keep_request[2] = false;  // the get on connection 2
  std::vector<bool> keep_step(inputs.steps.size(), true);
  // The set's second piece ("ab"): its third ("c\r\n") cannot arrive alone.
  for (size_t i = 0; i < inputs.steps.size(); ++i) {
    if (inputs.steps[i].kind == Kind::kPiece && inputs.steps[i].request == 1 &&
        inputs.steps[i].size == 2) {
      keep_step[i] = false;
    }
  }
  const TraceInputs kept = Keep(inputs, keep_request, keep_step);
  ASSERT_EQ(kept.requests.size(), 4u);
  EXPECT_EQ(kept.requests[1].bytes, "set k1 0 0 3\r\n");
  EXPECT_FALSE(kept.requests[1].complete);
  EXPECT_EQ(kept.requests[1].header, 14u);
  EXPECT_EQ(kept.requests[2].bytes, "get k");
  EXPECT_EQ(kept.pieces(), 4u);
  for (const TraceStep& step : kept.steps) {
    if (step.kind == Kind::kPiece) {
      EXPECT_LT(step.request, kept.requests.size());
    }
  }
}

TEST(ShrinkInputsTest, MalformedTracesAreRefusedWithTheLine) {
  for (const std::string& text : std::initializer_list<std::string>{
           "not a trace\n", "mcsim-trace 1\n5 in 1 bad\\q\n", "mcsim-trace 1\n5 request 1 1\n",
           "mcsim-trace 1\nx open 1\n"}) {
    std::istringstream in(text);
    TraceInputs inputs;
    std::string error;
    EXPECT_FALSE(ParseTraceInputs(in, &inputs, &error)) << text;
    EXPECT_TRUE(error.starts_with("line ")) << error;
  }
}

}  // namespace
}  // namespace mcspec::sim
