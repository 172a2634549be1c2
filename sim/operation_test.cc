#include "operation.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::sim {
namespace {

Operation Op(OpKind kind, std::vector<std::string> keys, std::string value = "") {
  Operation op;
  op.kind = kind;
  op.keys = std::move(keys);
  op.value = std::move(value);
  return op;
}

TEST(EncodeRequestTest, WritesEachCommandAfterWhatTheBufferHeld) {
  std::string out = "before|";
  Operation set = Op(OpKind::kSet, {"k1"}, "abc");
  set.flags = 4294967295u;
  set.exptime = INT64_MIN;
  EncodeRequest(set, &out);
  EXPECT_EQ(out, "before|set k1 4294967295 -9223372036854775808 3\r\nabc\r\n");

  Operation cas = Op(OpKind::kCas, {std::string(250, 'x')}, std::string(1000, 'v'));
  cas.exptime = 9223372036854775807;
  cas.cas = UINT64_MAX;
  cas.noreply = true;
  out.clear();
  EncodeCommandLine(cas, &out);
  EXPECT_EQ(out, "cas " + std::string(250, 'x') +
                     " 0 9223372036854775807 1000 18446744073709551615 noreply\r\n");

  std::vector<std::string> keys;
  std::string line = "gets";
  for (int i = 0; i < 40; ++i) {
    keys.emplace_back(250, static_cast<char>('a' + i % 26));
    line += " " + keys.back();
  }
  out.clear();
  EncodeRequest(Op(OpKind::kGets, keys), &out);
  EXPECT_EQ(out, line + "\r\n");

  Operation incr = Op(OpKind::kDecr, {"n"});
  incr.delta = UINT64_MAX;
  Operation touch = Op(OpKind::kTouch, {"t"});
  touch.exptime = -1;
  Operation flush = Op(OpKind::kFlushAll, {});
  Operation delayed = flush;
  delayed.exptime = 30;
  delayed.noreply = true;
  Operation bad = Op(OpKind::kBadInput, {});
  bad.bad_request = "bogus k1\r\n";
  Operation append = Op(OpKind::kAppend, {"a"}, "");
  append.noreply = true;
  out.clear();
  for (const Operation& op : {incr, touch, flush, delayed, bad, append, Op(OpKind::kDelete, {"d"}),
                              Op(OpKind::kGet, {"g"})}) {
    EncodeRequest(op, &out);
  }
  EXPECT_EQ(out,
            "decr n 18446744073709551615\r\ntouch t -1\r\nflush_all\r\nflush_all 30 noreply\r\n"
            "bogus k1\r\nappend a 0 0 0 noreply\r\n\r\ndelete d\r\nget g\r\n");
}

// A gets reply of two hits (one empty), then the next reply's first line.
constexpr std::string_view kTwoHits =
    "VALUE k1 5 3 7\r\nabc\r\nVALUE k2 0 0 8\r\n\r\nEND\r\nSTORED\r\n";

void ExpectTheTwoHits(const Reply& reply) {
  ASSERT_EQ(reply.hits.size(), 2u);
  EXPECT_EQ(reply.hits[0], (Hit{"k1", 5, "abc", 7}));
  EXPECT_EQ(reply.hits[1], (Hit{"k2", 0, "", 8}));
  EXPECT_EQ(reply.line, "END");
}

TEST(ParseReplyTest, ReadsHitsThenTheEnd) {
  Reply reply;
  std::string error;
  ASSERT_EQ(ParseReply(OpKind::kGets, kTwoHits, &reply, &error), kTwoHits.find("STORED"));
  ExpectTheTwoHits(reply);
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

// A header's numbers are whole decimal numbers of their field's type, its
// words single-spaced and as many as the command's header has.
TEST(ParseReplyTest, AValueLineHasExactlyItsWordsAndNumbers) {
  for (const char* header :
       {"VALUE k1 4294967296 3", "VALUE k1 +1 3", "VALUE k1 -1 3", "VALUE k1  3", "VALUE k1 0 3 ",
        "VALUE k1 0 3 7", "VALUE k1 0", "VALUE k1 0 18446744073709551616", "VALUE k1 0 3x",
        "VALUE k1 0 0x3"}) {
    Reply reply;
    std::string error;
    EXPECT_EQ(ParseReply(OpKind::kGet, std::string(header) + "\r\nabc\r\nEND\r\n", &reply, &error),
              std::string::npos)
        << header;
    EXPECT_NE(error.find("malformed VALUE line"), std::string::npos) << header;
  }
  for (const char* header :
       {"VALUE k1 0 3", "VALUE k1 0 3 1 2", "VALUE k1 0 3 18446744073709551616", "VALUE k1 0 3 "}) {
    Reply reply;
    std::string error;
    EXPECT_EQ(ParseReply(OpKind::kGets, std::string(header) + "\r\nabc\r\nEND\r\n", &reply, &error),
              std::string::npos)
        << header;
  }
  Reply reply;
  std::string error;
  const std::string input =
      "VALUE k1 4294967295 3 18446744073709551615\r\nabc\r\nVALUE  007 0 0\r\n\r\nEND\r\n";
  ASSERT_EQ(ParseReply(OpKind::kGets, input, &reply, &error), input.size()) << error;
  ASSERT_EQ(reply.hits.size(), 2u);
  EXPECT_EQ(reply.hits[0], (Hit{"k1", 4294967295u, "abc", 18446744073709551615u}));
  EXPECT_EQ(reply.hits[1], (Hit{"", 7, "", 0}));
}

// Reads `input` cut at `cuts` with a ReplyReader; returns what ParseReply
// would: the bytes used (0: incomplete; npos: an error).
size_t ReadInPieces(OpKind kind, const std::string& input, std::vector<size_t> cuts, Reply* reply,
                    std::string* error, BufferPool* buffers) {
  cuts.push_back(input.size());
  std::sort(cuts.begin(), cuts.end());
  ReplyReader reader;
  reader.Start(kind, reply, buffers);
  size_t begin = 0;
  for (size_t cut : cuts) {
    const std::string_view piece = std::string_view(input).substr(begin, cut - begin);
    const size_t used = reader.Read(piece, error);
    if (used == std::string_view::npos) return used;
    if (reader.complete()) return begin + used;
    if (used != piece.size()) return std::string_view::npos - 1;  // must use all until complete
    begin = cut;
  }
  return 0;
}

TEST(ReplyReaderTest, ReadsAReplyCutAnywhereIntoTheValueBuffers) {
  const std::string input(kTwoHits);
  const size_t end = input.find("STORED");
  BufferPool buffers;
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); ++b) {
      Reply reply;
      reply.hits.resize(3, Hit{"old", 1, "old value", 9});
      std::string error;
      ASSERT_EQ(ReadInPieces(OpKind::kGets, input, {a, b}, &reply, &error, &buffers), end)
          << a << " " << b;
      ExpectTheTwoHits(reply);
    }
  }
}

