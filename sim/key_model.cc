#include "key_model.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "bytes.h"
#include "number_parse.h"

namespace mcspec::sim {
namespace {

// The commands a key's operations may have: OpKind's, but for the two that
// name no key (a flush, which names none either, is given to every key).
constexpr std::array<OpKind, 14> kKeyCommands = {
    OpKind::kGet,    OpKind::kGets,    OpKind::kSet,   OpKind::kAdd,    OpKind::kReplace,
    OpKind::kAppend, OpKind::kPrepend, OpKind::kCas,   OpKind::kDelete, OpKind::kIncr,
    OpKind::kDecr,   OpKind::kTouch,   OpKind::kEvict, OpKind::kFlush,
};

struct OutcomeName {
  std::string_view name;
  KeyOutcome outcome;
};
constexpr std::array<OutcomeName, 14> kOutcomes = {{
    {"HIT", KeyOutcome::kHit},
    {"MISS", KeyOutcome::kMiss},
    {"STORED", KeyOutcome::kStored},
    {"NOT_STORED", KeyOutcome::kNotStored},
    {"EXISTS", KeyOutcome::kExists},
    {"NOT_FOUND", KeyOutcome::kNotFound},
    {"DELETED", KeyOutcome::kDeleted},
    {"NUMBER", KeyOutcome::kNumber},
    {"NON_NUMERIC", KeyOutcome::kNonNumeric},
    {"TOUCHED", KeyOutcome::kTouched},
    {"EVICTED", KeyOutcome::kEvicted},
    {"FLUSHED", KeyOutcome::kFlushed},
    {"FLUSHING", KeyOutcome::kFlushing},
    {"RESTORED", KeyOutcome::kRestored},
}};

std::string_view OutcomeText(KeyOutcome outcome) {
  for (const auto& [name, known] : kOutcomes) {
    if (known == outcome) return name;
  }
  return "?";
}

// The outcomes the history format allows for each command.
bool OutcomeAllowed(OpKind command, KeyOutcome outcome) {
  using O = KeyOutcome;
  switch (command) {
    case OpKind::kGet:
    case OpKind::kGets:
      return outcome == O::kHit || outcome == O::kMiss;
    case OpKind::kSet:
      return outcome == O::kStored;
    case OpKind::kAdd:
    case OpKind::kReplace:
    case OpKind::kAppend:
    case OpKind::kPrepend:
      return outcome == O::kStored || outcome == O::kNotStored;
    case OpKind::kCas:
      return outcome == O::kStored || outcome == O::kExists || outcome == O::kNotFound;
    case OpKind::kDelete:
      return outcome == O::kDeleted || outcome == O::kNotFound;
    case OpKind::kIncr:
    case OpKind::kDecr:
      return outcome == O::kNumber || outcome == O::kNotFound || outcome == O::kNonNumeric;
    case OpKind::kTouch:
      return outcome == O::kTouched || outcome == O::kNotFound;
    case OpKind::kEvict:
      return outcome == O::kEvicted;
    case OpKind::kFlush:
      return outcome == O::kFlushed || outcome == O::kFlushing || outcome == O::kRestored;
    case OpKind::kFlushAll:
    case OpKind::kBadInput:
      return false;  // not operations of a key
  }
  return false;
}

// Search tries many steps that fail; the reason is only worded when asked.
template <typename Reason>
bool Refuse(std::string* why, Reason reason) {
  if (why != nullptr) *why = reason();
  return false;
}

bool SortedContains(const std::vector<uint64_t>& sorted, uint64_t value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

void SortedInsert(std::vector<uint64_t>* sorted, uint64_t value) {
  auto at = std::lower_bound(sorted->begin(), sorted->end(), value);
  if (at == sorted->end() || *at != value) sorted->insert(at, value);
}

void SortedErase(std::vector<uint64_t>* sorted, uint64_t value) {
  auto at = std::lower_bound(sorted->begin(), sorted->end(), value);
  if (at != sorted->end() && *at == value) sorted->erase(at);
}

// memcached parses exptime with strtol and keeps it in an int32.
int32_t EffectiveExptime(int64_t exptime) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(exptime)));
}

// The present version ends: a unique it was seen with belongs to the past.
void EndVersion(KeyState* state) {
  if (state->unique_known == KeyState::Unique::kBound) SortedInsert(&state->retired, state->unique);
  state->unique_known = KeyState::Unique::kUnknown;
  state->unique = 0;
  state->refused.clear();
}

