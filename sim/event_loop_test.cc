#include "event_loop.h"

#include <gtest/gtest.h>

#include <vector>

namespace mcspec::sim {
namespace {

TEST(EventLoopTest, RunsInTimeOrderThenSchedulingOrder) {
  EventLoop loop;
  std::vector<int> order;
  loop.At(30, [&] { order.push_back(3); });
  loop.At(10, [&] { order.push_back(1); });
  loop.At(20, [&] { order.push_back(20); });
  loop.At(20, [&] { order.push_back(21); });
  loop.At(20, [&] { order.push_back(22); });
  while (loop.RunOne()) {
  }
  EXPECT_EQ(order, (std::vector<int>{1, 20, 21, 22, 3}));
  EXPECT_EQ(loop.now(), 30);
  EXPECT_EQ(loop.events_run(), 5u);
}

TEST(EventLoopTest, EventsScheduledFromEventsAndThePastIsClamped) {
  EventLoop loop;
  std::vector<std::pair<SimTime, int>> seen;
  loop.At(100, [&] {
    seen.emplace_back(loop.now(), 1);
    loop.After(5, [&] { seen.emplace_back(loop.now(), 3); });
    loop.At(50, [&] { seen.emplace_back(loop.now(), 2); });  // in the past: runs now
  });
  while (loop.RunOne()) {
  }
  EXPECT_EQ(seen, (std::vector<std::pair<SimTime, int>>{{100, 1}, {100, 2}, {105, 3}}));
}

TEST(EventLoopTest, RunWhileStops) {
  EventLoop loop;
  int count = 0;
  for (int i = 0; i < 10; ++i) loop.At(i, [&] { ++count; });
  loop.RunWhile([&] { return count < 4; });
  EXPECT_EQ(count, 4);
  EXPECT_EQ(loop.pending(), 6u);
}

}  // namespace
}  // namespace mcspec::sim