TEST(ReplyReaderTest, ALargeValueTakesAPooledBuffer) {
  BufferPool buffers;
  std::string pooled(100'000, 'p');
  const char* storage = pooled.data();
  buffers.Recycle(&pooled);
  const std::string value(70'000, 'v');
  const std::string input = "VALUE big 0 70000\r\n" + value + "\r\nEND\r\n";
  Reply reply;
  std::string error;
  ASSERT_EQ(ReadInPieces(OpKind::kGet, input, {10, 30'000}, &reply, &error, &buffers),
            input.size());
  ASSERT_EQ(reply.hits.size(), 1u);
  EXPECT_EQ(reply.hits[0].value, value);
  EXPECT_EQ(reply.hits[0].value.data(), storage);
}

// One reader, one Reply, replies of more hits and of fewer in turn: each is
// read whole, and nothing of an earlier one remains.
TEST(ReplyReaderTest, ReadsRepliesOneAfterAnother) {
  ReplyReader reader;
  Reply reply;
  std::string error;
  const auto read = [&](OpKind kind, std::string_view input) {
    reader.Start(kind, &reply);
    EXPECT_EQ(reader.Read(input, &error), input.size());
    EXPECT_TRUE(reader.complete());
  };
  read(OpKind::kGets,
       "VALUE a 1 1 5\r\na\r\nVALUE b 2 2 6\r\nbb\r\nVALUE c 3 3 7\r\nccc\r\nEND\r\n");
  ASSERT_EQ(reply.hits.size(), 3u);
  EXPECT_EQ(reply.hits[2], (Hit{"c", 3, "ccc", 7}));
  read(OpKind::kGet, "VALUE d 4 4\r\ndddd\r\nEND\r\n");
  ASSERT_EQ(reply.hits.size(), 1u);
  EXPECT_EQ(reply.hits[0], (Hit{"d", 4, "dddd", 0}));
  read(OpKind::kGet, "VALUE e 0 1\r\ne\r\nVALUE f 0 0\r\n\r\nEND\r\n");
  ASSERT_EQ(reply.hits.size(), 2u);
  EXPECT_EQ(reply.hits[0], (Hit{"e", 0, "e", 0}));
  EXPECT_EQ(reply.hits[1], (Hit{"f", 0, "", 0}));
  read(OpKind::kDelete, "DELETED\r\n");
  EXPECT_TRUE(reply.hits.empty());
  EXPECT_EQ(reply.line, "DELETED");
}

// Whatever the bytes and however they are cut, the reader gives what it
// gives on the whole (ParseReply): the bytes used, the reply, the error.
RC_GTEST_PROP(ReplyReaderTest, ReadsAnyCutLikeTheWhole, ()) {
  const auto kind = *rc::gen::element(OpKind::kGet, OpKind::kGets, OpKind::kSet);
  const auto parts = *rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
      rc::gen::element<std::string>("VALUE k 1 3\r\n", "VALUE k 1 3 9\r\n", "VALUE k x 3\r\n",
                                    "VALUE kk 0 0 1\r\n", "VALUE k 2 5\r", "abc", "\r\n", "\r",
                                    "\n", "END\r\n", "STORED\r\n", "ERROR\r\n", "VALUE "),
      rc::gen::container<std::string>(rc::gen::element('a', '\r', '\n', ' ', '3', 'V'))));
  std::string input;
  for (const std::string& part : parts) input += part;
  const auto cuts =
      *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, input.size() + 1));
  Reply whole;
  std::string whole_error;
  const size_t expected = ParseReply(kind, input, &whole, &whole_error);
  Reply pieces;
  pieces.hits.resize(2, Hit{"old", 1, "old", 2});
  std::string error;
  BufferPool buffers;
  RC_ASSERT(ReadInPieces(kind, input, cuts, &pieces, &error, &buffers) == expected);
  RC_ASSERT(error == whole_error);
  if (expected != 0 && expected != std::string_view::npos) {
    RC_ASSERT(pieces.line == whole.line);
    RC_ASSERT(pieces.hits == whole.hits);
  }
}

}  // namespace
}  // namespace mcspec::sim
