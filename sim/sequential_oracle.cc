#include "sequential_oracle.h"

#include <algorithm>
#include <charconv>
#include <type_traits>

namespace mcspec::sim {
namespace {

constexpr int64_t kRealtimeMaxDelta = int64_t{60} * 60 * 24 * 30;
// More candidates than this for one key means the model lost track; it is
// reported rather than silently widened.
constexpr size_t kMaxCandidates = 64;
// memcached's item_is_flushed under a flush_all setting (oldest_live, and the
// unique from which items survive an immediate flush).
// Whether an item linked at `link_time` with unique order `order` is
// flushed at `now` under the flush setting (oldest_live, oldest_order).
bool FlushedUnder(uint32_t link_time, uint64_t order, uint32_t now, uint32_t oldest_live,
                  uint64_t oldest_order) {
  if (oldest_live == 0 || oldest_live > now) return false;
  return link_time <= oldest_live || (oldest_order != 0 && order < oldest_order);
}

constexpr std::string_view kStoreNoMemory = "SERVER_ERROR out of memory storing object";
constexpr std::string_view kDeltaNoMemory = "SERVER_ERROR out of memory";
constexpr std::string_view kNonNumeric =
    "CLIENT_ERROR cannot increment or decrement non-numeric value";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// memcached's safe_strtoull on an item's data (which ends in "\r\n"):
// strtoull's leading blanks and digits, then a blank or the end.
std::optional<uint64_t> NumericValue(std::string_view value) {
  size_t pos = 0;
  while (pos < value.size() && IsSpace(value[pos])) ++pos;
  const size_t digits = pos;
  uint64_t n = 0;
  while (pos < value.size() && value[pos] >= '0' && value[pos] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(value[pos] - '0');
    if (n > (UINT64_MAX - digit) / 10) return std::nullopt;  // ERANGE
    n = n * 10 + digit;
    ++pos;
  }
  if (pos == digits) return std::nullopt;
  if (pos < value.size() && !IsSpace(value[pos])) return std::nullopt;
  return n;
}

std::string Describe(const SequentialOracle::ItemState& s) {
  if (!s.linked) return "absent";
  std::string value = s.value.size() > 40 ? s.value.substr(0, 40) + "..." : s.value;
  std::string out = "[" + value + "] (" + std::to_string(s.value.size()) + " bytes) flags " +
                    std::to_string(s.flags) + " exptime " + std::to_string(s.exptime) +
                    " linked at " + std::to_string(s.link_time);
  out += s.cas ? " cas " + std::to_string(*s.cas) : " cas > " + std::to_string(s.cas_floor);
  return out;
}

// mcsim's key "k<N>" (Workload::KeyName): N, below a bound that keeps the
// table small; other keys have none.
std::optional<size_t> NumberedKey(std::string_view key) {
  constexpr size_t kMaxNumbered = 1 << 22;
  if (key.size() < 2 || key.size() > 8 || key[0] != 'k' || (key[1] == '0' && key.size() > 2)) {
    return std::nullopt;
  }
  // At most 7 digits: no overflow.
  size_t n = 0;
  for (size_t i = 1; i < key.size(); ++i) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(key[i]) - '0');
    if (digit > 9) return std::nullopt;
    n = n * 10 + digit;
  }
  if (n >= kMaxNumbered) return std::nullopt;
  return n;
}

void AddUnique(OneOrMany<SequentialOracle::ItemState>* states, SequentialOracle::ItemState&& s) {
  if (std::find(states->begin(), states->end(), s) == states->end()) {
    states->push_back(std::move(s));
  }
}

}  // namespace

void SequentialOracle::Prefetch(const Operation& op) const {
  for (const std::string& key : op.keys) {
    const auto index = NumberedKey(key);
    if (!index || *index >= numbered_keys_.size()) continue;
    const char* entry = reinterpret_cast<const char*>(&numbered_keys_[*index]);
    for (size_t line = 0; line < sizeof(States) + 63; line += 64) {
      __builtin_prefetch(entry + std::min(line, sizeof(States) - 1));
    }
  }
}

size_t SequentialOracle::candidates(const std::string& key) const {
  if (const auto index = NumberedKey(key)) {
    return *index < numbered_keys_.size() && !numbered_keys_[*index].empty()
               ? numbered_keys_[*index].size()
               : 1;
  }
  auto it = other_keys_.find(key);
  return it == other_keys_.end() ? 1 : it->second.size();
}