KeyState Vanished(const KeyState& state) {
  KeyState out = state;
  EndVersion(&out);
  out.present = false;
  out.value = SharedValue();
  out.flags = 0;
  out.may_expire = false;
  return out;
}

// A flush: the present item, if any, is hidden as it is (for a RESTORED),
// and nothing is present.
KeyState Hide(const KeyState& state) {
  if (!state.present) return state;
  KeyState out = state;
  out.hidden = KeyState::Hidden{state.value,        state.flags,  state.may_expire,
                                state.unique_known, state.unique, state.refused};
  out.unique_known = KeyState::Unique::kUnknown;  // kept with the item, not retired
  return Vanished(out);
}

// A request on the key unlinks the item a flush hid: its unique is then an
// earlier version's.
KeyState Unlinked(const KeyState& state) {
  KeyState out = state;
  if (out.hidden && out.hidden->unique_known == KeyState::Unique::kBound) {
    SortedInsert(&out.retired, out.hidden->unique);
  }
  out.hidden.reset();
  return out;
}

// The hidden item shown again, as it was.
KeyState Shown(const KeyState& state) {
  KeyState out = state;
  const KeyState::Hidden& hidden = *state.hidden;
  out.present = true;
  out.value = hidden.value;
  out.flags = hidden.flags;
  out.may_expire = hidden.may_expire;
  out.unique_known = hidden.unique_known;
  out.unique = hidden.unique;
  out.refused = hidden.refused;
  out.hidden.reset();
  return out;
}

// A new version (every write gets a new unique). memcached stores an item
// with a negative exptime and never shows it.
KeyState Written(const KeyState& state, const SharedValue& value, uint32_t flags, int32_t exptime) {
  if (exptime < 0) return Vanished(state);
  KeyState out = state;
  EndVersion(&out);
  out.present = true;
  out.value = value;
  out.flags = flags;
  out.may_expire = exptime != 0;
  return out;
}

// A new version of the present item (append, prepend, incr, decr): its
// flags and exptime are kept.
KeyState Rewritten(const KeyState& state, std::string value) {
  KeyState out = state;
  EndVersion(&out);
  out.value = std::move(value);
  return out;
}

// Binds the present version's unique to `unique`, as a gets that returned
// it or a cas that matched it shows.
bool Bind(KeyState* state, uint64_t unique, std::string* why) {
  using U = KeyState::Unique;
  if (state->unique_known == U::kBound) {
    if (state->unique == unique) return true;
    return Refuse(why, [&] {
      return std::string("the present version's unique is " + std::to_string(state->unique) +
                         ", not " + std::to_string(unique));
    });
  }
  if (state->unique_known == U::kUnmentioned) {
    return Refuse(why, [&] {
      return std::string("the present version was already seen with a unique other than " +
                         std::to_string(unique));
    });
  }
  if (SortedContains(state->retired, unique)) {
    return Refuse(why, [&] {
      return std::string("unique " + std::to_string(unique) +
                         " belongs to an earlier version (the key was written since)");
    });
  }
  if (SortedContains(state->refused, unique)) {
    return Refuse(why, [&] {
      return std::string("a cas with unique " + std::to_string(unique) +
                         " was answered EXISTS on the present version");
    });
  }
  state->unique_known = U::kBound;
  state->unique = unique;
  state->refused.clear();
  return true;
}

std::optional<uint64_t> NumericValue(const std::string& value) {
  // add_delta refuses an empty value; strtoull then reads the item's data,
  // which ends in "\r\n".
  if (value.empty()) return std::nullopt;
  return ref::ParseU64(value + "\r\n");
}

uint64_t ApplyDelta(OpKind command, uint64_t value, uint64_t delta) {
  if (command == OpKind::kIncr) return value + delta;  // wraps at 2^64
  return delta > value ? 0 : value - delta;
}

// incr/decr's new item: in place, padded with spaces to the old length, when
// the decimal fits; a new item of exact length otherwise, or when busy.
void AppendArithmeticResults(const KeyState& state, uint64_t number, std::vector<KeyState>* next) {
  const std::string digits = std::to_string(number);
  if (digits.size() < state.value.size()) {
    std::string padded = digits;
    padded.resize(state.value.size(), ' ');
    next->push_back(Rewritten(state, std::move(padded)));
  }
  next->push_back(Rewritten(state, digits));
}

