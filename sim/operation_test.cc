#include "operation.h"

#include <gtest/gtest.h>

#include <string>

namespace mcspec::sim {
namespace {

TEST(ParseReplyTest, ReadsHitsThenTheEnd) {
  Reply reply;
  std::string error;
  const std::string input = "VALUE k1 5 3 7\r\nabc\r\nVALUE k2 0 0 8\r\n\r\nEND\r\nSTORED\r\n";
  ASSERT_EQ(ParseReply(OpKind::kGets, input, &reply, &error), input.find("STORED"));
  ASSERT_EQ(reply.hits.size(), 2u);
  EXPECT_EQ(reply.hits[0], (Hit{"k1", 5, "abc", 7}));
  EXPECT_EQ(reply.hits[1], (Hit{"k2", 0, "", 8}));
  EXPECT_EQ(reply.line, "END");
}

TEST(ParseReplyTest, AnIncompleteReplyUsesNothing) {
  Reply reply;
  std::string error;
  EXPECT_EQ(ParseReply(OpKind::kGet, "VALUE k1 0 3\r\nab", &reply, &error), 0u);
  EXPECT_EQ(ParseReply(OpKind::kGet, "VALUE k1 0 3\r\nabc\r\nEN", &reply, &error), 0u);
  EXPECT_EQ(ParseReply(OpKind::kSet, "STOR", &reply, &error), 0u);
}

// Replies are parsed into a Reply that held an earlier one (its buffers are
// reused): nothing of the earlier reply may remain.
TEST(ParseReplyTest, WritesOverAnEarlierReply) {
  Reply reply;
  std::string error;
  const std::string gets = "VALUE a 1 4 11\r\nlong\r\nVALUE b 2 2 12\r\nbb\r\nEND\r\n";
  ASSERT_EQ(ParseReply(OpKind::kGets, gets, &reply, &error), gets.size());
  ASSERT_EQ(reply.hits.size(), 2u);

  const std::string get = "VALUE c 3 1\r\nc\r\nEND\r\n";
  ASSERT_EQ(ParseReply(OpKind::kGet, get, &reply, &error), get.size());
  ASSERT_EQ(reply.hits.size(), 1u);
  EXPECT_EQ(reply.hits[0], (Hit{"c", 3, "c", 0}));  // no cas left from the gets
  EXPECT_EQ(reply.line, "END");

  // An incomplete reply, then the same reply whole, after fewer hits.
  ASSERT_EQ(ParseReply(OpKind::kGets, "VALUE d 0 1 5\r\nd\r\nVALUE e 0 1 6\r\n", &reply, &error),
            0u);
  const std::string one = "VALUE d 0 1 5\r\nd\r\nEND\r\n";
  ASSERT_EQ(ParseReply(OpKind::kGets, one, &reply, &error), one.size());
  ASSERT_EQ(reply.hits.size(), 1u);
  EXPECT_EQ(reply.hits[0], (Hit{"d", 0, "d", 5}));

  ASSERT_EQ(ParseReply(OpKind::kSet, "NOT_STORED\r\n", &reply, &error), 12u);
  EXPECT_TRUE(reply.hits.empty());
  EXPECT_EQ(reply.line, "NOT_STORED");
}

TEST(ParseReplyTest, AMalformedValueLineIsAnError) {
  Reply reply;
  std::string error;
  EXPECT_EQ(ParseReply(OpKind::kGet, "VALUE k1 x 3\r\nabc\r\nEND\r\n", &reply, &error),
            std::string::npos);
  EXPECT_NE(error.find("malformed VALUE line"), std::string::npos);
  EXPECT_EQ(ParseReply(OpKind::kGet, "VALUE k1 0 3\r\nabcX\r\nEND\r\n", &reply, &error),
            std::string::npos);
}

}  // namespace
}  // namespace mcspec::sim
