#include "event_loop.h"

#include <algorithm>

namespace mcspec::sim {
namespace {

constexpr size_t kArity = 4;

}  // namespace

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
  const Entry entry{std::max(time, now_), next_sequence_++, slot};
  size_t hole = heap_.size();
  heap_.emplace_back();
  while (hole > 0) {
    const size_t parent = (hole - 1) / kArity;
    if (!Before(entry, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = entry;
}

bool EventLoop::RunOne() {
  if (heap_.empty()) return false;
  const Entry entry = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t size = heap_.size();
  if (size > 0) {
    // `last` sinks from the root to its place.
    size_t hole = 0;
    while (true) {
      const size_t first = kArity * hole + 1;
      if (first >= size) break;
      size_t least = first;
      const size_t end = std::min(first + kArity, size);
      for (size_t child = first + 1; child < end; ++child) {
        if (Before(heap_[child], heap_[least])) least = child;
      }
      if (!Before(heap_[least], last)) break;
      heap_[hole] = heap_[least];
      hole = least;
    }
    heap_[hole] = last;
  }
  now_ = entry.time;
  ++events_run_;
  Callback callback = std::move(callbacks_[entry.slot]);
  free_slots_.push_back(entry.slot);
  callback();
  return true;
}

}  // namespace mcspec::sim
