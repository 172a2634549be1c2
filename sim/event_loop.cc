#include "event_loop.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace mcspec::sim {
namespace {

constexpr size_t kArity = 4;

}  // namespace

void EventLoop::At(Ticket ticket, Callback callback) {
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(callbacks_.size());
    callbacks_.push_back(callback);
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    callbacks_[slot] = callback;
  }
  Insert(MakeKey(ticket, slot));
}

inline void EventLoop::Insert(Key key) {
  if (heaped_) {
    PushHeap(key);
  } else if (keys_.size() < kMostSorted) {
    InsertSorted(key);
  } else {
    std::reverse(keys_.begin(), keys_.end());  // ascending: a heap already
    heaped_ = true;
    PushHeap(key);
  }
}

inline void EventLoop::InsertSorted(Key key) {
  size_t hole = keys_.size();
  keys_.emplace_back();
  while (hole > 0 && keys_[hole - 1] < key) {
    keys_[hole] = keys_[hole - 1];
    --hole;
  }
  keys_[hole] = key;
}

void EventLoop::PushHeap(Key key) {
  size_t hole = keys_.size();
  keys_.emplace_back();
  while (hole > 0) {
    const size_t parent = (hole - 1) / kArity;
    if (!(key < keys_[parent])) break;
    keys_[hole] = keys_[parent];
    hole = parent;
  }
  keys_[hole] = key;
}

EventLoop::Key EventLoop::MakeKey(Ticket ticket, uint32_t slot) {
  if (slot >> kSlotBits != 0 || ticket.sequence >> kSequenceBits != 0) {
    std::fprintf(stderr, "event loop: more than 2^%d events pending or 2^%d scheduled\n", kSlotBits,
                 kSequenceBits);
    std::abort();
  }
  return Key{static_cast<uint64_t>(ticket.time)} << 64 | ticket.sequence << kSlotBits | slot;
}

// Inlined into RunOneHeaped, its one caller: the call and its prologue were 8%
// of the instructions RunOne and its sifts ran.
[[gnu::always_inline]] inline void EventLoop::SiftDown(Key key) {
  const size_t size = keys_.size();
  size_t hole = 0;
  while (true) {
    const size_t first = kArity * hole + 1;
    if (first >= size) break;
    size_t least = first;
    Key least_key = keys_[first];
    const size_t end = std::min(first + kArity, size);
    for (size_t child = first + 1; child < end; ++child) {
      const bool less = keys_[child] < least_key;
      least = less ? child : least;
      least_key = less ? keys_[child] : least_key;
    }
    if (!(least_key < key)) break;
    keys_[hole] = least_key;
    hole = least;
  }
  keys_[hole] = key;
}

bool EventLoop::RunOne() {
  if (pending() == 0) return false;
  if (heaped_) return RunOneHeaped();
  const Key key = keys_.back();
  keys_.pop_back();
  const auto slot = Run(key);
  if (run_again_) {
    run_again_ = false;
    Insert(MakeKey(again_, slot));
  } else {
    free_slots_.push_back(slot);
  }
  return true;
}

bool EventLoop::RunOneHeaped() {
  // The event stays at the root while it runs: whatever it schedules comes
  // after it, so sifts up no further than below it.
  const auto slot = Run(keys_.front());
  // The event's key moves down to its place: its next one, or, the event
  // done, the last key fills its hole.
  Key moved;
  if (run_again_) {
    run_again_ = false;
    moved = MakeKey(again_, slot);
  } else {
    free_slots_.push_back(slot);
    moved = keys_.back();
    keys_.pop_back();
    if (keys_.empty()) {
      heaped_ = false;
      return true;
    }
  }
  SiftDown(moved);
  if (keys_.size() <= kFewestHeaped) {
    std::sort(keys_.begin(), keys_.end(), std::greater<>());
    heaped_ = false;
  }
  return true;
}

inline uint32_t EventLoop::Run(Key key) {
  now_ = static_cast<SimTime>(static_cast<uint64_t>(key >> 64));
  ++events_run_;
  const auto slot = static_cast<uint32_t>(key & ((uint64_t{1} << kSlotBits) - 1));
  // A copy: the callback may schedule events, which may move `callbacks_`.
  Callback callback = callbacks_[slot];
  callback();
  return slot;
}

}  // namespace mcspec::sim