std::string Holds(const KeyState& state) {
  return state.present ? "the key holds " + DescribeState(state) : "the key is absent";
}

// Every state after `operation` with an unknown outcome: not applied, or
// applied with whatever outcome the state gives.
void StepUnknown(const KeyState& state, const KeyOperation& operation,
                 std::vector<KeyState>* next) {
  next->push_back(state);
  const int32_t exptime = EffectiveExptime(operation.exptime);
  switch (operation.command) {
    case OpKind::kGet:
    case OpKind::kGets:
      return;
    case OpKind::kSet:
      next->push_back(Written(state, operation.data, operation.flags, exptime));
      return;
    case OpKind::kAdd:
      if (!state.present) next->push_back(Written(state, operation.data, operation.flags, exptime));
      return;
    case OpKind::kReplace:
      if (state.present) next->push_back(Written(state, operation.data, operation.flags, exptime));
      return;
    case OpKind::kAppend:
    case OpKind::kPrepend:
      if (state.present) {
        const bool append = operation.command == OpKind::kAppend;
        next->push_back(Rewritten(state, append ? state.value.str() + operation.data.str()
                                                : operation.data.str() + state.value.str()));
      }
      return;
    case OpKind::kCas: {
      KeyState bound = state;
      if (state.present && operation.cas_sent != 0 && Bind(&bound, operation.cas_sent, nullptr)) {
        next->push_back(Written(bound, operation.data, operation.flags, exptime));
      }
      return;
    }
    case OpKind::kDelete:
      if (state.present) next->push_back(Vanished(state));
      return;
    case OpKind::kIncr:
    case OpKind::kDecr:
      if (state.present) {
        if (auto value = NumericValue(state.value.str())) {
          AppendArithmeticResults(state, ApplyDelta(operation.command, *value, operation.delta),
                                  next);
        }
      }
      return;
    case OpKind::kTouch:
      if (state.present) {
        KeyState touched = exptime < 0 ? Vanished(state) : state;
        touched.may_expire = touched.present && exptime != 0;
        next->push_back(std::move(touched));
      }
      return;
    case OpKind::kEvict:
      if (state.present) next->push_back(Vanished(state));
      return;
    case OpKind::kFlush:  // a flush_all without delay: whether it hid the item is unknown
      if (state.present) next->push_back(Hide(state));
      return;
    case OpKind::kFlushAll:
    case OpKind::kBadInput:
      return;  // not operations of a key (ToKeyOperation makes none)
  }
}