SequentialOracle::States& SequentialOracle::StatesOf(const std::string& key) {
  States* states;
  if (const auto index = NumberedKey(key)) {
    if (*index >= numbered_keys_.size()) {
      numbered_keys_.resize(*index + 1);
      linked_since_.resize(*index + 1);
    }
    states = &numbered_keys_[*index];
    if (states->empty()) touched_numbered_keys_.push_back(*index);
    // Listed as often as handed out (no per-key mark to read: one cache
    // miss less); past the number of keys, every key is stale.
    if (!all_stale_) {
      stale_keys_.push_back(*index);
      if (stale_keys_.size() > touched_numbered_keys_.size()) {
        all_stale_ = true;
        stale_keys_.clear();
      }
    }
  } else {
    states = &other_keys_[key];
  }
  if (states->empty()) states->push_back(ItemState{});  // never stored: absent
  return *states;
}

SequentialOracle::LinkedSince SequentialOracle::Summarize(const States& states) {
  LinkedSince since;
  for (const ItemState& s : states) {
    if (s == ItemState{}) since.absent = true;
    if (!s.linked) continue;
    since.link_time = std::min(since.link_time, s.link_time);
    since.order = std::min(since.order, s.order);
  }
  return since;
}

uint32_t SequentialOracle::Realtime(int64_t exptime, uint32_t now) const {
  if (exptime < 0) exptime = kRealtimeMaxDelta + 1;  // EXPTIME_TO_POSITIVE_TIME
  if (exptime == 0) return 0;
  if (exptime > kRealtimeMaxDelta) {
    if (exptime <= process_started_) return 1;
    return static_cast<uint32_t>(exptime - process_started_);
  }
  return static_cast<uint32_t>(exptime + now);
}

bool SequentialOracle::Flushed(const ItemState& s, uint32_t now) const {
  return FlushedUnder(s.link_time, s.order, now, oldest_live_, oldest_order_);
}

bool SequentialOracle::Visible(const ItemState& s, uint32_t now) const {
  return s.linked && !Flushed(s, now) && !(s.exptime != 0 && s.exptime <= now);
}

