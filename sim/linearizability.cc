#include "linearizability.h"

#include <algorithm>
#include <bit>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace mcspec::sim {
namespace {

// The model is nondeterministic; the search carries every state the key may
// be in (sorted, without duplicates), as Porcupine's power-set models do.
using StateSet = std::vector<KeyState>;

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t HashStates(const StateSet& states) {
  uint64_t hash = states.size();
  const auto add = [&hash](uint64_t x) { hash = Mix(hash ^ x); };
  for (const KeyState& state : states) {
    add(state.present);
    add(state.value.hash());
    add(state.flags);
    add(state.may_expire);
    add(state.flushing);
    add(static_cast<uint64_t>(state.unique_known));
    add(state.unique);
    for (uint64_t unique : state.retired) add(unique);
    add(~uint64_t{0});
    for (uint64_t unique : state.refused) add(unique);
    if (state.hidden) {
      add(state.hidden->value.hash());
      add(state.hidden->flags);
      add(state.hidden->may_expire);
      add(static_cast<uint64_t>(state.hidden->unique_known));
      add(state.hidden->unique);
      for (uint64_t unique : state.hidden->refused) add(unique);
    }
  }
  return hash;
}

// A set of operations numbered in invoke order (those linearized), as a
// bitset. Cache entries keep it compactly: search linearizes nearly in
// invoke order, so the set is "every operation before `prefix`" and, above
// it up to `top`, either a few members (a later operation tried early) or
// all but a few (operations left pending long, as behind a clogged
// connection, while hundreds of others are placed): whichever list is
// shorter is kept.
class LinearizedSet {
 public:
  explicit LinearizedSet(size_t size) : words_((size + 63) / 64) {}

  struct Compact {
    uint32_t prefix = 0;  // not a member; every operation before it is
    uint32_t top = 0;     // no member from here on
    bool lists_holes = false;
    // Sorted, in (prefix, top): the members, or with `lists_holes` the
    // non-members.
    std::vector<uint32_t> listed;
    bool operator==(const Compact&) const = default;

    bool contains(uint32_t i) const {
      if (i < prefix) return true;
      if (i >= top || i == prefix) return false;
      return std::binary_search(listed.begin(), listed.end(), i) != lists_holes;
    }
  };