bool StepKnown(const KeyState& state, const KeyOperation& operation, const KeyModelOptions& options,
               std::vector<KeyState>* next, std::string* why) {
  using O = KeyOutcome;
  const O outcome = operation.outcome;
  const std::string_view said = OutcomeText(outcome);
  const int32_t exptime = EffectiveExptime(operation.exptime);
  const auto expect_absent = [&](O when_absent) {
    if (outcome == when_absent) {
      if (state.present)
        return Refuse(why,
                      [&] { return std::string(std::string(said) + ", but " + Holds(state)); });
      next->push_back(state);
      return true;
    }
    if (!state.present)
      return Refuse(why,
                    [&] { return std::string(std::string(said) + ", but the key is absent"); });
    return true;  // the caller handles the present key
  };

  switch (operation.command) {
    case OpKind::kGet:
    case OpKind::kGets: {
      if (!expect_absent(O::kMiss)) return false;
      if (outcome == O::kMiss) return true;
      if (state.value != operation.value || state.flags != operation.value_flags) {
        return Refuse(why, [&] {
          return std::string("HIT " + QuoteBytes(operation.value.str()) + " flags " +
                             std::to_string(operation.value_flags) + ", but " + Holds(state));
        });
      }
      KeyState seen = state;
      // A server without CAS (-C) shows 0 for every item.
      if (operation.unique.value_or(0) != 0) {
        std::string problem;
        if (!Bind(&seen, *operation.unique, why != nullptr ? &problem : nullptr)) {
          return Refuse(why, [&] {
            return "HIT with unique " + std::to_string(*operation.unique) + ", but " + problem;
          });
        }
      }
      next->push_back(std::move(seen));
      return true;
    }
    case OpKind::kSet:
      next->push_back(Written(state, operation.data, operation.flags, exptime));
      return true;
    case OpKind::kAdd:
      if (outcome == O::kNotStored) {
        if (!state.present)
          return Refuse(why, [&] { return std::string("NOT_STORED, but the key is absent"); });
        next->push_back(state);
        return true;
      }
      if (state.present)
        return Refuse(why, [&] { return std::string("STORED, but " + Holds(state)); });
      next->push_back(Written(state, operation.data, operation.flags, exptime));
      return true;
    case OpKind::kReplace:
    case OpKind::kAppend:
    case OpKind::kPrepend: {
      // memcached answers NOT_STORED to an append or prepend whose combined
      // item it cannot allocate, and keeps the old item: under memory
      // pressure (which is what allows evictions) that is one more outcome
      // for a present key.
      if (outcome == O::kNotStored && state.present && options.evictions &&
          operation.command != OpKind::kReplace) {
        next->push_back(state);
        return true;
      }
      if (!expect_absent(O::kNotStored)) return false;
      if (outcome == O::kNotStored) return true;
      if (operation.command == OpKind::kReplace) {
        next->push_back(Written(state, operation.data, operation.flags, exptime));
        return true;
      }
      // append/prepend keep the item's flags and exptime.
      const bool append = operation.command == OpKind::kAppend;
      next->push_back(Rewritten(state, append ? state.value.str() + operation.data.str()
                                              : operation.data.str() + state.value.str()));
      return true;
    }
    case OpKind::kCas: {
      if (!expect_absent(O::kNotFound)) return false;
      if (outcome == O::kNotFound) return true;
      const uint64_t sent = operation.cas_sent;
      if (outcome == O::kStored) {
        if (sent == 0)
          return Refuse(
              why, [&] { return std::string("STORED, but a cas with unique 0 never matches"); });
        KeyState bound = state;
        std::string problem;
        if (!Bind(&bound, sent, why != nullptr ? &problem : nullptr))
          return Refuse(why, [&] { return std::string("STORED, but " + problem); });
        next->push_back(Written(bound, operation.data, operation.flags, exptime));
        return true;
      }
      // EXISTS: the present version's unique is not the one sent.
      KeyState refused = state;
      if (state.unique_known == KeyState::Unique::kBound && state.unique == sent) {
        return Refuse(why, [&] {
          return std::string("EXISTS, but the present version's unique is " + std::to_string(sent));
        });
      }
      if (state.unique_known == KeyState::Unique::kUnknown && sent != 0 &&
          !SortedContains(state.retired, sent)) {
        SortedInsert(&refused.refused, sent);
      }
      next->push_back(std::move(refused));
      return true;
    }
    case OpKind::kDelete:
      if (!expect_absent(O::kNotFound)) return false;
      if (outcome == O::kDeleted) next->push_back(Vanished(state));
      return true;
    case OpKind::kIncr:
    case OpKind::kDecr: {
      if (!expect_absent(O::kNotFound)) return false;
      if (outcome == O::kNotFound) return true;
      const std::optional<uint64_t> value = NumericValue(state.value.str());
      if (outcome == O::kNonNumeric) {
        if (value)
          return Refuse(why, [&] { return std::string("NON_NUMERIC, but " + Holds(state)); });
        next->push_back(state);
        return true;
      }
      if (!value) {
        return Refuse(why, [&] {
          return std::string(std::to_string(operation.number) + ", but " + Holds(state) +
                             ", which is not a number");
        });
      }
      const uint64_t expected = ApplyDelta(operation.command, *value, operation.delta);
      if (expected != operation.number) {
        return Refuse(why, [&] {
          return std::string(std::to_string(operation.number) + ", but " + Holds(state) + " and " +
                             std::string(OpName(operation.command)) + " " +
                             std::to_string(operation.delta) + " gives " +
                             std::to_string(expected));
        });
      }
      AppendArithmeticResults(state, expected, next);
      return true;
    }
    case OpKind::kTouch: {
      if (!expect_absent(O::kNotFound)) return false;
      if (outcome == O::kNotFound) return true;
      // touch keeps the unique.
      KeyState touched = exptime < 0 ? Vanished(state) : state;
      touched.may_expire = touched.present && exptime != 0;
      next->push_back(std::move(touched));
      return true;
    }
    case OpKind::kEvict:
      // memcached reclaims an expired item at the LRU tail without
      // reporting it: a reported eviction was of a live item.
      if (!state.present)
        return Refuse(why, [] { return std::string("EVICTED, but the key is absent"); });
      next->push_back(Vanished(state));
      return true;
    case OpKind::kFlush: {
      if (outcome == O::kRestored) {
        KeyState after = state;
        after.flushing = false;
        // Shown again, or unlinked (by the LRU crawler, or expired) while hidden.
        if (after.hidden) next->push_back(Shown(after));
        next->push_back(Unlinked(after));
        return true;
      }
      KeyState flushed = Hide(state);
      flushed.flushing = outcome == O::kFlushing;
      next->push_back(std::move(flushed));
      return true;
    }
    case OpKind::kFlushAll:
    case OpKind::kBadInput:
      break;  // not operations of a key (ToKeyOperation makes none)
  }
  return false;
}

