#include "event_loop.h"

#include <algorithm>

namespace mcspec::sim {

void EventLoop::At(SimTime time, Callback callback) {
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(callbacks_.size());
    callbacks_.push_back(std::move(callback));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    callbacks_[slot] = std::move(callback);
  }
  heap_.push_back(Entry{std::max(time, now_), next_sequence_++, slot});
  std::push_heap(heap_.begin(), heap_.end(), Later);
}

bool EventLoop::RunOne() {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later);
  const Entry entry = heap_.back();
  heap_.pop_back();
  now_ = entry.time;
  ++events_run_;
  Callback callback = std::move(callbacks_[entry.slot]);
  free_slots_.push_back(entry.slot);
  callback();
  return true;
}

}  // namespace mcspec::sim
