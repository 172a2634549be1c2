#include "sequential_oracle.h"

#include <gtest/gtest.h>

namespace mcspec::sim {
namespace {

constexpr int64_t kStarted = 1700000000;

Operation Op(OpKind kind, std::string key = "k", std::string value = "") {
  Operation op;
  op.kind = kind;
  if (!key.empty()) op.keys.push_back(std::move(key));
  op.value = std::move(value);
  return op;
}

Reply Line(std::string line) {
  return Reply{std::move(line), {}};
}

Reply Hits(std::vector<Hit> hits) {
  return Reply{"END", std::move(hits)};
}

class OracleTest : public ::testing::Test {
 protected:
  // Runs op at `now` and expects it accepted.
  void Accept(const Operation& op, const Reply& reply, uint32_t now = 100) {
    auto failure = oracle_.Execute(op, now, &reply);
    ASSERT_FALSE(failure.has_value()) << *failure;
  }
  std::string Reject(const Operation& op, const Reply& reply, uint32_t now = 100) {
    auto failure = oracle_.Execute(op, now, &reply);
    EXPECT_TRUE(failure.has_value()) << DescribeOperation(op) << " -> " << DescribeReply(reply);
    return failure.value_or("");
  }
  SequentialOracle oracle_{kStarted};
};

TEST_F(OracleTest, SetThenGetMustReturnTheValue) {
  Accept(Op(OpKind::kGet), Hits({}));
  Accept(Op(OpKind::kSet, "k", "abc"), Line("STORED"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "abc", 0}}));
  const std::string failure = Reject(Op(OpKind::kGet), Hits({{"k", 0, "abd", 0}}));
  EXPECT_NE(failure.find("key k"), std::string::npos) << failure;
  EXPECT_NE(failure.find("abd"), std::string::npos) << failure;
}

TEST_F(OracleTest, MissAfterStoreIsAFailureWithoutEviction) {
  Accept(Op(OpKind::kSet, "k", "abc"), Line("STORED"));
  Reject(Op(OpKind::kGet), Hits({}));
}

TEST_F(OracleTest, EvictionAllowsTheMissAndForbidsTheHit) {
  Accept(Op(OpKind::kSet, "k", "abc"), Line("STORED"));
  ASSERT_FALSE(oracle_.Evicted("k").has_value());
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "abc", 0}}));
}

TEST_F(OracleTest, EvictingAKeyNeverStoredIsAFailure) {
  EXPECT_TRUE(oracle_.Evicted("never").has_value());
}

TEST_F(OracleTest, AddReplaceAppendPrepend) {
  Reject(Op(OpKind::kReplace, "k", "x"), Line("STORED"));
  Accept(Op(OpKind::kAdd, "k", "b"), Line("STORED"));
  Reject(Op(OpKind::kAdd, "k", "z"), Line("STORED"));
  Accept(Op(OpKind::kAppend, "k", "c"), Line("STORED"));
  Accept(Op(OpKind::kPrepend, "k", "a"), Line("STORED"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "abc", 0}}));
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "ab", 0}}));
}

TEST_F(OracleTest, LostAppendIsFound) {
  Accept(Op(OpKind::kSet, "k", "a"), Line("STORED"));
  Accept(Op(OpKind::kAppend, "k", "b"), Line("STORED"));
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "a", 0}}));
}

TEST_F(OracleTest, CasUsesTheUniqueAGetsShowed) {
  Accept(Op(OpKind::kSet, "k", "a"), Line("STORED"));
  Accept(Op(OpKind::kGets), Hits({{"k", 0, "a", 7}}));
  // The same item shows the same unique.
  Reject(Op(OpKind::kGets), Hits({{"k", 0, "a", 8}}));
  Operation stale = Op(OpKind::kCas, "k", "b");
  stale.cas = 6;
  Reject(stale, Line("STORED"));
  Operation fresh = Op(OpKind::kCas, "k", "b");
  fresh.cas = 7;
  Accept(fresh, Line("STORED"));
  // The item changed: the old unique no longer matches.
  Reject(fresh, Line("STORED"));
  Accept(fresh, Line("EXISTS"));
  // A new item's unique is larger than any seen before.
  Reject(Op(OpKind::kGets), Hits({{"k", 0, "b", 7}}));
  Accept(Op(OpKind::kGets), Hits({{"k", 0, "b", 9}}));
}