bool ObservesAbsence(KeyOutcome outcome, OpKind command) {
  switch (outcome) {
    case KeyOutcome::kMiss:
    case KeyOutcome::kNotFound:
      return true;
    case KeyOutcome::kNotStored:
      return command != OpKind::kAdd;
    case KeyOutcome::kStored:
      return command == OpKind::kAdd;
    default:
      return false;
  }
}

}  // namespace

std::optional<uint64_t> KeyOperation::MentionedUnique() const {
  if (command == OpKind::kCas) return cas_sent;
  if (outcome == KeyOutcome::kHit && unique.value_or(0) != 0) return unique;
  return std::nullopt;
}

bool KeyOperation::MayBindUnique() const {
  if (command == OpKind::kCas) {
    return outcome == KeyOutcome::kStored || outcome == KeyOutcome::kUnknown;
  }
  return MentionedUnique().has_value();
}

bool ToKeyOperation(const HistoryEvent& invoke, const HistoryEvent* ok, KeyOperation* operation,
                    std::string* error) {
  *operation = KeyOperation{};
  const auto command = std::find_if(kKeyCommands.begin(), kKeyCommands.end(),
                                    [&](OpKind kind) { return OpName(kind) == invoke.f; });
  if (command == kKeyCommands.end()) {
    *error = "unknown operation \"" + invoke.f + "\"";
    return false;
  }
  operation->command = *command;
  const auto missing = [&](const char* field) {
    *error = invoke.f + " without " + field;
    return false;
  };
  if (IsStorage(operation->command)) {
    if (!invoke.value) return missing("value");
    operation->data = *invoke.value;
    operation->flags = invoke.flags.value_or(0);
    operation->exptime = invoke.exptime.value_or(0);
  }
  if (operation->command == OpKind::kCas) {
    if (!invoke.cas) return missing("cas");
    operation->cas_sent = *invoke.cas;
  }
  if (operation->command == OpKind::kIncr || operation->command == OpKind::kDecr) {
    if (!invoke.delta) return missing("delta");
    operation->delta = *invoke.delta;
  }
  if (operation->command == OpKind::kTouch) {
    if (!invoke.exptime) return missing("exptime");
    operation->exptime = *invoke.exptime;
  }
  if (ok == nullptr) return true;

  const auto outcome = std::find_if(kOutcomes.begin(), kOutcomes.end(),
                                    [&](const OutcomeName& o) { return o.name == ok->result; });
  if (outcome == kOutcomes.end() || !OutcomeAllowed(operation->command, outcome->outcome)) {
    *error = "result \"" + ok->result + "\" is not one of " + invoke.f + "'s";
    return false;
  }
  operation->outcome = outcome->outcome;
  if (operation->outcome == KeyOutcome::kHit) {
    if (!ok->value) {
      *error = invoke.f + " HIT without value";
      return false;
    }
    operation->value = *ok->value;
    operation->value_flags = ok->flags.value_or(0);
    operation->unique = ok->cas;
  }
  if (operation->outcome == KeyOutcome::kNumber) {
    if (!ok->number) {
      *error = invoke.f + " NUMBER without number";
      return false;
    }
    operation->number = *ok->number;
  }
  return true;
}

