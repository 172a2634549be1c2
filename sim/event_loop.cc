#include "event_loop.h"

#include <algorithm>

namespace mcspec::sim {

void EventLoop::At(SimTime time, Callback callback) {
  heap_.push_back(Entry{std::max(time, now_), next_sequence_++, std::move(callback)});
  std::push_heap(heap_.begin(), heap_.end(), Later);
}

bool EventLoop::RunOne() {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later);
  Entry entry = std::move(heap_.back());
  heap_.pop_back();
  now_ = entry.time;
  ++events_run_;
  entry.callback();
  return true;
}

}  // namespace mcspec::sim
