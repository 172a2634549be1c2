// The sequential specification of one memcached key: what memcached 1.6.18
// answers to each storage, retrieval and arithmetic command on a single key,
// and what the key then holds. Linearizability checkers run it on each key's
// sub-history.
//
// The model is nondeterministic, so a step maps one state to every state the
// key may be in afterwards (none: the observed outcome is impossible):
// - a present item may vanish before any step when evictions are allowed,
//   and always when it was written with a non-zero exptime (expiry);
// - when evictions are allowed (memory is short), an append or prepend may
//   answer NOT_STORED to a present key and leave it as it was: memcached
//   could not allocate the combined item;
// - incr/decr whose decimal is no longer than the old value rewrites it in
//   place padded with spaces, or, when the item is busy, writes a new item of
//   exact length;
// - an operation whose outcome is unknown (`info`) either took effect here,
//   with any outcome, or not at all.
// A flush (history.h's "flush", which mcsim records when the server's
// flush_all takes effect, and gives to every key) hides the key's item;
// FLUSHING starts the second memcached's oldest_live names, in which every
// item stored is hidden as it lands, and the next FLUSHED ends it. A hidden
// item stays linked until the next request on the key unlinks it, or the LRU
// crawler does at any time: a RESTORED (a later delayed flush_all moved
// oldest_live ahead of the clock) shows it again, unique and all, or finds it
// gone.
// CAS uniques are chosen by the server, so the model only keeps what the
// history has revealed: the unique bound to the present version (by a gets or
// a successful cas), the uniques earlier versions were bound to (versions
// have distinct uniques) and uniques the present version is known not to have
// (a cas answered EXISTS).
#ifndef MCSPEC_SIM_KEY_MODEL_H_
#define MCSPEC_SIM_KEY_MODEL_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history.h"
#include "operation.h"
#include "shared_value.h"

namespace mcspec::sim {

enum class KeyOutcome {
  kUnknown,  // an info operation: any outcome, or no effect at all
  kHit,
  kMiss,
  kStored,
  kNotStored,
  kExists,
  kNotFound,
  kDeleted,
  kNumber,
  kNonNumeric,
  kTouched,
  kEvicted,
  kFlushed,   // a flush: the item present, if any, is gone
  kFlushing,  // the same, and stores are hidden as they land until kFlushed
  kRestored,  // the hidden item, if any, is present again, unless it was unlinked
};

// One operation on the key: the request and, unless unknown, its outcome.
// Its command is one of OpKind's but flush_all and bad, which name no key
// (a flush is given to every key by whoever splits the history by key).
struct KeyOperation {
  OpKind command = OpKind::kGet;
  SharedValue data;       // storage commands: the data block
  uint32_t flags = 0;     // storage commands
  int64_t exptime = 0;    // storage commands and touch, as sent
  uint64_t delta = 0;     // incr, decr
  uint64_t cas_sent = 0;  // cas
  KeyOutcome outcome = KeyOutcome::kUnknown;
  SharedValue value;  // a hit's value
  uint32_t value_flags = 0;
  std::optional<uint64_t> unique;  // a hit's CAS unique (gets)
  uint64_t number = 0;             // incr/decr's new value

  // The one unique the operation mentions (sent by cas, received by gets).
  std::optional<uint64_t> MentionedUnique() const;
  // Whether it may bind that unique to the present version (a gets that saw
  // it, a cas that stored or may have) rather than only compare with it (a
  // cas answered EXISTS or NOT_FOUND).
  bool MayBindUnique() const;
};

// The operation an invoke event asks for, with the outcome its `ok`
// completion reports (nullptr: unknown). False with *error for what the
// history format does not allow (unknown command, result or missing field).
bool ToKeyOperation(const HistoryEvent& invoke, const HistoryEvent* ok, KeyOperation* operation,
                    std::string* error);

// "cas "abc" flags 0 unique 17 -> EXISTS"; values are quoted and escaped.
std::string DescribeOperation(const KeyOperation& operation);

struct KeyState {
  // What is known of the present version's CAS unique.
  enum class Unique : uint8_t {
    kUnknown,
    kBound,
    kUnmentioned,  // bound to a value no operation still to check mentions
  };

  // An item a flush hid, which memcached keeps linked until the next
  // request on the key unlinks it (or its LRU crawler does, at any time),
  // and shows again at a RESTORED: the present version's fields, as they
  // were.
  struct Hidden {
    SharedValue value;
    uint32_t flags = 0;
    bool may_expire = false;
    Unique unique_known = Unique::kUnknown;
    uint64_t unique = 0;
    std::vector<uint64_t> refused;

    auto operator<=>(const Hidden&) const = default;
  };

  bool present = false;
  SharedValue value;
  uint32_t flags = 0;
  bool may_expire = false;  // written with a non-zero exptime
  bool flushing = false;    // in a flush's second: stores are hidden as they land
  Unique unique_known = Unique::kUnknown;
  uint64_t unique = 0;            // when kBound
  std::vector<uint64_t> retired;  // sorted: uniques of earlier versions
  std::vector<uint64_t> refused;  // sorted: uniques the present version has not
  std::optional<Hidden> hidden;   // only while nothing is present

  auto operator<=>(const KeyState&) const = default;
};

struct KeyModelOptions {
  // Any present item may vanish at any time (evictions), not only the ones
  // written with an exptime.
  bool evictions = false;
};

// Appends to *next every state the key may be in after `operation` from
// `state`, given its observed outcome. Returns false (appending nothing) when
// the outcome is impossible from `state`, with the reason in *why if given.
bool StepKey(const KeyState& state, const KeyOperation& operation, const KeyModelOptions& options,
             std::vector<KeyState>* next, std::string* why);

// Whether the operation only observes the key: from every state, each
// state it may leave is that state, or that state vanished (when it may), or
// that state with more known of its unique. So no state it leaves allows
// more than the state it came from.
bool ObservesOnly(const KeyOperation& operation);

// States that differ only in what no operation still to be checked can
// tell apart behave alike; forgetting it lets them compare equal.
// Once no such operation may bind `unique`, whether earlier versions had it
// or a cas with it was refused no longer matters:
void ForgetPastUnique(uint64_t unique, KeyState* state);
// Once none mentions it at all, neither does which unique the present
// version has, if it is this one:
void ForgetUnique(uint64_t unique, KeyState* state);

// "absent" or "\"abc\" flags 0 cas 17 (may expire)".
std::string DescribeState(const KeyState& state);

// A byte string as a double-quoted C-like literal, shortened past `limit`
// bytes.
std::string QuoteBytes(const std::string& bytes, size_t limit = 48);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_KEY_MODEL_H_