std::string DescribeOperation(const KeyOperation& operation) {
  std::string out(OpName(operation.command));
  if (IsStorage(operation.command)) {
    out += " " + QuoteBytes(operation.data.str()) + " flags " + std::to_string(operation.flags);
    if (operation.exptime != 0) out += " exptime " + std::to_string(operation.exptime);
  }
  if (operation.command == OpKind::kCas) out += " unique " + std::to_string(operation.cas_sent);
  if (operation.command == OpKind::kIncr || operation.command == OpKind::kDecr) {
    out += " " + std::to_string(operation.delta);
  }
  if (operation.command == OpKind::kTouch) {
    out += " exptime " + std::to_string(operation.exptime);
  }
  out += " -> ";
  switch (operation.outcome) {
    case KeyOutcome::kUnknown:
      out += "?";
      break;
    case KeyOutcome::kHit:
      out += "HIT " + QuoteBytes(operation.value.str()) + " flags " +
             std::to_string(operation.value_flags);
      if (operation.unique) out += " cas " + std::to_string(*operation.unique);
      break;
    case KeyOutcome::kNumber:
      out += std::to_string(operation.number);
      break;
    default:
      out += OutcomeText(operation.outcome);
  }
  return out;
}

bool StepKey(const KeyState& state, const KeyOperation& operation, const KeyModelOptions& options,
             std::vector<KeyState>* next, std::string* why) {
  const bool request = operation.command != OpKind::kFlush && operation.command != OpKind::kEvict;
  // memcached's lookup unlinks a flushed item before the request acts.
  if (request && state.hidden) return StepKey(Unlinked(state), operation, options, next, why);
  // In a flush's second every store is hidden as it lands.
  const size_t first_new = next->size();
  const auto hide_stores = [&] {
    if (!state.flushing || !request) return true;
    for (size_t i = first_new; i < next->size(); ++i) {
      if ((*next)[i].present) (*next)[i] = Hide((*next)[i]);
    }
    return true;
  };
  const bool may_vanish = state.present && (options.evictions || state.may_expire);
  if (operation.outcome == KeyOutcome::kUnknown) {
    StepUnknown(state, operation, next);
    if (may_vanish) StepUnknown(Vanished(state), operation, next);
    return hide_stores();
  }
  std::string problem;
  if (StepKnown(state, operation, options, next, why != nullptr ? &problem : nullptr)) {
    if (may_vanish) StepKnown(Vanished(state), operation, options, next, nullptr);
    return hide_stores();
  }
  if (may_vanish && StepKnown(Vanished(state), operation, options, next, nullptr)) {
    return hide_stores();
  }
  if (state.present && ObservesAbsence(operation.outcome, operation.command)) {
    problem += " (written without exptime, and evictions are not allowed)";
  }
  return Refuse(why, [&] { return std::move(problem); });
}

bool ObservesOnly(const KeyOperation& operation) {
  using O = KeyOutcome;
  switch (operation.outcome) {
    case O::kHit:
    case O::kMiss:
    case O::kNotFound:
    case O::kNotStored:
    case O::kExists:
    case O::kNonNumeric:
      return true;
    default:
      return false;
  }
}

void ForgetPastUnique(uint64_t unique, KeyState* state) {
  SortedErase(&state->retired, unique);
  SortedErase(&state->refused, unique);
  if (state->hidden) SortedErase(&state->hidden->refused, unique);
}

void ForgetUnique(uint64_t unique, KeyState* state) {
  ForgetPastUnique(unique, state);
  if (state->unique_known == KeyState::Unique::kBound && state->unique == unique) {
    state->unique_known = KeyState::Unique::kUnmentioned;
    state->unique = 0;
  }
  if (state->hidden && state->hidden->unique_known == KeyState::Unique::kBound &&
      state->hidden->unique == unique) {
    state->hidden->unique_known = KeyState::Unique::kUnmentioned;
    state->hidden->unique = 0;
  }
}

std::string DescribeState(const KeyState& state) {
  if (!state.present) {
    std::string out = state.flushing ? "absent (in a flush's second)" : "absent";
    if (state.hidden) out += ", hidden by a flush: " + DescribeState(Shown(state));
    return out;
  }
  std::string out = QuoteBytes(state.value.str()) + " flags " + std::to_string(state.flags);
  if (state.unique_known == KeyState::Unique::kBound) {
    out += " cas " + std::to_string(state.unique);
  }
  if (state.may_expire) out += " (may expire)";
  return out;
}

std::string QuoteBytes(const std::string& bytes, size_t limit) {
  std::string out = conformance::QuoteBytes(std::string_view(bytes).substr(0, limit));
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace mcspec::sim