  bool contains(size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  uint64_t hash() const { return hash_; }

  void Set(size_t i) {
    words_[i / 64] |= uint64_t{1} << (i % 64);
    hash_ ^= Mix(i);
    ++count_;
    top_ = std::max(top_, i + 1);
    while (prefix_ < words_.size() * 64 && contains(prefix_)) ++prefix_;
  }
  void Clear(size_t i) {
    words_[i / 64] &= ~(uint64_t{1} << (i % 64));
    hash_ ^= Mix(i);
    --count_;
    prefix_ = std::min(prefix_, i);
    // The search takes back its latest operations first: the next member
    // down is near.
    if (i + 1 == top_) {
      while (top_ > 0 && !contains(top_ - 1)) --top_;
    }
  }
  // Whether every member of `part` is one of `whole`.
  static bool Includes(const Compact& whole, const Compact& part) {
    if (part.prefix > whole.prefix) return false;  // `whole.prefix` is not in `whole`
    if (!part.lists_holes) {
      return std::all_of(part.listed.begin(), part.listed.end(),
                         [&whole](uint32_t member) { return whole.contains(member); });
    }
    auto hole = part.listed.begin();
    for (uint32_t i = part.prefix + 1; i < part.top; ++i) {
      if (hole != part.listed.end() && *hole == i) {
        ++hole;
      } else if (!whole.contains(i)) {
        return false;
      }
    }
    return true;
  }

  Compact ToCompact() const {
    Compact compact;
    compact.prefix = static_cast<uint32_t>(prefix_);
    const size_t members = count_ - prefix_;  // above the prefix
    if (members == 0) {
      compact.top = compact.prefix;
      return compact;
    }
    const size_t top = top_;
    const size_t last_word = (top - 1) / 64;
    compact.top = static_cast<uint32_t>(top);
    const size_t holes = top - prefix_ - 1 - members;
    compact.lists_holes = holes < members;
    compact.listed.reserve(std::min(holes, members));
    // The listed bits of each word from the prefix's on: members, or holes
    // below the top.
    for (size_t w = (prefix_ + 1) / 64; w <= last_word; ++w) {
      uint64_t bits = compact.lists_holes ? ~words_[w] : words_[w];
      if (w == (prefix_ + 1) / 64) bits &= ~uint64_t{0} << ((prefix_ + 1) % 64);
      if (w == last_word && top % 64 != 0) bits &= ~(~uint64_t{0} << (top % 64));
      while (bits != 0) {
        compact.listed.push_back(static_cast<uint32_t>(64 * w + std::countr_zero(bits)));
        bits &= bits - 1;
      }
    }
    return compact;
  }

 private:
  std::vector<uint64_t> words_;
  uint64_t hash_ = 0;
  size_t count_ = 0;
  size_t prefix_ = 0;
  size_t top_ = 0;  // one past the highest member
};

// Porcupine's doubly linked list of call and return entries in history
// order; node 0 is the head. Linearizing an operation lifts both its
// entries out; backtracking puts them back.
struct Node {
  int prev = -1;
  int next = -1;
  int match = -1;  // a call's return entry
  uint32_t op = 0;
  bool call = false;
};

class EntryList {
 public:
  // `order`: (position in history, op, is call), sorted by position.
  explicit EntryList(const std::vector<std::tuple<size_t, uint32_t, bool>>& order) {
    nodes_.resize(order.size() + 1);
    std::vector<int> call_of(order.size(), -1);
    for (size_t i = 0; i < order.size(); ++i) {
      const int id = static_cast<int>(i + 1);
      Node& node = nodes_[id];
      node.prev = id - 1;
      node.next = i + 1 < order.size() ? id + 1 : -1;
      node.op = std::get<1>(order[i]);
      node.call = std::get<2>(order[i]);
      if (node.call) {
        call_of[node.op] = id;
      } else {
        nodes_[call_of[node.op]].match = id;
      }
    }
    nodes_[0].next = order.empty() ? -1 : 1;
  }

  const Node& operator[](int id) const { return nodes_[id]; }
  int first() const { return nodes_[0].next; }

  void Lift(int call) {
    Unlink(call);
    Unlink(nodes_[call].match);
  }
  void Unlift(int call) {
    Relink(nodes_[call].match);
    Relink(call);
  }

 private:
  void Unlink(int id) {
    const Node& node = nodes_[id];
    nodes_[node.prev].next = node.next;
    if (node.next != -1) nodes_[node.next].prev = node.prev;
  }
  void Relink(int id) {
    const Node& node = nodes_[id];
    nodes_[node.prev].next = id;
    if (node.next != -1) nodes_[node.next].prev = id;
  }

  std::vector<Node> nodes_;
};

// The cache of the nodes explored, and, unless on the current path, failed
// (Lowe's memoisation, as Porcupine's cache). A node is its linearized known
// operations, its consumed operations of unknown outcome and its states.
// Operations of unknown outcome are kept apart from the linearized set: a
// node dominates another with the same linearized known operations and
// states that has consumed more of them, since unconsumed ones can still
// take no effect at the end. So the search need not explore every way of
// placing them.
//
// Entries never move (a deque), so the search walks the states held here
// instead of copying them; they are found through a table of entry numbers,
// open addressing on the node's hash.
class NodeCache {
 public:
  NodeCache() : slots_(1024, kEmpty) {}