TEST_F(OracleTest, ExpiryHoldsToTheSecond) {
  Operation set = Op(OpKind::kSet, "k", "v");
  set.exptime = 5;
  Accept(set, Line("STORED"), 100);
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "v", 0}}), 104);
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "v", 0}}), 105);
  Accept(Op(OpKind::kGet), Hits({}), 105);
}

TEST_F(OracleTest, AbsoluteAndNegativeExptimes) {
  Operation set = Op(OpKind::kSet, "abs", "v");
  set.exptime = kStarted + 110;  // relative 110
  Accept(set, Line("STORED"), 100);
  Accept(Op(OpKind::kGet, "abs"), Hits({{"abs", 0, "v", 0}}), 109);
  Accept(Op(OpKind::kGet, "abs"), Hits({}), 110);
  set.keys = {"neg"};
  set.exptime = -1;
  Accept(set, Line("STORED"), 100);
  Accept(Op(OpKind::kGet, "neg"), Hits({}), 100);
}

TEST_F(OracleTest, DelayedFlushTakesEffectOneSecondEarly) {
  Accept(Op(OpKind::kSet, "k", "v"), Line("STORED"), 100);
  Operation flush = Op(OpKind::kFlushAll, "");
  flush.exptime = 10;  // oldest_live = 109
  Accept(flush, Line("OK"), 100);
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "v", 0}}), 108);
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "v", 0}}), 109);
  // Stored in the flush's own second: flushed as well; a second later: kept.
  Accept(Op(OpKind::kSet, "k", "w"), Line("STORED"), 109);
  Accept(Op(OpKind::kGet), Hits({}), 109);
  Accept(Op(OpKind::kSet, "k", "x"), Line("STORED"), 110);
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "x", 0}}), 110);
}

TEST_F(OracleTest, ImmediateFlushThenDelayedFlushMayResurrect) {
  Accept(Op(OpKind::kSet, "a", "1"), Line("STORED"), 100);
  Accept(Op(OpKind::kFlushAll, ""), Line("OK"), 100);
  Accept(Op(OpKind::kSet, "b", "2"), Line("STORED"), 100);
  Accept(Op(OpKind::kGet, "b"), Hits({{"b", 0, "2", 0}}), 100);
  Operation delayed = Op(OpKind::kFlushAll, "");
  delayed.exptime = 50;
  Accept(delayed, Line("OK"), 101);
  // `a` was never looked up: the LRU may or may not have reaped it.
  EXPECT_EQ(oracle_.candidates("a"), 2u);
  Accept(Op(OpKind::kGet, "a"), Hits({{"a", 0, "1", 0}}), 102);
}

// mcsim's numbered keys ("k<N>"), whose states a flush_all reads through a
// summary kept per key: a key changed between two flushes must be seen as
// it is now.
TEST_F(OracleTest, EachDelayedFlushMayResurrectWhatAnEarlierFlushHid) {
  Operation delayed = Op(OpKind::kFlushAll, "");
  delayed.exptime = 50;
  Accept(Op(OpKind::kSet, "k1", "1"), Line("STORED"), 100);
  Accept(Op(OpKind::kFlushAll, ""), Line("OK"), 100);
  Accept(Op(OpKind::kSet, "k2", "2"), Line("STORED"), 100);
  Accept(delayed, Line("OK"), 101);
  EXPECT_EQ(oracle_.candidates("k1"), 2u);
  EXPECT_EQ(oracle_.candidates("k2"), 1u);
  Accept(Op(OpKind::kGet, "k1"), Hits({{"k1", 0, "1", 0}}), 102);
  EXPECT_EQ(oracle_.candidates("k1"), 1u);
  Accept(Op(OpKind::kFlushAll, ""), Line("OK"), 103);
  Accept(delayed, Line("OK"), 104);
  EXPECT_EQ(oracle_.candidates("k1"), 2u);
  EXPECT_EQ(oracle_.candidates("k2"), 2u);
  Accept(Op(OpKind::kGet, "k1"), Hits({}), 105);
  Accept(Op(OpKind::kGet, "k2"), Hits({{"k2", 0, "2", 0}}), 105);
}

