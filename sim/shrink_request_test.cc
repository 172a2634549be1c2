// ParseRequest reads back exactly what EncodeRequest writes, and nothing else.
#include "shrink_request.h"

#include <gtest/gtest.h>

#include <string>

namespace mcspec::sim {
namespace {

Operation RoundTrip(const Operation& op) {
  std::string bytes;
  EncodeRequest(op, &bytes);
  Operation parsed;
  EXPECT_TRUE(ParseRequest(bytes, &parsed)) << bytes;
  std::string again;
  EncodeRequest(parsed, &again);
  EXPECT_EQ(again, bytes);
  return parsed;
}

TEST(ShrinkRequestTest, EveryKindRoundTrips) {
  Operation cas;
  cas.kind = OpKind::kCas;
  cas.keys = {"k7"};
  cas.value = "ab\r\ncd";
  cas.flags = 42;
  cas.exptime = -1;
  cas.cas = 99;
  cas.noreply = true;
  const Operation parsed = RoundTrip(cas);
  EXPECT_EQ(parsed.value, "ab\r\ncd");
  EXPECT_EQ(parsed.cas, 99u);
  EXPECT_EQ(parsed.exptime, -1);
  EXPECT_TRUE(parsed.noreply);

  Operation get;
  get.kind = OpKind::kGets;
  get.keys = {"a", "b", "c"};
  EXPECT_EQ(RoundTrip(get).keys.size(), 3u);

  for (OpKind kind :
       {OpKind::kSet, OpKind::kAdd, OpKind::kReplace, OpKind::kAppend, OpKind::kPrepend}) {
    Operation op;
    op.kind = kind;
    op.keys = {"k"};
    op.value = "";
    EXPECT_EQ(RoundTrip(op).kind, kind);
  }
  Operation incr;
  incr.kind = OpKind::kDecr;
  incr.keys = {"n"};
  incr.delta = 18446744073709551615u;
  EXPECT_EQ(RoundTrip(incr).delta, 18446744073709551615u);
  Operation touch;
  touch.kind = OpKind::kTouch;
  touch.keys = {"t"};
  touch.exptime = 1700000000;
  EXPECT_EQ(RoundTrip(touch).exptime, 1700000000);
  Operation flush;
  flush.kind = OpKind::kFlushAll;
  flush.exptime = 5;
  flush.noreply = true;
  EXPECT_EQ(RoundTrip(flush).exptime, 5);
  Operation del;
  del.kind = OpKind::kDelete;
  del.keys = {"d"};
  EXPECT_EQ(RoundTrip(del).key(), "d");
}

TEST(ShrinkRequestTest, BadRequestsAndOtherBytesAreNotOperations) {
  Operation op;
  for (const std::string& bytes : std::initializer_list<std::string>{
           "bogus_command k1\r\n", "get " + std::string(251, 'x') + "\r\n",
           "incr k1 notanumber\r\n", "set k1 0 0 notalength\r\n", "touch k1 soon\r\n",
           "delete k1 5\r\n", "watch evictions\r\n",
           "get k1\r\nget k2\r\n",     // two requests
           "set k 0 0 3\r\nabcd\r\n",  // data longer than announced
           "set k 0 0 3\r\nabc",       // data cut short
           "get  k1\r\n",              // two spaces: not what a client writes
           "get k1\n",                 // no \r
           "get k1 noreply\r\n",       // a get takes no noreply
       }) {
    EXPECT_FALSE(ParseRequest(bytes, &op)) << bytes;
  }
}

}  // namespace
}  // namespace mcspec::sim