  // Whether a node explored and failed dominates this one.
  bool Dominated(uint64_t hash, const LinearizedSet::Compact& linearized,
                 const LinearizedSet::Compact& consumed, const StateSet& states) const {
    for (size_t slot = hash & (slots_.size() - 1); slots_[slot] != kEmpty;
         slot = (slot + 1) & (slots_.size() - 1)) {
      const Entry& e = entries_[slots_[slot]];
      if (e.hash == hash && !e.on_path && e.linearized == linearized && e.states == states &&
          LinearizedSet::Includes(consumed, e.consumed)) {
        return true;
      }
    }
    return false;
  }

  // A node entered: on the current path until LeavePath. Returns its entry.
  size_t Add(uint64_t hash, LinearizedSet::Compact linearized, LinearizedSet::Compact consumed,
             StateSet states) {
    if (2 * (entries_.size() + 1) > slots_.size()) Grow();
    const size_t index = entries_.size();
    entries_.push_back(
        Entry{hash, std::move(linearized), std::move(consumed), std::move(states), true});
    Place(index);
    return index;
  }
  const StateSet& states(size_t index) const { return entries_[index].states; }
  // The node's exploration ended: it failed.
  void LeavePath(size_t index) { entries_[index].on_path = false; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Entry {
    uint64_t hash;
    LinearizedSet::Compact linearized;
    LinearizedSet::Compact consumed;
    StateSet states;
    // Still being explored: an ancestor of the current node, which proves
    // nothing yet (it may have to consume more to succeed).
    bool on_path;
  };

  void Place(size_t index) {
    size_t slot = entries_[index].hash & (slots_.size() - 1);
    while (slots_[slot] != kEmpty) slot = (slot + 1) & (slots_.size() - 1);
    slots_[slot] = static_cast<uint32_t>(index);
  }
  void Grow() {
    slots_.assign(2 * slots_.size(), kEmpty);
    for (size_t index = 0; index < entries_.size(); ++index) Place(index);
  }

  std::deque<Entry> entries_;
  std::vector<uint32_t> slots_;
};

// What the search of one key found.
struct KeySearch {
  Verdict verdict = Verdict::kLinearizable;
  uint64_t steps = 0;
  // The deepest dead end (not linearizable only), over `checked` indices.
  std::vector<uint32_t> longest_order;
  StateSet states_after;
  uint32_t deadline = 0;
  std::vector<uint32_t> candidates;  // the operations that could have gone next
  // Per operation, the one sent before it on its connection, which must
  // take effect first (connection order); -1: none.
  std::vector<int> waits_for;
};

// The search over the operations that may have taken effect, `checked`
// (in invoke order).
KeySearch SearchKey(const std::vector<const HistoryOperation*>& checked,
                    const CheckOptions& options) {
  KeySearch result;
  const size_t n = checked.size();

  std::vector<std::tuple<size_t, uint32_t, bool>> order;
  order.reserve(2 * n);
  const size_t never = ~size_t{0};
  for (uint32_t i = 0; i < n; ++i) {
    const HistoryOperation& op = *checked[i];
    order.emplace_back(op.invoke_event, i, true);
    // Unknown outcomes may take effect any time after the invoke: their
    // return entries go after everything, in invoke order, unless settled.
    const bool returned = op.completion == EventType::kOk || op.settled;
    order.emplace_back(returned ? op.complete_event : never - n + i, i, false);
  }
  std::sort(order.begin(), order.end());
  EntryList entries(order);

  // Uniques each operation mentions, numbered densely, and how many
  // operations not yet linearized mention each, and may bind it.
  std::map<uint64_t, uint32_t> unique_ids;
  std::vector<int> mention(n, -1);
  std::vector<uint64_t> unique_of;
  std::vector<uint32_t> mentions_left;
  std::vector<uint32_t> binders_left;
  for (uint32_t i = 0; i < n; ++i) {
    if (auto unique = checked[i]->operation.MentionedUnique()) {
      auto [it, added] = unique_ids.emplace(*unique, static_cast<uint32_t>(unique_of.size()));
      if (added) {
        unique_of.push_back(*unique);
        mentions_left.push_back(0);
        binders_left.push_back(0);
      }
      mention[i] = static_cast<int>(it->second);
      ++mentions_left[it->second];
      if (checked[i]->operation.MayBindUnique()) ++binders_left[it->second];
    }
  }
  const auto count_linearized = [&](uint32_t op, int change) {
    if (mention[op] < 0) return;
    mentions_left[mention[op]] += change;
    if (checked[op]->operation.MayBindUnique()) binders_left[mention[op]] += change;
  };

  // Connection order: an operation can go next only once the one sent
  // before it on its connection has (see `ready`).
  result.waits_for.assign(n, -1);
  if (options.connection_order) {
    std::map<uint64_t, uint32_t> last_sent;  // connection -> its latest `ok` operation
    for (uint32_t i = 0; i < n; ++i) {
      const HistoryOperation& op = *checked[i];
      if (op.completion != EventType::kOk || !op.connection) continue;
      auto [it, first] = last_sent.emplace(*op.connection, i);
      if (!first) {
        result.waits_for[i] = static_cast<int>(it->second);
        it->second = i;
      }
    }
  }
  // Unknown outcomes are counted apart (NodeCache).
  std::vector<bool> observes_only(n);
  for (uint32_t i = 0; i < n; ++i) observes_only[i] = ObservesOnly(checked[i]->operation);
  std::vector<uint32_t> rank(n);  // among the known, or among the unknown
  std::vector<bool> known(n);
  size_t known_count = 0;
  size_t unknown_count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    known[i] = checked[i]->operation.outcome != KeyOutcome::kUnknown;
    rank[i] = static_cast<uint32_t>(known[i] ? known_count++ : unknown_count++);
  }
  struct Frame {
    int call;
    const StateSet* states;  // of the node the call was made at
    size_t cache_index;      // the entry of the node the call led to
    bool forced;             // the only operation tried at its node
  };
  std::vector<Frame> calls;
  LinearizedSet linearized(known_count);
  LinearizedSet consumed(unknown_count);
  const auto mark = [&](uint32_t op) {
    if (known[op]) {
      linearized.Set(rank[op]);
    } else {
      consumed.Set(rank[op]);
    }
  };
  const auto unmark = [&](uint32_t op) {
    if (known[op]) {
      linearized.Clear(rank[op]);
    } else {
      consumed.Clear(rank[op]);
    }
  };
  // An operation waits only for an `ok` one, of known outcome.
  const auto ready = [&](uint32_t op) {
    const int before = result.waits_for[op];
    return before < 0 || linearized.contains(rank[before]);
  };
  const StateSet root{KeyState{}};
  const StateSet* states = &root;  // the present node's: the root's or its cache entry's
  NodeCache cache;
  StateSet next;
  // The deepest dead end so far: its order shares the first
  // `recorded_prefix` operations with the current path, so recording a
  // deeper one copies only what was linearized since.
  bool recorded = false;
  size_t recorded_prefix = 0;