void SequentialOracle::Branches(const Operation& op, const ItemState& s, uint32_t now,
                                uint32_t header_now, const std::string* only_line,
                                std::string* value_to_take, ItemState* consumable,
                                std::vector<Branch>* out) {
  using Expect = Branch::Expect;
  const bool visible = Visible(s, now);
  const ItemState absent;
  // A lookup unlinks an item it finds flushed or expired.
  const ItemState& looked_up = visible ? s : absent;
  // A modification: a new unique, unknown until a gets shows it. Marked in
  // place and handed on to be moved once, into its branch (each move of a
  // state costs).
  auto modified = [&](ItemState& next) -> ItemState&& {
    next.linked = true;
    next.order = order_;
    next.cas.reset();
    next.cas_floor = max_cas_seen_;
    return std::move(next);
  };
  // `s` itself, moved when it may be consumed.
  // (A conditional expression would copy: its operands' common type is const.)
  auto same = [&]() -> ItemState {
    if (consumable != nullptr) return std::move(*consumable);
    return s;
  };
  // `next` is moved from when it is a temporary, or `s` when consumable.
  auto line = [&](std::string_view text, auto&& next) {
    if (only_line != nullptr && text != *only_line) return;
    if constexpr (std::is_lvalue_reference_v<decltype(next)>) {
      if (&next == consumable) {
        out->emplace_back(Expect::kLine, text, same());
        return;
      }
    }
    out->emplace_back(Expect::kLine, text, std::forward<decltype(next)>(next));
  };
  auto wanted = [&](std::string_view text) { return only_line == nullptr || text == *only_line; };
  switch (op.kind) {
    case OpKind::kGet:
    case OpKind::kGets:
      out->emplace_back(visible ? Expect::kHit : Expect::kMiss, std::string_view(), looked_up);
      return;
    case OpKind::kSet:
    case OpKind::kAdd:
    case OpKind::kReplace:
    case OpKind::kCas: {
      // Whether the command stores, given what the lookup found.
      bool stores = true;
      if (op.kind == OpKind::kAdd) {
        stores = !visible;
      } else if (op.kind == OpKind::kReplace) {
        stores = visible;
      } else if (op.kind == OpKind::kCas) {
        stores = visible && s.cas && *s.cas == op.cas;
      }
      // The allocation fails before the store; a failed set unlinks the old value.
      line(kStoreNoMemory, op.kind == OpKind::kSet ? absent : s);
      if (stores) {
        // Built only when it may match: it takes the value's buffer.
        if (only_line != nullptr && std::string_view(*only_line) != "STORED") return;
        ItemState stored;
        if (value_to_take != nullptr) {
          stored.value.swap(*value_to_take);
          TakeSpareValue(value_to_take);
        } else {
          TakeSpareValue(&stored.value);
          stored.value.assign(op.value);
        }
        stored.flags = op.flags;
        stored.exptime = Realtime(op.exptime, header_now);
        stored.link_time = now;
        line("STORED", modified(stored));
      } else if (op.kind == OpKind::kAdd) {
        line("NOT_STORED", s);
      } else if (op.kind == OpKind::kReplace) {
        line("NOT_STORED", absent);
      } else if (!visible) {
        line("NOT_FOUND", absent);  // cas
      } else {
        line("EXISTS", s);
      }
      return;
    }
    case OpKind::kAppend:
    case OpKind::kPrepend: {
      line(kStoreNoMemory, s);
      if (!visible) {
        line("NOT_STORED", absent);
        return;
      }
      if (wanted("STORED")) {
        // The old value's buffer when it may be consumed, else a spare one.
        ItemState joined;
        if (consumable != nullptr) {
          joined.value = std::move(consumable->value);
        } else {
          TakeSpareValue(&joined.value);
          joined.value.assign(s.value);
        }
        if (op.kind == OpKind::kAppend) {
          joined.value.append(op.value);
        } else {
          joined.value.insert(0, op.value);
        }
        joined.flags = s.flags;
        joined.exptime = s.exptime;
        joined.link_time = now;
        line("STORED", modified(joined));
      }
      line("NOT_STORED", s);  // the joined item could not be allocated
      return;
    }
    case OpKind::kDelete:
      line(visible ? "DELETED" : "NOT_FOUND", absent);
      return;
    case OpKind::kIncr:
    case OpKind::kDecr: {
      if (!visible) {
        line("NOT_FOUND", absent);
        return;
      }
      const std::optional<uint64_t> number = NumericValue(s.value);
      if (s.value.empty() || !number) {
        line(kNonNumeric, s);
        return;
      }
      uint64_t result = *number;
      if (op.kind == OpKind::kIncr) {
        result += op.delta;
      } else {
        result = op.delta > result ? 0 : result - op.delta;
      }
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), result);
      (void)ec;
      digits_.assign(buf, end);
      const std::string_view digits = digits_;
      if (wanted(digits)) {
        // In place when it fits and nobody else holds the item; else a new item.
        if (digits.size() <= s.value.size()) {
          ItemState in_place = s;
          in_place.value.assign(digits);
          in_place.value.resize(s.value.size(), ' ');
          line(digits, modified(in_place));
        }
        ItemState moved = s;
        moved.value = digits;
        moved.link_time = now;
        line(digits, modified(moved));
      }
      line(kDeltaNoMemory, s);
      return;
    }
    case OpKind::kTouch: {
      if (!visible) {
        line("NOT_FOUND", absent);
        return;
      }
      if (wanted("TOUCHED")) {
        ItemState touched = same();
        touched.exptime = Realtime(op.exptime, now);
        line("TOUCHED", std::move(touched));
      }
      return;
    }
    case OpKind::kFlushAll:
    case OpKind::kBadInput:
    case OpKind::kEvict:
    case OpKind::kFlush:
      return;
  }
}

void SequentialOracle::TakeSpareValue(std::string* buffer) {
  if (!spare_values_.empty()) {
    buffer->swap(spare_values_.back());
    spare_values_.pop_back();
  }
  buffer->clear();
}

void SequentialOracle::KeepSpareValue(std::string* value) {
  constexpr size_t kMaxSpareValues = 16;
  if (spare_values_.size() < kMaxSpareValues && value->capacity() > sizeof(std::string)) {
    spare_values_.push_back(std::move(*value));
  }
}

bool SequentialOracle::NarrowByRead(const Operation& op, uint32_t now, const Hit* hit,
                                    States* states) {
  // The states that match, compacted to the front in their order, without
  // duplicates: what Branches' one branch per state would give, uncopied.
  ItemState* const all = states->begin();
  const size_t count = states->size();
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    ItemState& s = all[i];
    if (Visible(s, now)) {
      if (hit == nullptr || hit->value != s.value || hit->flags != s.flags) continue;
      if (op.kind == OpKind::kGets) {
        if (s.cas ? *s.cas != hit->cas : hit->cas <= s.cas_floor) continue;
        s.cas = hit->cas;
      }
    } else {
      if (hit != nullptr) continue;
      s = ItemState{};  // a lookup unlinks an item it finds flushed or expired
    }
    if (std::any_of(all, all + kept, [&s](const ItemState& k) { return k == s; })) continue;
    if (kept != i) all[kept] = std::move(s);
    ++kept;
  }
  // Nothing matched: nothing was changed either.
  if (kept == 0) return false;
  if (kept != count) states->resize(kept);
  return true;
}

