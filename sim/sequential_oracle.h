// The sequential oracle: checks each reply of a memcached text-protocol
// server against what memcached 1.6.18 allows, online, given every operation
// executed before it.
//
// Order. mcsim's server is the reference, one thread, driven by the
// simulated network, which sees exactly when the last byte of each request is
// handed to the server: that is when the request executes. The simulator
// feeds the oracle operations in that execution order (not in the order
// replies reach clients), so concurrency needs no guessing: an operation of
// another client "landing first" is simply earlier in the feed. What stays
// open is modelled as a set of candidate states per key, narrowed by each
// observed reply:
//   - a reply that never arrives (noreply, a reset connection, a lost
//     datagram): every outcome the operation could have had;
//   - memory: any store may be refused with SERVER_ERROR out of memory
//     (memcached's allocator may fail under pressure; a failed set also
//     unlinks the old value), an append/prepend whose new item cannot be
//     allocated answers NOT_STORED, an incr whose result needs a new item may
//     answer SERVER_ERROR out of memory;
//   - evictions are not guessed: the simulator watches them (`watch
//     evictions`) and reports each evicted key at its place in the feed, so a
//     miss is allowed only after the key's eviction, and a key evicted is
//     gone;
//   - incr/decr rewrites the value in place (padded with spaces to the old
//     length) or in a new item depending on references memcached holds
//     internally: both results are candidates;
//   - flush_all: memcached invalidates lazily; an item flushed but not yet
//     reaped comes back when a later flush_all moves oldest_live into the
//     future, unless the LRU or crawler reaped it meanwhile: both candidates.
// Time is the server's (relative seconds, as its clock reads when the
// operation executes); exptimes are converted as memcached's realtime()
// does, against `process_started`.
//
// cas uniques: the oracle knows an item's unique once a gets has shown it;
// every modification gives a fresh unique, larger than any seen before.
#ifndef MCSPEC_SIM_SEQUENTIAL_ORACLE_H_
#define MCSPEC_SIM_SEQUENTIAL_ORACLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "one_or_many.h"
#include "operation.h"

namespace mcspec::sim {

class SequentialOracle {
 public:
  explicit SequentialOracle(int64_t process_started) : process_started_(process_started) {}

  // The operation executed when the server's clock read `now`; `reply` is
  // what came back, or null when no reply will be seen. A storage
  // operation's command line was read at `header_now` (its exptime is
  // converted then). Returns a failure (operation, key, what was allowed,
  // what arrived) or nothing.
  std::optional<std::string> Execute(const Operation& op, uint32_t now, const Reply* reply,
                                     uint32_t header_now);
  std::optional<std::string> Execute(const Operation& op, uint32_t now, const Reply* reply) {
    return Execute(op, now, reply, now);
  }
  // The same, for a caller that will not read the operation's value again:
  // a store may take its buffer instead of copying it (op->value is then
  // left empty, with some other buffer).
  std::optional<std::string> ExecuteLastUse(Operation* op, uint32_t now, const Reply* reply,
                                            uint32_t header_now);
  // A set whose reply will never be seen had its command line read: if its
  // allocation failed, the key's old value was unlinked then.
  void MayBeUnlinked(const std::string& key);
  // The server evicted `key`. A key that cannot have been stored is a failure.
  std::optional<std::string> Evicted(std::string_view key);

  // Starts bringing the states of `op`'s keys into the cache, for its check
  // (which waits for its reply) to find them there. Changes nothing.
  void Prefetch(const Operation& op) const;

  // Candidate states held for `key` (1 when its state is known exactly).
  size_t candidates(const std::string& key) const;
  uint64_t checked() const { return checked_; }

  // One possible state of a key on the server.
  struct ItemState {
    bool linked = false;  // in the server's index (maybe flushed or expired)
    std::string value;
    uint32_t flags = 0;
    uint32_t exptime = 0;    // relative, 0: never
    uint32_t link_time = 0;  // when it was linked (memcached's it->time)
    uint64_t order = 0;      // when its unique was assigned, in the oracle's count
    std::optional<uint64_t> cas;
    uint64_t cas_floor = 0;  // its unique is larger than this