  const auto out_of_budget = [&] {
    return options.step_budget != 0 && result.steps >= options.step_budget;
  };
  const auto step = [&](uint32_t op) {
    ++result.steps;
    next.clear();
    for (const KeyState& state : *states) {
      StepKey(state, checked[op]->operation, options.model, &next, nullptr);
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
  };
  // The first return entry: once every operation that may go next was
  // tried, a dead end.
  const auto dead_end = [&entries] {
    int at = entries.first();
    while (entries[at].call) at = entries[at].next;
    return at;
  };
  // An observation that the present states all pass unchanged is forced:
  // it narrows (key_model.h, ObservesOnly), so any linearization from here
  // stays one with it moved to the front. Nothing else is tried at such a
  // node. Returns the operation's call entry, with `next` computed, or -1.
  const auto find_forced = [&] {
    for (int at = entries.first(); at != -1 && entries[at].call; at = entries[at].next) {
      const uint32_t op = entries[at].op;
      if (!observes_only[op] || !ready(op)) continue;
      if (out_of_budget()) break;
      step(op);
      if (next == *states) return at;
    }
    return -1;
  };

  int entry = entries.first();
  bool forced = false;  // `entry` is forced, and `next` holds its states
  const auto enter_node = [&] {
    entry = find_forced();
    forced = entry != -1;
    if (!forced) entry = entries.first();
  };
  enter_node();
  while (entries.first() != -1) {
    const Node& node = entries[entry];
    if (node.call) {
      if (!forced) {
        if (!ready(node.op)) {
          entry = node.next;
          continue;
        }
        if (out_of_budget()) {
          result.verdict = Verdict::kUnknown;
          return result;
        }
        step(node.op);
      }
      if (!next.empty()) {
        count_linearized(node.op, -1);
        if (const int id = mention[node.op]; id >= 0) {
          bool forgot = false;
          if (mentions_left[id] == 0) {
            for (KeyState& state : next) ForgetUnique(unique_of[id], &state);
            forgot = true;
          } else if (binders_left[id] == 0) {
            for (KeyState& state : next) ForgetPastUnique(unique_of[id], &state);
            forgot = true;
          }
          if (forgot) {
            std::sort(next.begin(), next.end());
            next.erase(std::unique(next.begin(), next.end()), next.end());
          }
        }
        mark(node.op);
        LinearizedSet::Compact linearized_now = linearized.ToCompact();
        LinearizedSet::Compact consumed_now = consumed.ToCompact();
        const uint64_t hash = linearized.hash() ^ Mix(HashStates(next));
        if (!cache.Dominated(hash, linearized_now, consumed_now, next)) {
          const size_t index =
              cache.Add(hash, std::move(linearized_now), std::move(consumed_now), std::move(next));
          next = StateSet();
          calls.push_back(Frame{entry, states, index, forced});
          states = &cache.states(index);
          entries.Lift(entry);
          enter_node();
          continue;
        }
        unmark(node.op);
        count_linearized(node.op, +1);
      }
      entry = forced ? dead_end() : node.next;
      forced = false;
      continue;
    }
    // A return entry: its operation had to be linearized by now.
    if (!recorded || calls.size() > result.longest_order.size()) {
      recorded = true;
      result.longest_order.resize(recorded_prefix);
      for (size_t i = recorded_prefix; i < calls.size(); ++i) {
        result.longest_order.push_back(entries[calls[i].call].op);
      }
      recorded_prefix = calls.size();
      result.states_after = *states;
      result.deadline = node.op;
      result.candidates.clear();
      for (int at = entries.first(); at != entry; at = entries[at].next) {
        result.candidates.push_back(entries[at].op);
      }
    }
    if (calls.empty()) {
      result.verdict = Verdict::kNotLinearizable;
      return result;
    }
    const Frame& top = calls.back();
    cache.LeavePath(top.cache_index);
    entry = top.call;
    const bool was_forced = top.forced;
    states = top.states;
    calls.pop_back();
    recorded_prefix = std::min(recorded_prefix, calls.size());
    const uint32_t op = entries[entry].op;
    unmark(op);
    count_linearized(op, +1);
    entries.Unlift(entry);
    entry = was_forced ? dead_end() : entries[entry].next;
  }
  return result;
}

std::string DescribeStates(const StateSet& states) {
  if (states.size() == 1) return DescribeState(states[0]);
  std::string out = "one of";
  for (const KeyState& state : states) out += (out.size() > 6 ? "; " : " ") + DescribeState(state);
  return out;
}

// Why `operation` cannot go next from any of `states`; empty when it can.
std::string WhyStuck(const StateSet& states, const KeyOperation& operation,
                     const KeyModelOptions& options) {
  std::string out;
  for (const KeyState& state : states) {
    std::vector<KeyState> ignored;
    std::string why;
    if (StepKey(state, operation, options, &ignored, &why)) return "";
    if (!out.empty()) out += "; ";
    if (states.size() > 1) out += "from " + DescribeState(state) + ": ";
    out += why;
  }
  return out;
}

KeyFailure ExplainFailure(const std::string& key,
                          const std::vector<const HistoryOperation*>& key_operations,
                          const std::vector<uint32_t>& checked_index, const KeySearch& search,
                          const CheckOptions& options) {
  KeyFailure failure;
  failure.key = key;
  for (const HistoryOperation* op : key_operations) failure.operations.push_back(*op);
  for (uint32_t op : search.longest_order) failure.longest_order.push_back(checked_index[op]);
  failure.states_after = search.states_after;
  failure.deadline = checked_index[search.deadline];
  size_t could_go = 0;
  const std::set<uint32_t> placed(search.longest_order.begin(), search.longest_order.end());
  for (uint32_t op : search.candidates) {
    const int before = search.waits_for[op];
    std::string why =
        before >= 0 && !placed.contains(static_cast<uint32_t>(before))
            ? "it waits for #" +
                  std::to_string(key_operations[checked_index[before]]->invoke_event) +
                  ", sent before it on connection " +
                  std::to_string(*key_operations[checked_index[op]]->connection)
            : WhyStuck(search.states_after, key_operations[checked_index[op]]->operation,
                       options.model);
    if (why.empty()) {
      ++could_go;
      continue;
    }
    failure.stuck.push_back(checked_index[op]);
    failure.stuck_reasons.push_back(std::move(why));
  }

  constexpr size_t kShownOrder = 20;
  std::string& text = failure.explanation;
  text = "key " + QuoteBytes(key, 250) + " has no linearization.\n";
  const size_t order_size = failure.longest_order.size();
  text += "The longest explained prefix orders " + std::to_string(order_size) + " of its " +
          std::to_string(key_operations.size()) + " operations";
  if (order_size == 0) {
    text += ".\n";
  } else {
    text += order_size > kShownOrder ? " (the last " + std::to_string(kShownOrder) + " shown):\n"
                                     : ":\n";
    for (size_t i = order_size > kShownOrder ? order_size - kShownOrder : 0; i < order_size; ++i) {
      text += "  " + failure.operations[failure.longest_order[i]].Describe() + "\n";
    }
  }
  text += "after which the key is " + DescribeStates(failure.states_after) + ".\n";
  const HistoryOperation& deadline = failure.operations[failure.deadline];
  text += deadline.Describe();
  if (deadline.completion == EventType::kOk) {
    text += " completed at " + std::to_string(*deadline.complete_time) +
            " and must have taken effect by then";
  } else if (deadline.settled) {
    text += " settled at " + std::to_string(*deadline.complete_time) +
            " and must have taken effect by then, or never";
  } else {
    text += " is the last to place";
  }
  text += failure.stuck.empty() ? ", but" : ", but no operation can go next:\n";
  for (size_t i = 0; i < failure.stuck.size(); ++i) {
    text += "  " + failure.operations[failure.stuck[i]].Describe() + ": " +
            failure.stuck_reasons[i] + "\n";
  }
  if (could_go > 0) {
    text += (failure.stuck.empty() ? " " : "and ") + std::to_string(could_go) +
            " operation(s) that can go next lead to no linearization of the rest.\n";
  } else if (failure.stuck.empty()) {
    text += " nothing can go next.\n";
  }
  return failure;
}

}  // namespace

std::string HistoryOperation::Describe() const {
  std::string out = "#" + std::to_string(invoke_event) + " process " + std::to_string(process) +
                    " [" + std::to_string(invoke_time) + ", ";
  if (completion == EventType::kOk) {
    out += std::to_string(*complete_time) + "]";
  } else if (complete_time) {
    out += std::string(EventTypeName(completion)) + " at " + std::to_string(*complete_time) + ")";
  } else {
    out += "never completed)";
  }
  return out + " " + DescribeOperation(operation);
}

bool CollectOperations(const std::vector<HistoryEvent>& events,
                       std::vector<HistoryOperation>* operations, std::string* error) {
  operations->clear();
  std::map<uint64_t, size_t> pending;  // process -> index in *operations
  std::set<uint64_t> ended;            // processes that saw an info
  for (size_t i = 0; i < events.size(); ++i) {
    const HistoryEvent& event = events[i];
    const auto fail = [&](const std::string& why) {
      *error = "event " + std::to_string(i + 1) + ": " + why;
      return false;
    };
    const auto process = [&event] { return "process " + std::to_string(event.process); };
    if (event.type == EventType::kInvoke) {
      if (pending.contains(event.process)) return fail(process() + " invokes while one is pending");
      if (ended.contains(event.process)) return fail(process() + " invokes after an info");
      HistoryOperation op;
      op.invoke_event = i + 1;
      op.process = event.process;
      op.connection = event.connection;
      op.key = event.key;
      op.invoke_time = event.time;
      std::string why;
      if (!ToKeyOperation(event, nullptr, &op.operation, &why)) return fail(why);
      pending[event.process] = operations->size();
      operations->push_back(std::move(op));
      continue;
    }
    auto it = pending.find(event.process);
    if (it == pending.end()) return fail(process() + " completes nothing pending");
    HistoryOperation& op = (*operations)[it->second];
    pending.erase(it);
    const HistoryEvent& invoke = events[op.invoke_event - 1];
    if (event.f != invoke.f || event.key != invoke.key) {
      return fail(process() + " completes " + event.f + " " + QuoteBytes(event.key) +
                  " but invoked " + invoke.f + " " + QuoteBytes(invoke.key));
    }
    op.completion = event.type;
    op.settled = event.type == EventType::kInfo && event.settled;
    op.complete_event = i + 1;
    op.complete_time = event.time;
    if (event.type == EventType::kInfo) ended.insert(event.process);
    if (event.type == EventType::kOk) {
      std::string why;
      if (!ToKeyOperation(invoke, &event, &op.operation, &why)) return fail(why);
    }
  }
  return true;
}

CheckResult CheckOperations(const std::vector<HistoryOperation>& operations,
                            const CheckOptions& options) {
  CheckResult result;
  result.operations = operations.size();
  std::map<std::string, std::vector<const HistoryOperation*>> by_key;
  for (const HistoryOperation& op : operations) by_key[op.key].push_back(&op);
  result.keys = by_key.size();

  for (const auto& [key, key_operations] : by_key) {
    // Failed operations took no effect; reads of unknown outcome show
    // nothing: neither constrains the order.
    std::vector<const HistoryOperation*> checked;
    std::vector<uint32_t> checked_index;
    for (uint32_t i = 0; i < key_operations.size(); ++i) {
      const HistoryOperation& op = *key_operations[i];
      const bool read =
          op.operation.command == OpKind::kGet || op.operation.command == OpKind::kGets;
      if (op.completion == EventType::kFail) continue;
      if (op.completion != EventType::kOk && read) continue;
      checked.push_back(&op);
      checked_index.push_back(i);
    }
    const KeySearch search = SearchKey(checked, options);
    result.steps += search.steps;
    if (search.verdict == Verdict::kNotLinearizable) {
      result.failures.push_back(
          ExplainFailure(key, key_operations, checked_index, search, options));
    } else if (search.verdict == Verdict::kUnknown) {
      result.unknown.push_back(key);
    }
  }
  if (!result.failures.empty()) {
    result.verdict = Verdict::kNotLinearizable;
  } else if (!result.unknown.empty()) {
    result.verdict = Verdict::kUnknown;
  }
  return result;
}

}  // namespace mcspec::sim
