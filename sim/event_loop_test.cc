#include "event_loop.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <tuple>
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

// Any schedule, including events scheduled by events and in the past, runs
// in (time, scheduling order): the order of a stable sort by time.
RC_GTEST_PROP(EventLoopTest, RunsEverySchedulingInTimeThenSchedulingOrder, ()) {
  const auto first = *rc::gen::container<std::vector<SimTime>>(rc::gen::inRange<SimTime>(0, 50));
  const auto later = *rc::gen::container<std::vector<std::pair<size_t, SimTime>>>(
      rc::gen::pair(rc::gen::inRange<size_t>(0, 1000), rc::gen::inRange<SimTime>(-20, 50)));
  EventLoop loop;
  // (time run, scheduling number), and each event's (time asked, number).
  std::vector<std::pair<SimTime, int>> ran;
  std::vector<std::tuple<SimTime, int>> scheduled;
  int next = 0;
  std::function<void(int)> run;  // event `number` runs
  std::function<void(SimTime)> schedule = [&](SimTime at) {
    const int number = next++;
    scheduled.emplace_back(std::max(at, loop.now()), number);
    loop.At(at, [&run, number] { run(number); });
  };
  run = [&](int number) {
    ran.emplace_back(loop.now(), number);
    for (const auto& [parent, delay] : later) {
      if (parent == static_cast<size_t>(number)) schedule(loop.now() + delay);
    }
  };
  for (SimTime at : first) schedule(at);
  while (loop.RunOne()) {
  }
  RC_ASSERT(ran.size() == scheduled.size());
  for (size_t i = 1; i < ran.size(); ++i) {
    RC_ASSERT(ran[i - 1] < ran[i]);  // time, then scheduling order
  }
  std::vector<std::pair<SimTime, int>> expected;
  expected.reserve(scheduled.size());
  for (const auto& [at, number] : scheduled) expected.emplace_back(at, number);
  std::sort(expected.begin(), expected.end());
  RC_ASSERT(ran == expected);
}

}  // namespace
}  // namespace mcspec::sim
