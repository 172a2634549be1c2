#include "request_model.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace mcspec::ref {
namespace {

constexpr int64_t kProcessStarted = 1700000000;

TEST(RequestModel, RequestSizeTakesTheDataBlockOfAWellFormedStorageLine) {
  EXPECT_EQ(RequestModel::RequestSize("get a"), std::nullopt);
  EXPECT_EQ(RequestModel::RequestSize("get a\r\nget b\r\n"), std::optional<size_t>(7));
  EXPECT_EQ(RequestModel::RequestSize("set a 0 0 3\r\nab"), std::nullopt);
  EXPECT_EQ(RequestModel::RequestSize("set a 0 0 3\r\nabc\r\nget a\r\n"),
            std::optional<size_t>(18));
  // A malformed line has no block: what follows is the next request.
  EXPECT_EQ(RequestModel::RequestSize("set a 0 0 x\r\nabc\r\n"), std::optional<size_t>(13));
  EXPECT_EQ(RequestModel::RequestSize("set a 0 0\r\nabc\r\n"), std::optional<size_t>(11));
}

TEST(RequestModel, CoversOnlyWhatItModels) {
  EXPECT_TRUE(RequestModel::Covers("get a b\r\n", false));
  EXPECT_TRUE(RequestModel::Covers("frobnicate\r\n", false));
  EXPECT_TRUE(RequestModel::Covers("debugtime 5\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("debugtime -5\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("debugtime p\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("stats\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("mg a v\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("quit\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("GET / HTTP/1.1\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("set a 0 0 70000\r\n", false));
  EXPECT_FALSE(RequestModel::Covers("get " + std::string(2100, 'k') + "\r\n", false));
  const std::string long_key_get = "get a " + std::string(251, 'k') + "\r\n";
  EXPECT_TRUE(RequestModel::Covers(long_key_get, false));
  EXPECT_FALSE(RequestModel::Covers(long_key_get, true));
}

TEST(RequestModel, AnswersCompleteRequestsAndKeepsThePartialOne) {
  RequestModel model(kProcessStarted);
  EXPECT_EQ(model.Receive("set a 0 0 1\r\nx"), "");
  EXPECT_EQ(model.Receive("\r\nget a\r\nge"), "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(model.Receive("t a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\n");
}

TEST(RequestModel, TakesAStoresExptimeWhenItsLineArrives) {
  RequestModel model(kProcessStarted);
  EXPECT_EQ(model.Receive("set a 0 1 1\r\n"), "");
  model.AdvanceClock(1);
  EXPECT_EQ(model.Receive("x\r\nget a\r\n"), "STORED\r\nEND\r\n");
}

TEST(RequestModel, IncrReadsTheValueAsACString) {
  RequestModel model(kProcessStarted);
  using std::string_literals::operator""s;
  EXPECT_EQ(model.Receive("set n 0 0 2\r\n1\0\r\nincr n 1\r\n"s), "STORED\r\n2\r\n");
}

// memcached 1.6.18's safe_strtoull looks for a '-' in the whole token
// (strchr) when the value is negative as signed, also past where strtoull
// stopped (the differential fuzzer's finding incr-delta-minus-after-space).
TEST(RequestModel, AHugeDeltaIsRefusedWhenItsTokenHoldsAMinusAnywhere) {
  RequestModel model(kProcessStarted);
  EXPECT_EQ(model.Receive("set c 0 0 1\r\n5\r\n"), "STORED\r\n");
  EXPECT_EQ(model.Receive("incr c 18446744073709551614\r-\r\n"),
            "CLIENT_ERROR invalid numeric delta argument\r\n");
  EXPECT_EQ(model.Receive("incr c -2\r\n"), "CLIENT_ERROR invalid numeric delta argument\r\n");
  // Small enough to be positive as signed: the '-' does not matter.
  EXPECT_EQ(model.Receive("incr c 9223372036854775807\r-\r\n"), "9223372036854775812\r\n");
  // A '-' in the next token is not in the delta's.
  EXPECT_EQ(model.Receive("incr c 18446744073709551614 -\r\n"), "9223372036854775810\r\n");
}

}  // namespace
}  // namespace mcspec::ref
