#include "event_loop.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <map>
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

// A ticket keeps the place in the order of the moment it was taken, and an
// event run again at a ticket runs where that ticket says.
TEST(EventLoopTest, TicketsTakenEarlierRunInTheirPlace) {
  EventLoop loop;
  std::vector<int> order;
  const EventLoop::Ticket early = loop.TakeTicket(20);
  const EventLoop::Ticket later = loop.TakeTicket(20);
  loop.At(20, [&] { order.push_back(3); });
  const std::function<void()> run_twice = [&, runs = 0]() mutable {
    order.push_back(runs == 0 ? 1 : 2);
    if (runs++ == 0) loop.Again(later);
  };
  loop.At(early, [&run_twice] { run_twice(); });
  loop.At(10, [&] { order.push_back(0); });
  while (loop.RunOne()) {
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(loop.events_run(), 4u);
  EXPECT_EQ(loop.pending(), 0u);
}

// Queues of events whose times never decrease, each with only its first
// event in the loop and its followers run again at the tickets they took
// when scheduled (as the network's directions do), mixed with plain events,
// all scheduled by events too: they run exactly in (time, scheduling order),
// as if every event had been given to the loop when it was scheduled.
RC_GTEST_PROP(EventLoopTest, QueuedEventsRunWhereTheirTicketsSay, ()) {
  constexpr size_t kQueues = 3;  // a queue number of kQueues: a plain event
  const auto first = *rc::gen::container<std::vector<std::pair<size_t, SimTime>>>(
      rc::gen::pair(rc::gen::inRange<size_t>(0, kQueues + 1), rc::gen::inRange<SimTime>(0, 50)));
  const auto later = *rc::gen::container<std::vector<std::tuple<int, size_t, SimTime>>>(
      rc::gen::tuple(rc::gen::inRange(0, 300), rc::gen::inRange<size_t>(0, kQueues + 1),
                     rc::gen::inRange<SimTime>(-20, 50)));
  EventLoop loop;
  struct Queue {
    std::deque<std::pair<int, EventLoop::Ticket>> events;  // (number, ticket)
    SimTime last = 0;
  };
  std::array<Queue, kQueues> queues;
  std::vector<std::pair<SimTime, int>> ran;       // (time run, number)
  std::vector<std::pair<SimTime, int>> expected;  // (time due, number in scheduling order)
  int next = 0;
  std::function<void(int)> run;
  const std::function<void(size_t)> run_queue = [&](size_t index) {
    Queue& queue = queues[index];
    const int number = queue.events.front().first;
    queue.events.pop_front();
    if (!queue.events.empty()) loop.Again(queue.events.front().second);
    run(number);
  };
  const std::function<void(size_t, SimTime)> schedule = [&](size_t index, SimTime at) {
    const int number = next++;
    if (index == kQueues) {
      expected.emplace_back(std::max(at, loop.now()), number);
      loop.At(at, [&run, number] { run(number); });
      return;
    }
    Queue& queue = queues[index];
    const EventLoop::Ticket ticket = loop.TakeTicket(std::max(at, queue.last));
    queue.last = ticket.time;
    expected.emplace_back(ticket.time, number);
    queue.events.emplace_back(number, ticket);
    if (queue.events.size() == 1) loop.At(ticket, [&run_queue, index] { run_queue(index); });
  };
  run = [&](int number) {
    ran.emplace_back(loop.now(), number);
    for (const auto& [parent, index, delay] : later) {
      if (parent == number) schedule(index, loop.now() + delay);
    }
  };
  for (const auto& [index, at] : first) schedule(index, at);
  while (loop.RunOne()) {
  }
  std::sort(expected.begin(), expected.end());
  RC_ASSERT(ran == expected);
}

// Against a model, a std::multimap of the pending events by (time,
// scheduling order): every event run is the model's first, over schedules
// large and small, so that the loop's pending events go from sorted to a
// heap (above kMostSorted) and back (at kFewestHeaped), with events run
// again at later tickets and events scheduled by events, at every step.
RC_GTEST_PROP(EventLoopTest, RunsTheEarliestPendingEventAsAnOrderedMapWould, ()) {
  const auto first_count = *rc::gen::inRange<size_t>(0, 3 * EventLoop::kMostSorted);
  const auto first =
      *rc::gen::container<std::vector<SimTime>>(first_count, rc::gen::inRange<SimTime>(0, 500));
  // Event n does children[n % size]: (delay of a new event or -1 for none,
  // delay of its running again or -1 for none).
  const auto children = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(-1, 300), rc::gen::inRange(-1, 300))));
  const auto limit = *rc::gen::inRange<int>(0, 2000);  // events made by events, at most
  EventLoop loop;
  std::multimap<std::pair<SimTime, uint64_t>, int> model;  // (time, order) -> number
  uint64_t order = 0;
  int next = 0;
  int made = 0;
  size_t most_pending = 0;
  std::function<void(int)> run;
  const auto schedule = [&](SimTime at) {
    const int number = next++;
    model.emplace(std::make_pair(std::max(at, loop.now()), order++), number);
    loop.At(at, [&run, number] { run(number); });
  };
  run = [&](int number) {
    RC_ASSERT(!model.empty());
    RC_ASSERT(model.begin()->second == number);
    RC_ASSERT(model.begin()->first.first == loop.now());
    model.erase(model.begin());
    const auto [child, again] = children[static_cast<size_t>(number) % children.size()];
    if (made < limit && child >= 0) {
      ++made;
      schedule(loop.now() + child);
    }
    if (made < limit && again >= 0) {
      ++made;
      const EventLoop::Ticket ticket = loop.TakeTicket(loop.now() + again);
      model.emplace(std::make_pair(ticket.time, order++), number);
      loop.Again(ticket);
    }
  };
  for (SimTime at : first) schedule(at);
  while (true) {
    most_pending = std::max(most_pending, loop.pending());
    RC_ASSERT(loop.pending() == model.size());
    if (!loop.RunOne()) break;
  }
  RC_ASSERT(model.empty());
  RC_CLASSIFY(most_pending > EventLoop::kMostSorted, "a heap for a while");
}

}  // namespace
}  // namespace mcspec::sim