TEST_F(OracleTest, IncrInPlaceOrMoved) {
  Accept(Op(OpKind::kSet, "n", "100"), Line("STORED"));
  Operation decr = Op(OpKind::kDecr, "n");
  decr.delta = 95;
  Reject(decr, Line("6"));
  Accept(decr, Line("5"));
  EXPECT_EQ(oracle_.candidates("n"), 2u);
  Accept(Op(OpKind::kGet, "n"), Hits({{"n", 0, "5  ", 0}}));
  EXPECT_EQ(oracle_.candidates("n"), 1u);
  Accept(Op(OpKind::kAppend, "n", "x"), Line("STORED"));
  Operation incr = Op(OpKind::kIncr, "n");
  incr.delta = 1;
  Accept(incr, Line("6"));  // "5  x": digits, then a blank
  Accept(Op(OpKind::kSet, "n", "5x"), Line("STORED"));
  Reject(incr, Line("6"));
  Accept(incr, Line("CLIENT_ERROR cannot increment or decrement non-numeric value"));
  Accept(Op(OpKind::kSet, "n", "18446744073709551615"), Line("STORED"));
  Accept(incr, Line("0"));  // wraps
}

TEST_F(OracleTest, UnknownOutcomesWidenTheState) {
  Accept(Op(OpKind::kSet, "k", "a"), Line("STORED"));
  // A reply that never arrived: the set may or may not have been refused.
  ASSERT_FALSE(oracle_.Execute(Op(OpKind::kSet, "k", "b"), 100, nullptr).has_value());
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "b", 0}}));
  ASSERT_FALSE(oracle_.Execute(Op(OpKind::kAppend, "k", "c"), 100, nullptr).has_value());
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "a", 0}}));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "bc", 0}}));
}

TEST_F(OracleTest, AReadKeepsOnlyTheCandidatesItMatchesEachOnce) {
  Accept(Op(OpKind::kSet, "k", "a"), Line("STORED"));
  // Stored, or refused for memory (which unlinks the old value).
  ASSERT_FALSE(oracle_.Execute(Op(OpKind::kSet, "k", "b"), 100, nullptr).has_value());
  EXPECT_EQ(oracle_.candidates("k"), 2u);
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "a", 0}}));
  EXPECT_EQ(oracle_.candidates("k"), 2u);  // a rejected read changes nothing
  Accept(Op(OpKind::kGet), Hits({}));
  EXPECT_EQ(oracle_.candidates("k"), 1u);
  Reject(Op(OpKind::kGet), Hits({{"k", 0, "b", 0}}));
  // An item that has expired and an absent one are the same after a miss.
  Operation expiring = Op(OpKind::kSet, "e", "x");
  expiring.exptime = 1;
  ASSERT_FALSE(oracle_.Execute(expiring, 100, nullptr).has_value());
  EXPECT_EQ(oracle_.candidates("e"), 2u);
  Accept(Op(OpKind::kGet, "e"), Hits({}), 105);
  EXPECT_EQ(oracle_.candidates("e"), 1u);
}

TEST_F(OracleTest, MultiGetChecksEachKey) {
  Accept(Op(OpKind::kSet, "a", "1"), Line("STORED"));
  Accept(Op(OpKind::kSet, "c", "3"), Line("STORED"));
  Operation get = Op(OpKind::kGet, "a");
  get.keys = {"a", "b", "c"};
  Accept(get, Hits({{"a", 0, "1", 0}, {"c", 0, "3", 0}}));
  Reject(get, Hits({{"a", 0, "1", 0}}));
  Reject(get, Hits({{"c", 0, "3", 0}, {"a", 0, "1", 0}}));
}

TEST_F(OracleTest, BadInputNeedsItsExactError) {
  Operation bad;
  bad.kind = OpKind::kBadInput;
  bad.bad_request = "bogus\r\n";
  bad.expected_error = "ERROR";
  Accept(bad, Line("ERROR"));
  Reject(bad, Line("CLIENT_ERROR bad command line format"));
}

TEST_F(OracleTest, TouchAndDelete) {
  Reject(Op(OpKind::kTouch), Line("TOUCHED"));
  Accept(Op(OpKind::kSet, "k", "v"), Line("STORED"), 100);
  Operation touch = Op(OpKind::kTouch);
  touch.exptime = 2;
  Accept(touch, Line("TOUCHED"), 100);
  Accept(Op(OpKind::kGet), Hits({}), 102);
  Accept(Op(OpKind::kDelete), Line("NOT_FOUND"), 102);
  Accept(Op(OpKind::kSet, "k", "v"), Line("STORED"), 102);
  Accept(Op(OpKind::kDelete), Line("DELETED"), 102);
  Reject(Op(OpKind::kDelete), Line("DELETED"), 102);
}