std::optional<std::string> SequentialOracle::ExecuteKeyed(const Operation& op, size_t key_index,
                                                          uint32_t now, uint32_t header_now,
                                                          const Reply* reply, const Hit* hit,
                                                          std::string* value_to_take) {
  const std::string& key = op.keys[key_index];
  States& states = StatesOf(key);
  if (IsRetrieval(op.kind) && reply != nullptr && NarrowByRead(op, now, hit, &states)) {
    return std::nullopt;
  }
  // The states replaced last time give their value buffers to the stores to
  // come (a store then copies its value without an allocation).
  for (ItemState& s : next_) KeepSpareValue(&s.value);
  next_.clear();
  auto matches = [&](Branch& b, const ItemState& s) {
    if (reply == nullptr) return true;
    switch (b.expect) {
      case Branch::Expect::kLine:
        return reply->line == b.line;
      case Branch::Expect::kMiss:
        return hit == nullptr;
      case Branch::Expect::kHit:
        if (hit == nullptr || hit->value != s.value || hit->flags != s.flags) return false;
        if (op.kind == OpKind::kGets) {
          if (s.cas ? *s.cas != hit->cas : hit->cas <= s.cas_floor) return false;
          b.next.cas = hit->cas;
        }
        return true;
    }
    return false;
  };
  // Only the branches whose line is the reply's can match: the others are
  // not built.
  const std::string* only_line = reply != nullptr ? &reply->line : nullptr;
  // The value is taken by the one state's store, copied by several. The
  // one state, given a reply, may be consumed by the branch that matches it
  // (only branches whose line is the reply's are built, and they match).
  ItemState* consumable = nullptr;
  if (states.size() > 1) {
    value_to_take = nullptr;
  } else if (reply != nullptr) {
    consumable = &states[0];
  }
  for (const ItemState& s : states) {
    branches_.clear();
    Branches(op, s, now, header_now, only_line, value_to_take, consumable, &branches_);
    size_t matched = 0;  // the branches that match, moved to the front
    for (Branch& b : branches_) {
      if (!matches(b, s)) continue;
      if (&b != &branches_[matched]) branches_[matched] = std::move(b);
      ++matched;
    }
    if (consumable != nullptr && matched == 1) {
      // The common case, one state and one outcome: replaced in place.
      KeepSpareValue(&consumable->value);
      *consumable = std::move(branches_.front().next);
      return std::nullopt;
    }
    for (size_t i = 0; i < matched; ++i) AddUnique(&next_, std::move(branches_[i].next));
  }
  if (next_.empty()) {
    // Described only on failure: every outcome the states allowed.
    std::string allowed;
    for (const ItemState& s : states) {
      branches_.clear();
      Branches(op, s, now, header_now, nullptr, nullptr, nullptr, &branches_);
      for (const Branch& b : branches_) {
        if (allowed.size() > 2000) break;
        if (!allowed.empty()) allowed += " | ";
        switch (b.expect) {
          case Branch::Expect::kLine:
            allowed += b.line;
            break;
          case Branch::Expect::kMiss:
            allowed += "MISS";
            break;
          case Branch::Expect::kHit:
            allowed += "HIT " + Describe(s);
            break;
        }
      }
    }
    std::string got;
    if (IsRetrieval(op.kind)) {
      got = hit == nullptr ? "MISS"
                           : "HIT [" + hit->value.substr(0, 40) + "] (" +
                                 std::to_string(hit->value.size()) + " bytes) flags " +
                                 std::to_string(hit->flags) + " cas " + std::to_string(hit->cas);
    } else {
      got = reply->line;
    }
    std::string held;
    for (const ItemState& s : states) held += (held.empty() ? "" : " | ") + Describe(s);
    return "op `" + DescribeOperation(op) + "` key " + key + " at server time " +
           std::to_string(now) + ": expected " + allowed + " but got " + got +
           " (key state: " + held + ")";
  }
  if (next_.size() > kMaxCandidates) {
    return "oracle: more than " + std::to_string(kMaxCandidates) + " candidate states for key " +
           key + " after `" + DescribeOperation(op) + "`";
  }
  states.swap(next_);
  return std::nullopt;
}

