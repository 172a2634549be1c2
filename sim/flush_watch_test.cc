#include "flush_watch.h"

#include <gtest/gtest.h>

#include <string>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::sim {
namespace {

class FlushWatchTest : public ::testing::Test {
 protected:
  // Runs `request` and tells the watch, as the simulator does after a request.
  FlushChange Run(const std::string& request) {
    std::string out;
    session_.Receive(request, &out);
    return watch_.Observe(server_);
  }
  FlushChange Tick(int64_t seconds) {
    server_.AdvanceClock(seconds);
    return watch_.Observe(server_);
  }
  // Whether a get finds `key`.
  bool Finds(const std::string& key) {
    std::string out;
    session_.Receive("get " + key + "\r\n", &out);
    return out != "END\r\n";
  }

  ref::Server server_{ref::Settings{}};
  ref::Session session_{server_};
  FlushWatch watch_;
};

TEST_F(FlushWatchTest, AFlushAllWithoutDelayFlushesAtOnce) {
  EXPECT_EQ(Run("set a 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_EQ(Run("flush_all\r\n"), FlushChange::kFlushed);
  EXPECT_FALSE(Finds("a"));
  // Stored after it, in the same second: shown.
  EXPECT_EQ(Run("set b 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_TRUE(Finds("b"));
  EXPECT_EQ(Tick(1), FlushChange::kNone);
  EXPECT_EQ(Run("flush_all 0\r\n"), FlushChange::kFlushed);
  EXPECT_FALSE(Finds("b"));
}

TEST_F(FlushWatchTest, ADelayedFlushActsWhenTheClockGetsThere) {
  EXPECT_EQ(Run("set a 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_EQ(Run("flush_all 3\r\n"), FlushChange::kNone);
  EXPECT_EQ(Tick(1), FlushChange::kNone);
  EXPECT_TRUE(Finds("a"));
  // oldest_live is the second before the one named: from then on, stores
  // are hidden as they land, until the clock leaves it.
  EXPECT_EQ(Tick(1), FlushChange::kFlushing);
  EXPECT_FALSE(Finds("a"));
  EXPECT_EQ(Run("set b 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_FALSE(Finds("b"));
  EXPECT_EQ(Tick(1), FlushChange::kFlushed);
  EXPECT_EQ(Run("set c 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_TRUE(Finds("c"));
}

TEST_F(FlushWatchTest, AClockJumpOverTheSecondOnlyFlushes) {
  EXPECT_EQ(Run("set a 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_EQ(Run("flush_all 2\r\n"), FlushChange::kNone);
  EXPECT_EQ(Tick(2), FlushChange::kFlushed);
  EXPECT_FALSE(Finds("a"));
}

TEST_F(FlushWatchTest, ADelayOfOneSecondHidesStoresAtOnce) {
  EXPECT_EQ(Run("set a 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_EQ(Run("flush_all 1\r\n"), FlushChange::kFlushing);
  EXPECT_EQ(Run("set b 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_FALSE(Finds("b"));
  EXPECT_EQ(Tick(1), FlushChange::kFlushed);
}

// A later flush_all with a delay puts oldest_live ahead of the clock: what
// was hidden and not unlinked is shown again until then.
TEST_F(FlushWatchTest, ALaterDelayedFlushShowsHiddenItemsAgain) {
  EXPECT_EQ(Run("set a 0 0 1\r\nx\r\n"), FlushChange::kNone);
  EXPECT_EQ(Run("flush_all\r\n"), FlushChange::kFlushed);
  EXPECT_EQ(Run("flush_all 5\r\n"), FlushChange::kRestored);
  EXPECT_TRUE(Finds("a"));
  EXPECT_EQ(Tick(4), FlushChange::kFlushing);
  EXPECT_FALSE(Finds("a"));
}

}  // namespace
}  // namespace mcspec::sim
