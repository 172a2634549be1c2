// The simulation's single event loop in virtual time. Events run in order of
// (time, scheduling sequence): two events at the same instant run in the
// order they were scheduled, so a run never depends on how ties are kept.
// Time never goes backwards and nothing reads the wall clock.
#ifndef MCSPEC_SIM_EVENT_LOOP_H_
#define MCSPEC_SIM_EVENT_LOOP_H_

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <vector>

namespace mcspec::sim {

using SimTime = int64_t;  // nanoseconds of virtual time

// An event's callback, held inline: events are many and their callables
// small (a pointer and a word or two of captures), so, unlike a
// std::function, it never allocates and moves as plain bytes; it is called
// through one function pointer.
class EventCallback {
 public:
  static constexpr size_t kCapacity = 24;

  template <typename F>
  requires std::is_invocable_r_v<void, F&> EventCallback(
      F callable) {  // NOLINT: implicit, from a lambda
    static_assert(sizeof(F) <= kCapacity && alignof(F) <= alignof(std::max_align_t),
                  "an event's callable must fit EventCallback's inline storage");
    static_assert(std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F>,
                  "an event's callable must be copyable as bytes (capture pointers and numbers)");
    ::new (static_cast<void*>(storage_)) F(callable);
    invoke_ = [](void* storage) { (*std::launder(static_cast<F*>(storage)))(); };
  }
  EventCallback() = default;

  void operator()() { invoke_(storage_); }

 private:
  alignas(std::max_align_t) unsigned char storage_[kCapacity] = {};
  void (*invoke_)(void*) = nullptr;
};

class EventLoop {
 public:
  using Callback = EventCallback;

  // An event's place in the order: its time and scheduling sequence.
  struct Ticket {
    SimTime time;
    uint64_t sequence;
  };

  SimTime now() const { return now_; }
  // Runs `callback` at `time` (clamped to now: the past is not reachable).
  void At(SimTime time, Callback callback) { At(TakeTicket(time), callback); }
  void After(SimTime delay, Callback callback) { At(now_ + delay, callback); }
  // An event's place taken now (`time` clamped to now), for a callback
  // given later: it runs where an event scheduled now at `time` would, so
  // a sequence of events whose times never decrease can wait outside the
  // loop, behind its first. The event must be given (At) before any event
  // after it in the order runs.
  Ticket TakeTicket(SimTime time) { return Ticket{time < now_ ? now_ : time, next_sequence_++}; }
  void At(Ticket ticket, Callback callback);
  // Called by a running event's callback (once at most): runs the same
  // callback once more at `ticket`, which comes after the running event's.
  // The event keeps its slot.
  void Again(Ticket ticket) {
    again_ = ticket;
    run_again_ = true;
  }
  // Runs the earliest event; false when none is left.
  bool RunOne();
  // Runs events while any is left and `keep_going()` holds.
  template <typename Predicate>
  void RunWhile(Predicate keep_going) {
    while (pending() != 0 && keep_going() && RunOne()) {
    }
  }
  // Events waiting, read between events (the running one may count or not).
  size_t pending() const { return keys_.size(); }
  // The pending counts where the order of pending events changes its form
  // (see `keys_`): above the first a heap, at the second sorted again.
  static constexpr size_t kMostSorted = 256;
  static constexpr size_t kFewestHeaped = 64;
  uint64_t events_run() const { return events_run_; }

 private:
  // Keys are ordered apart from the callbacks, which stay put in
  // `callbacks_` (slots reused). A key is the event's time in its high 64
  // bits, then its scheduling sequence (40 bits) and its callback's slot
  // (24 bits): one unsigned comparison orders by (time, sequence), without
  // a branch to mispredict.
  using Key = unsigned __int128;
  static constexpr int kSlotBits = 24;
  static constexpr int kSequenceBits = 40;

  static Key MakeKey(Ticket ticket, uint32_t slot);
  void Insert(Key key);
  // The sorted array's insertion: searched from the back (the earliest
  // keys, among which most new ones go).
  void InsertSorted(Key key);
  // The heap's: sifting up from a new leaf.
  void PushHeap(Key key);
  // Puts `key` in the hole at the heap's root, moving it down to its place.
  void SiftDown(Key key);
  bool RunOneHeaped();
  // Runs the event of `key`, the next; returns its slot.
  uint32_t Run(Key key);

  SimTime now_ = 0;
  Ticket again_{};
  bool run_again_ = false;
  uint64_t next_sequence_ = 0;
  uint64_t events_run_ = 0;
  // The pending keys. While few events are pending (the simulator's usual
  // dozens) they are sorted, latest first: the next event is taken from
  // the back, and a new one, usually among the earliest few (measured: on
  // average two keys later than the earliest pending, 17 earlier than the
  // latest), is put in place from the back, shifting the few earlier
  // keys. With many pending, that shifting would be quadratic: above
  // kMostSorted, `keys_` is a 4-ary min-heap (the sorted keys reversed are
  // one), until the pending count falls to kFewestHeaped and the heap is
  // sorted again.
  std::vector<Key> keys_;
  bool heaped_ = false;
  std::vector<Callback> callbacks_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_EVENT_LOOP_H_