TEST_F(OracleTest, OutOfMemorySetUnlinksTheOldValue) {
  Accept(Op(OpKind::kSet, "k", "v"), Line("STORED"));
  Accept(Op(OpKind::kSet, "k", "w"), Line("SERVER_ERROR out of memory storing object"));
  Accept(Op(OpKind::kGet), Hits({}));
  Accept(Op(OpKind::kSet, "k", "v"), Line("STORED"));
  Accept(Op(OpKind::kAdd, "k", "w"), Line("SERVER_ERROR out of memory storing object"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "v", 0}}));
}

TEST_F(OracleTest, AStoreAtItsLastUseTakesTheValueOnlyWhenItStores) {
  // One state and a STORED reply: the value's buffer moves to the state.
  Operation set = Op(OpKind::kSet, "k", std::string(100, 'a'));
  const Reply stored = Line("STORED");
  ASSERT_FALSE(oracle_.ExecuteLastUse(&set, 100, &stored, 100).has_value());
  EXPECT_TRUE(set.value.empty());
  Accept(Op(OpKind::kGet), Hits({{"k", 0, std::string(100, 'a'), 0}}));
  // Not stored: the value stays, and a failure describes the operation whole.
  Operation add = Op(OpKind::kAdd, "k", "bcd");
  const Reply not_stored = Line("NOT_STORED");
  ASSERT_FALSE(oracle_.ExecuteLastUse(&add, 100, &not_stored, 100).has_value());
  EXPECT_EQ(add.value, "bcd");
  Operation second_add = Op(OpKind::kAdd, "k", "efg");
  const auto failure = oracle_.ExecuteLastUse(&second_add, 100, &stored, 100);
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->find("efg"), std::string::npos) << *failure;
  EXPECT_NE(failure->find("[aaaa"), std::string::npos) << *failure;  // the state, kept
  Accept(Op(OpKind::kGet), Hits({{"k", 0, std::string(100, 'a'), 0}}));
  // Without a reply: stored or refused, the value taken by the one state's store.
  Operation unseen = Op(OpKind::kSet, "k", "hij");
  ASSERT_FALSE(oracle_.ExecuteLastUse(&unseen, 100, nullptr, 100).has_value());
  EXPECT_TRUE(unseen.value.empty());
  EXPECT_EQ(oracle_.candidates("k"), 2u);
  // Two states: each store copies it.
  Operation second = Op(OpKind::kSet, "k", "klm");
  ASSERT_FALSE(oracle_.ExecuteLastUse(&second, 100, &stored, 100).has_value());
  EXPECT_EQ(second.value, "klm");
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "klm", 0}}));
}

TEST_F(OracleTest, AReplyKeepsTheOneStateItLeavesUnchanged) {
  // Each reply below leaves the key's one state as it was (the branch that
  // matches may take it over): the next read still finds it.
  const std::string value(200, 'v');
  Accept(Op(OpKind::kSet, "k", value), Line("STORED"));
  Accept(Op(OpKind::kAdd, "k", "x"), Line("NOT_STORED"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, value, 0}}));
  Accept(Op(OpKind::kAppend, "k", "x"), Line("NOT_STORED"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, value, 0}}));
  Accept(Op(OpKind::kPrepend, "k", "x"), Line("SERVER_ERROR out of memory storing object"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, value, 0}}));
  Accept(Op(OpKind::kIncr, "k"),
         Line("CLIENT_ERROR cannot increment or decrement non-numeric value"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, value, 0}}));
  Accept(Op(OpKind::kTouch), Line("TOUCHED"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, value, 0}}));
  // A joined value grows from the old one's buffer.
  Accept(Op(OpKind::kAppend, "k", "z"), Line("STORED"));
  Accept(Op(OpKind::kPrepend, "k", "a"), Line("STORED"));
  Accept(Op(OpKind::kGet), Hits({{"k", 0, "a" + value + "z", 0}}));
  Reject(Op(OpKind::kGet), Hits({{"k", 0, value + "z", 0}}));
}

TEST_F(OracleTest, KeysThatLookNumberedAreKeptApart) {
  // mcsim's "k<N>" keys by N, others by name: none may share a state.
  const std::vector<std::string> keys = {
      "k1", "k01", "k+1", "k1a", "k", "k0", "k00", "k4194303", "k4194304", "k9999999", "k12345678"};
  for (size_t i = 0; i < keys.size(); ++i) {
    Accept(Op(OpKind::kSet, keys[i], "v" + std::to_string(i)), Line("STORED"));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    Accept(Op(OpKind::kGet, keys[i]), Hits({{keys[i], 0, "v" + std::to_string(i), 0}}));
  }
}

}  // namespace
}  // namespace mcspec::sim
