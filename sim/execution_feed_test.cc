#include "execution_feed.h"

#include <gtest/gtest.h>

namespace mcspec::sim {
namespace {

Operation Op(OpKind kind, std::string value = "") {
  Operation op;
  op.kind = kind;
  op.keys.emplace_back("k1");
  op.value = std::move(value);
  return op;
}

Reply Line(std::string line) {
  return Reply{std::move(line), {}};
}

Reply Hit1(std::string value) {
  return Reply{"END", {Hit{"k1", 0, std::move(value), 0}}};
}

class ExecutionFeedTest : public ::testing::Test {
 protected:
  SequentialOracle oracle_{1700000000};
  ExecutionFeed feed_{oracle_};
};

// Checking follows execution order: a reply to a later operation waits for
// the earlier one's, and the entries queued behind it are checked when it
// comes.
TEST_F(ExecutionFeedTest, EntriesBehindAWaitingOneAreCheckedWhenItsReplyComes) {
  const uint64_t set = feed_.Add(Op(OpKind::kSet, "v"));
  const uint64_t get = feed_.Add(Op(OpKind::kGet));
  const uint64_t second_get = feed_.Add(Op(OpKind::kGet));
  feed_.Executed(set, 10);
  feed_.Executed(get, 10);
  Reply hit = Hit1("v");
  feed_.Replied(get, &hit);
  feed_.Executed(second_get, 10);
  Reply second_hit = Hit1("v");
  feed_.Replied(second_get, &second_hit);
  EXPECT_EQ(feed_.checked(), 0u);
  EXPECT_EQ(feed_.waiting(), 3u);
  Reply stored = Line("STORED");
  feed_.Replied(set, &stored);
  EXPECT_FALSE(feed_.failure().has_value()) << *feed_.failure();
  EXPECT_EQ(feed_.checked(), 3u);
  EXPECT_EQ(feed_.waiting(), 0u);
}

// A wrong reply queued behind a waiting entry is found once the wait ends.
TEST_F(ExecutionFeedTest, AWrongReplyBehindAWaitingEntryIsFoundWhenItsTurnComes) {
  const uint64_t set = feed_.Add(Op(OpKind::kSet, "v"));
  const uint64_t get = feed_.Add(Op(OpKind::kGet));
  feed_.Executed(set, 10);
  feed_.Executed(get, 10);
  Reply wrong = Hit1("w");
  feed_.Replied(get, &wrong);
  EXPECT_FALSE(feed_.failure().has_value());
  Reply stored = Line("STORED");
  feed_.Replied(set, &stored);
  ASSERT_TRUE(feed_.failure().has_value());
  EXPECT_NE(feed_.failure()->find("get k1"), std::string::npos) << *feed_.failure();
}

// An operation whose reply will not be seen is checked when it executes, if
// nothing before it waits; an eviction entry likewise.
TEST_F(ExecutionFeedTest, AnEntryWithNothingBeforeItIsCheckedAtOnce) {
  const uint64_t set = feed_.Add(Op(OpKind::kSet, "v"));
  feed_.NoReply(set);
  feed_.Executed(set, 10);
  EXPECT_EQ(feed_.checked(), 1u);
  EXPECT_EQ(feed_.waiting(), 0u);
  feed_.Evicted("k1");
  EXPECT_FALSE(feed_.failure().has_value()) << *feed_.failure();
  EXPECT_EQ(feed_.waiting(), 0u);
  const uint64_t store = feed_.Add(Op(OpKind::kSet, "w"));
  feed_.Executed(store, 10);
  EXPECT_EQ(feed_.waiting(), 1u);
  feed_.Evicted("k1");  // behind the set: waits with it
  EXPECT_EQ(feed_.waiting(), 2u);
  Reply stored = Line("STORED");
  feed_.Replied(store, &stored);
  EXPECT_FALSE(feed_.failure().has_value()) << *feed_.failure();
  EXPECT_EQ(feed_.waiting(), 0u);
  EXPECT_EQ(feed_.evictions(), 2u);
}

}  // namespace
}  // namespace mcspec::sim