    bool operator==(const ItemState&) const = default;
  };

 private:
  // A key's candidate states (one, almost always: held inline).
  using States = OneOrMany<ItemState>;

  // One outcome an operation may have on one candidate.
  struct Branch {
    enum class Expect : uint8_t { kLine, kHit, kMiss };
    // Built in place in the branch list, the state forwarded (moved when it
    // may be), without a temporary Branch.
    template <typename State>
    Branch(Expect expect, std::string_view line, State&& next)
        : expect(expect), line(line), next(std::forward<State>(next)) {}

    Expect expect;
    // kLine: a literal, or the digits of an arithmetic result (in `digits_`,
    // valid until the next Branches).
    std::string_view line;
    ItemState next;
  };

  uint32_t Realtime(int64_t exptime, uint32_t now) const;
  bool Flushed(const ItemState& s, uint32_t now) const;
  bool Visible(const ItemState& s, uint32_t now) const;
  // The outcomes `op` may have from `s`; with `only_line`, of the one-line
  // replies only those that are *only_line. A store takes its value from
  // *value_to_take, when given (op.value's own buffer, no longer needed),
  // else copies op.value. `consumable`, when given, is `s` itself, which the
  // branches may move from (only_line is then given, and at most one branch
  // is built from `s`).
  void Branches(const Operation& op, const ItemState& s, uint32_t now, uint32_t header_now,
                const std::string* only_line, std::string* value_to_take, ItemState* consumable,
                std::vector<Branch>* out);
  // A replaced state's value buffer, kept (up to a bound) for a store to
  // come to copy its value into without an allocation.
  void KeepSpareValue(std::string* value);
  // Leaves *buffer empty, with a kept buffer when there is one (its own
  // goes away).
  void TakeSpareValue(std::string* buffer);
  // A read's reply narrows the states in place (the common case, without
  // copying values); false, with the states unchanged, when none matches.
  bool NarrowByRead(const Operation& op, uint32_t now, const Hit* hit, States* states);
  std::optional<std::string> ExecuteOp(const Operation& op, uint32_t now, const Reply* reply,
                                       uint32_t header_now, std::string* value_to_take);
  std::optional<std::string> ExecuteKeyed(const Operation& op, size_t key_index, uint32_t now,
                                          uint32_t header_now, const Reply* reply, const Hit* hit,
                                          std::string* value_to_take);
  std::optional<std::string> ExecuteFlush(const Operation& op, uint32_t now, const Reply* reply);
  // Makes a numbered key's summary stale: the caller may change its states.
  States& StatesOf(const std::string& key);

  // What a flush_all asks of a key: the earliest link time and unique order
  // among its linked states (none linked: the largest values), and whether
  // absent is one of its states already.
  struct LinkedSince {
    uint32_t link_time = UINT32_MAX;
    uint64_t order = UINT64_MAX;
    bool absent = false;
  };
  static LinkedSince Summarize(const States& states);

  int64_t process_started_;
  // Each key's candidates (none: never touched, absent): mcsim's keys
  // ("k<N>", Workload::KeyName) by N, other keys by name.
  std::vector<States> numbered_keys_;
  // The numbered keys with states (once touched, a key keeps at least one),
  // and each numbered key's summary, refreshed for the stale ones when a
  // flush_all needs them: a flush_all reads these, not every key's states.
  std::vector<size_t> touched_numbered_keys_;
  std::vector<LinkedSince> linked_since_;
  std::vector<size_t> stale_keys_;  // the keys whose summaries are stale
  bool all_stale_ = false;          // or all of them
  std::unordered_map<std::string, States> other_keys_;
  uint32_t oldest_live_ = 0;
  uint64_t oldest_order_ = 0;
  uint64_t order_ = 0;
  uint64_t max_cas_seen_ = 0;
  uint64_t checked_ = 0;
  std::vector<Branch> branches_;           // scratch
  std::string digits_;                     // scratch: an incr/decr result, as branches name it
  States next_;                            // scratch
  std::vector<std::string> spare_values_;  // buffers for stored values
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SEQUENTIAL_ORACLE_H_