std::optional<std::string> SequentialOracle::ExecuteFlush(const Operation& op, uint32_t now,
                                                          const Reply* reply) {
  if (reply != nullptr && reply->line != "OK") {
    return "op `" + DescribeOperation(op) + "`: expected OK but got " + DescribeReply(*reply);
  }
  const uint32_t old_live = oldest_live_;
  const uint64_t old_order = oldest_order_;
  const int64_t delay = op.exptime;
  const uint32_t new_oldest = delay > 0 ? Realtime(delay, now) : now;
  oldest_live_ = new_oldest - 1;
  if (oldest_live_ <= now) oldest_order_ = ++order_;
  // Items flushed until now but not under the new setting come back, unless
  // the LRU or the crawler reaped them in the meantime. An immediate flush
  // (every item's unique below oldest_order_) or a first one brings none back.
  if (oldest_live_ <= now || old_live == 0 || old_live > now) return std::nullopt;
  // No item is flushed under the new setting (it lies in the future), so a
  // key may come back when an item of it was flushed under the old one: its
  // earliest linked state is (a key with none linked has the largest values).
  auto comes_back = [&](const LinkedSince& since) {
    return FlushedUnder(since.link_time, since.order, now, old_live, old_order);
  };
  for (size_t index : all_stale_ ? touched_numbered_keys_ : stale_keys_) {
    linked_since_[index] = Summarize(numbered_keys_[index]);
  }
  stale_keys_.clear();
  all_stale_ = false;
  for (size_t index : touched_numbered_keys_) {
    LinkedSince& since = linked_since_[index];
    if (!since.absent && comes_back(since)) {
      numbered_keys_[index].push_back(ItemState{});
      since.absent = true;
    }
  }
  for (auto& [key, states] : other_keys_) {
    if (comes_back(Summarize(states))) AddUnique(&states, ItemState{});
  }
  return std::nullopt;
}

void SequentialOracle::MayBeUnlinked(const std::string& key) {
  AddUnique(&StatesOf(key), {});
}

std::optional<std::string> SequentialOracle::Execute(const Operation& op, uint32_t now,
                                                     const Reply* reply, uint32_t header_now) {
  return ExecuteOp(op, now, reply, header_now, nullptr);
}

std::optional<std::string> SequentialOracle::ExecuteLastUse(Operation* op, uint32_t now,
                                                            const Reply* reply,
                                                            uint32_t header_now) {
  return ExecuteOp(*op, now, reply, header_now, &op->value);
}

std::optional<std::string> SequentialOracle::ExecuteOp(const Operation& op, uint32_t now,
                                                       const Reply* reply, uint32_t header_now,
                                                       std::string* value_to_take) {
  ++checked_;
  switch (op.kind) {
    case OpKind::kFlushAll:
      return ExecuteFlush(op, now, reply);
    case OpKind::kBadInput:
      if (reply != nullptr && (reply->line != op.expected_error || !reply->hits.empty())) {
        return "op `" + DescribeOperation(op) + "`: expected " + op.expected_error + " but got " +
               DescribeReply(*reply);
      }
      return std::nullopt;
    case OpKind::kGet:
    case OpKind::kGets: {
      // As views: a literal's size is then known and its bytes compared
      // inline (a string's compare with a C string calls memcmp).
      if (reply != nullptr && std::string_view(reply->line) != "END") {
        return "op `" + DescribeOperation(op) + "`: expected END but got " + DescribeReply(*reply);
      }
      size_t next_hit = 0;
      for (size_t i = 0; i < op.keys.size(); ++i) {
        const Hit* hit = nullptr;
        if (reply != nullptr && next_hit < reply->hits.size() &&
            reply->hits[next_hit].key == op.keys[i]) {
          hit = &reply->hits[next_hit++];
        }
        if (auto failure = ExecuteKeyed(op, i, now, now, reply, hit, nullptr)) return failure;
        if (hit != nullptr) max_cas_seen_ = std::max(max_cas_seen_, hit->cas);
      }
      if (reply != nullptr && next_hit != reply->hits.size()) {
        return "op `" + DescribeOperation(op) +
               "`: a value for a key not asked or out of order: " + DescribeReply(*reply);
      }
      return std::nullopt;
    }
    default:
      break;
  }
  ++order_;  // the unique a modification would take
  return ExecuteKeyed(op, 0, now, header_now, reply, nullptr, value_to_take);
}

std::optional<std::string> SequentialOracle::Evicted(std::string_view key_view) {
  const std::string key(key_view);
  States& states = StatesOf(key);
  const bool may_be_linked =
      std::any_of(states.begin(), states.end(), [](const ItemState& s) { return s.linked; });
  if (!may_be_linked) {
    std::string held;
    for (const ItemState& s : states) held += (held.empty() ? "" : " | ") + Describe(s);
    return "the server evicted " + key + ", which cannot be stored (key state: " + held + ")";
  }
  states.clear();
  states.push_back(ItemState{});
  return std::nullopt;
}

}  // namespace mcspec::sim
