#include "key_model.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "reference_recorder.h"

namespace mcspec::sim {
namespace {

KeyOperation Op(OpKind command, KeyOutcome outcome) {
  KeyOperation op;
  op.command = command;
  op.outcome = outcome;
  return op;
}

KeyOperation Store(OpKind command, std::string data, KeyOutcome outcome, uint32_t flags = 0,
                   int64_t exptime = 0) {
  KeyOperation op = Op(command, outcome);
  op.data = std::move(data);
  op.flags = flags;
  op.exptime = exptime;
  return op;
}

KeyOperation Hit(std::string value, uint32_t flags = 0, std::optional<uint64_t> unique = {}) {
  KeyOperation op = Op(unique ? OpKind::kGets : OpKind::kGet, KeyOutcome::kHit);
  op.value = std::move(value);
  op.value_flags = flags;
  op.unique = unique;
  return op;
}

KeyOperation Cas(std::string data, uint64_t unique, KeyOutcome outcome) {
  KeyOperation op = Store(OpKind::kCas, std::move(data), outcome);
  op.cas_sent = unique;
  return op;
}

KeyOperation Arithmetic(OpKind command, uint64_t delta, KeyOutcome outcome, uint64_t number = 0) {
  KeyOperation op = Op(command, outcome);
  op.delta = delta;
  op.number = number;
  return op;
}

KeyState Holding(std::string value, uint32_t flags = 0) {
  KeyState state;
  state.present = true;
  state.value = std::move(value);
  state.flags = flags;
  return state;
}

// Every state after `op` from `state`; empty when it is impossible.
std::vector<KeyState> After(const KeyState& state, const KeyOperation& op,
                            KeyModelOptions options = {}) {
  std::vector<KeyState> next;
  std::string why;
  const bool possible = StepKey(state, op, options, &next, &why);
  EXPECT_EQ(possible, !next.empty());
  EXPECT_EQ(possible, why.empty()) << why;
  return next;
}

std::string Why(const KeyState& state, const KeyOperation& op) {
  std::vector<KeyState> next;
  std::string why;
  EXPECT_FALSE(StepKey(state, op, {}, &next, &why));
  return why;
}

std::vector<std::string> Values(const std::vector<KeyState>& states) {
  std::vector<std::string> values;
  for (const KeyState& state : states)
    values.push_back(state.present ? state.value.str() : "<absent>");
  return values;
}

using ::testing::TestWithParam;

TEST(KeyModel, StorageCommandsFollowPresence) {
  const KeyState absent;
  const KeyState present = Holding("a", 5);
  using C = OpKind;
  using O = KeyOutcome;
  EXPECT_EQ(Values(After(absent, Store(C::kSet, "b", O::kStored))), std::vector<std::string>{"b"});
  EXPECT_EQ(Values(After(present, Store(C::kSet, "b", O::kStored))), std::vector<std::string>{"b"});
  EXPECT_EQ(Values(After(absent, Store(C::kAdd, "b", O::kStored))), std::vector<std::string>{"b"});
  EXPECT_TRUE(After(present, Store(C::kAdd, "b", O::kStored)).empty());
  EXPECT_EQ(Values(After(present, Store(C::kAdd, "b", O::kNotStored))),
            std::vector<std::string>{"a"});
  EXPECT_TRUE(After(absent, Store(C::kAdd, "b", O::kNotStored)).empty());
  EXPECT_TRUE(After(absent, Store(C::kReplace, "b", O::kStored)).empty());
  EXPECT_EQ(Values(After(present, Store(C::kReplace, "b", O::kStored))),
            std::vector<std::string>{"b"});
  EXPECT_EQ(Values(After(absent, Store(C::kReplace, "b", O::kNotStored))),
            std::vector<std::string>{"<absent>"});
  EXPECT_EQ(Values(After(absent, Op(C::kDelete, O::kNotFound))),
            std::vector<std::string>{"<absent>"});
  EXPECT_EQ(Values(After(present, Op(C::kDelete, O::kDeleted))),
            std::vector<std::string>{"<absent>"});
  EXPECT_TRUE(After(present, Op(C::kDelete, O::kNotFound)).empty());
  EXPECT_EQ(Why(absent, Op(C::kDelete, O::kDeleted)), "DELETED, but the key is absent");
}

TEST(KeyModel, AppendAndPrependKeepTheItemsFlags) {
  const KeyState present = Holding("mid", 7);
  const auto appended = After(present, Store(OpKind::kAppend, "+", KeyOutcome::kStored, 99));
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(appended[0].value, "mid+");
  EXPECT_EQ(appended[0].flags, 7u);
  const auto prepended = After(present, Store(OpKind::kPrepend, "-", KeyOutcome::kStored, 99));
  ASSERT_EQ(prepended.size(), 1u);
  EXPECT_EQ(prepended[0].value, "-mid");
  EXPECT_EQ(prepended[0].flags, 7u);
  EXPECT_TRUE(After(KeyState{}, Store(OpKind::kAppend, "+", KeyOutcome::kStored)).empty());
}

// memcached's append allocates the combined item in do_store_item and, when
// memory is short, answers NOT_STORED with the old item kept.
TEST(KeyModel, UnderMemoryPressureAnAppendMayBeRefusedWithTheItemKept) {
  const KeyState present = Holding("mid", 7);
  const KeyModelOptions pressure{.evictions = true};
  for (const OpKind command : {OpKind::kAppend, OpKind::kPrepend}) {
    const KeyOperation refused = Store(command, "+", KeyOutcome::kNotStored);
    EXPECT_EQ(Values(After(present, refused, pressure)),
              (std::vector<std::string>{"mid", "<absent>"}));
    EXPECT_EQ(Why(present, refused),
              "NOT_STORED, but the key holds \"mid\" flags 7 (written without exptime, and "
              "evictions are not allowed)");
  }
  // Only an append or prepend allocates after finding the item.
  EXPECT_EQ(Values(After(present, Store(OpKind::kReplace, "+", KeyOutcome::kNotStored), pressure)),
            std::vector<std::string>{"<absent>"});
}

TEST(KeyModel, ReadsCompareValueAndFlags) {
  const KeyState present = Holding("a", 5);
  EXPECT_EQ(After(present, Hit("a", 5)).size(), 1u);
  EXPECT_EQ(Why(present, Hit("a", 6)), "HIT \"a\" flags 6, but the key holds \"a\" flags 5");
  EXPECT_EQ(Why(present, Hit("b", 5)), "HIT \"b\" flags 5, but the key holds \"a\" flags 5");
  EXPECT_EQ(Why(KeyState{}, Hit("a", 5)), "HIT, but the key is absent");
  EXPECT_EQ(Why(present, Op(OpKind::kGet, KeyOutcome::kMiss)),
            "MISS, but the key holds \"a\" flags 5 (written without exptime, and evictions are "
            "not allowed)");
}

TEST(KeyModel, ItemsWithExptimeOrEvictionsMayVanish) {
  const KeyOperation miss = Op(OpKind::kGet, KeyOutcome::kMiss);
  EXPECT_TRUE(After(Holding("a"), miss).empty());
  EXPECT_EQ(After(Holding("a"), miss, KeyModelOptions{.evictions = true}).size(), 1u);
  const auto expiring = After(KeyState{}, Store(OpKind::kSet, "a", KeyOutcome::kStored, 0, 60));
  ASSERT_EQ(expiring.size(), 1u);
  EXPECT_TRUE(expiring[0].may_expire);
  EXPECT_EQ(After(expiring[0], miss).size(), 1u);
  EXPECT_EQ(After(expiring[0], Hit("a")).size(), 1u);
  // A negative exptime stores an item nobody sees.
  EXPECT_EQ(Values(After(Holding("a"), Store(OpKind::kSet, "b", KeyOutcome::kStored, 0, -1))),
            std::vector<std::string>{"<absent>"});
  // touch changes whether the item may expire.
  KeyOperation touch = Op(OpKind::kTouch, KeyOutcome::kTouched);
  touch.exptime = 0;
  EXPECT_FALSE(After(expiring[0], touch).back().may_expire);
  touch.exptime = 10;
  EXPECT_TRUE(After(Holding("a"), touch)[0].may_expire);
  EXPECT_TRUE(After(KeyState{}, touch).empty());
}

TEST(KeyModel, AReportedEvictionRemovesALiveItem) {
  const KeyOperation evict = Op(OpKind::kEvict, KeyOutcome::kEvicted);
  EXPECT_EQ(Values(After(Holding("a"), evict)), std::vector<std::string>{"<absent>"});
  EXPECT_EQ(Why(KeyState{}, evict), "EVICTED, but the key is absent");
  EXPECT_FALSE(ObservesOnly(evict));
}

TEST(KeyModel, ObservationsOnlyNarrowTheState) {
  EXPECT_TRUE(ObservesOnly(Hit("a")));
  EXPECT_TRUE(ObservesOnly(Hit("a", 0, 7)));
  EXPECT_TRUE(ObservesOnly(Op(OpKind::kGet, KeyOutcome::kMiss)));
  EXPECT_TRUE(ObservesOnly(Store(OpKind::kAdd, "a", KeyOutcome::kNotStored)));
  EXPECT_TRUE(ObservesOnly(Cas("a", 7, KeyOutcome::kExists)));
  EXPECT_TRUE(ObservesOnly(Op(OpKind::kDelete, KeyOutcome::kNotFound)));
  EXPECT_TRUE(ObservesOnly(Arithmetic(OpKind::kIncr, 1, KeyOutcome::kNonNumeric)));
  EXPECT_FALSE(ObservesOnly(Store(OpKind::kAdd, "a", KeyOutcome::kStored)));
  EXPECT_FALSE(ObservesOnly(Op(OpKind::kDelete, KeyOutcome::kDeleted)));
  EXPECT_FALSE(ObservesOnly(Op(OpKind::kTouch, KeyOutcome::kTouched)));
  EXPECT_FALSE(ObservesOnly(Op(OpKind::kGet, KeyOutcome::kUnknown)));
}

TEST(KeyModel, IncrWrapsAndDecrStopsAtZero) {
  using C = OpKind;
  using O = KeyOutcome;
  const KeyState max = Holding("18446744073709551615");
  EXPECT_EQ(Values(After(max, Arithmetic(C::kIncr, 1, O::kNumber, 0))),
            (std::vector<std::string>{"0                   ", "0"}));
  EXPECT_EQ(Why(max, Arithmetic(C::kIncr, 2, O::kNumber, 0)),
            "0, but the key holds \"18446744073709551615\" flags 0 and incr 2 gives 1");
  EXPECT_EQ(Values(After(Holding("5"), Arithmetic(C::kDecr, 10, O::kNumber, 0))),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Values(After(Holding("9"), Arithmetic(C::kIncr, 1, O::kNumber, 10))),
            std::vector<std::string>{"10"});
  EXPECT_TRUE(After(KeyState{}, Arithmetic(C::kIncr, 1, O::kNumber, 1)).empty());
  EXPECT_EQ(After(KeyState{}, Arithmetic(C::kIncr, 1, O::kNotFound)).size(), 1u);
}

TEST(KeyModel, ShorterDecimalsArePaddedInPlaceOrWrittenExactly) {
  const auto after =
      After(Holding("100", 3), Arithmetic(OpKind::kDecr, 1, KeyOutcome::kNumber, 99));
  EXPECT_EQ(Values(after), (std::vector<std::string>{"99 ", "99"}));
  for (const KeyState& state : after) EXPECT_EQ(state.flags, 3u);
  // The padded item keeps its length: the next decr can pad further.
  EXPECT_EQ(Values(After(Holding("99 "), Arithmetic(OpKind::kDecr, 90, KeyOutcome::kNumber, 9))),
            (std::vector<std::string>{"9  ", "9"}));
}

TEST(KeyModel, NumbersAreParsedAsMemcachedDoes) {
  const auto numeric = [](const std::string& value) {
    std::vector<KeyState> next;
    return StepKey(Holding(value), Arithmetic(OpKind::kIncr, 0, KeyOutcome::kNonNumeric), {}, &next,
                   nullptr) == false;
  };
  EXPECT_TRUE(numeric("7"));
  EXPECT_TRUE(numeric("7 "));
  EXPECT_TRUE(numeric(" 7"));
  EXPECT_TRUE(numeric("+7"));
  EXPECT_TRUE(numeric("7\r\n8"));
  EXPECT_TRUE(numeric("18446744073709551615"));
  EXPECT_FALSE(numeric(""));
  EXPECT_FALSE(numeric("abc"));
  EXPECT_FALSE(numeric("7a"));
  EXPECT_FALSE(numeric("-7"));
  EXPECT_FALSE(numeric("18446744073709551616"));
}

TEST(KeyModel, CasUniquesBindToVersions) {
  using O = KeyOutcome;
  const KeyState seen = After(Holding("a"), Hit("a", 0, 17))[0];
  EXPECT_EQ(seen.unique_known, KeyState::Unique::kBound);
  // Two reads of one version see one unique.
  EXPECT_EQ(Why(seen, Hit("a", 0, 18)),
            "HIT with unique 18, but the present version's unique is 17, not 18");
  EXPECT_EQ(Why(seen, Cas("b", 18, O::kStored)),
            "STORED, but the present version's unique is 17, not 18");
  EXPECT_EQ(Why(seen, Cas("b", 17, O::kExists)), "EXISTS, but the present version's unique is 17");
  EXPECT_EQ(After(seen, Cas("b", 18, O::kExists)).size(), 1u);
  const auto stored = After(seen, Cas("b", 17, O::kStored));
  ASSERT_EQ(stored.size(), 1u);
  // The new version has a new unique: 17 belongs to the past.
  EXPECT_EQ(Why(stored[0], Cas("c", 17, O::kStored)),
            "STORED, but unique 17 belongs to an earlier version (the key was written since)");
  EXPECT_EQ(Why(stored[0], Hit("b", 0, 17)),
            "HIT with unique 17, but unique 17 belongs to an earlier version (the key was written "
            "since)");
  // A refused unique is not the version's.
  const KeyState refused = After(Holding("a"), Cas("b", 5, O::kExists))[0];
  EXPECT_EQ(
      Why(refused, Hit("a", 0, 5)),
      "HIT with unique 5, but a cas with unique 5 was answered EXISTS on the present version");
  EXPECT_EQ(Why(Holding("a"), Cas("b", 0, O::kStored)),
            "STORED, but a cas with unique 0 never matches");
  EXPECT_EQ(Values(After(KeyState{}, Cas("b", 5, O::kNotFound))),
            std::vector<std::string>{"<absent>"});
}

TEST(KeyModel, TouchKeepsTheUniqueAndWritesChangeIt) {
  const KeyState seen = After(Holding("a"), Hit("a", 0, 17))[0];
  KeyOperation touch = Op(OpKind::kTouch, KeyOutcome::kTouched);
  touch.exptime = 100;
  EXPECT_EQ(After(After(seen, touch)[0], Hit("a", 0, 17)).size(), 1u);
  const KeyState incremented =
      After(Holding("1"), Arithmetic(OpKind::kIncr, 1, KeyOutcome::kNumber, 2))[0];
  EXPECT_EQ(incremented.unique_known, KeyState::Unique::kUnknown);
  const KeyState appended =
      After(After(seen, Store(OpKind::kAppend, "b", KeyOutcome::kStored))[0], Hit("ab", 0, 20))[0];
  EXPECT_EQ(appended.retired, std::vector<uint64_t>{17});
}

TEST(KeyModel, ForgottenUniquesStillDifferFromMentionedOnes) {
  KeyState seen = After(Holding("a"), Hit("a", 0, 17))[0];
  ForgetUnique(17, &seen);
  EXPECT_EQ(seen.unique_known, KeyState::Unique::kUnmentioned);
  EXPECT_EQ(After(seen, Cas("b", 30, KeyOutcome::kExists)).size(), 1u);
  EXPECT_TRUE(After(seen, Cas("b", 30, KeyOutcome::kStored)).empty());
  KeyState other = After(Holding("a"), Hit("a", 0, 18))[0];
  ForgetUnique(18, &other);
  EXPECT_EQ(seen, other);
}

TEST(KeyModel, PastUniquesAreForgottenApartFromThePresentOne) {
  KeyState state = After(Holding("a"), Cas("b", 5, KeyOutcome::kExists))[0];
  state = After(state, Hit("a", 0, 17))[0];
  state = After(state, Store(OpKind::kSet, "b", KeyOutcome::kStored))[0];
  state = After(state, Hit("b", 0, 20))[0];
  EXPECT_EQ(state.retired, std::vector<uint64_t>{17});
  ForgetPastUnique(17, &state);
  ForgetPastUnique(20, &state);
  EXPECT_TRUE(state.retired.empty());
  EXPECT_EQ(state.unique_known, KeyState::Unique::kBound);
  EXPECT_EQ(state.unique, 20u);
  ForgetUnique(20, &state);
  EXPECT_EQ(state.unique_known, KeyState::Unique::kUnmentioned);

  EXPECT_TRUE(Cas("x", 5, KeyOutcome::kStored).MayBindUnique());
  EXPECT_TRUE(Cas("x", 5, KeyOutcome::kUnknown).MayBindUnique());
  EXPECT_FALSE(Cas("x", 5, KeyOutcome::kExists).MayBindUnique());
  EXPECT_EQ(Cas("x", 5, KeyOutcome::kExists).MentionedUnique(), 5u);
  EXPECT_TRUE(Hit("a", 0, 17).MayBindUnique());
  EXPECT_FALSE(Hit("a", 0).MayBindUnique());
  EXPECT_FALSE(Hit("a", 0).MentionedUnique());
}

TEST(KeyModel, UnknownOutcomesMayOrMayNotTakeEffect) {
  const KeyOperation set = Store(OpKind::kSet, "b", KeyOutcome::kUnknown);
  EXPECT_EQ(Values(After(Holding("a"), set)), (std::vector<std::string>{"a", "b"}));
  KeyOperation decr = Arithmetic(OpKind::kDecr, 1, KeyOutcome::kUnknown);
  EXPECT_EQ(Values(After(Holding("10"), decr)), (std::vector<std::string>{"10", "9 ", "9"}));
  EXPECT_EQ(Values(After(KeyState{}, Store(OpKind::kReplace, "b", KeyOutcome::kUnknown))),
            std::vector<std::string>{"<absent>"});
  const KeyState seen = After(Holding("a"), Hit("a", 0, 17))[0];
  EXPECT_EQ(Values(After(seen, Cas("b", 17, KeyOutcome::kUnknown))),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Values(After(seen, Cas("b", 16, KeyOutcome::kUnknown))), std::vector<std::string>{"a"});
}

HistoryEvent Event(EventType type, std::string f) {
  HistoryEvent event;
  event.type = type;
  event.f = std::move(f);
  event.key = "k";
  return event;
}

TEST(KeyModel, ReadsOperationsFromEvents) {
  HistoryEvent invoke = Event(EventType::kInvoke, "cas");
  invoke.value = "v";
  invoke.flags = 3;
  HistoryEvent ok = Event(EventType::kOk, "cas");
  ok.result = "EXISTS";
  KeyOperation op;
  std::string error;
  EXPECT_FALSE(ToKeyOperation(invoke, &ok, &op, &error));
  EXPECT_EQ(error, "cas without cas");
  invoke.cas = 9;
  ASSERT_TRUE(ToKeyOperation(invoke, &ok, &op, &error)) << error;
  EXPECT_EQ(DescribeOperation(op), "cas \"v\" flags 3 unique 9 -> EXISTS");
  ok.result = "DELETED";
  EXPECT_FALSE(ToKeyOperation(invoke, &ok, &op, &error));
  EXPECT_EQ(error, "result \"DELETED\" is not one of cas's");
  EXPECT_FALSE(ToKeyOperation(Event(EventType::kInvoke, "gat"), nullptr, &op, &error));
  EXPECT_EQ(error, "unknown operation \"gat\"");

  HistoryEvent incr = Event(EventType::kInvoke, "incr");
  incr.delta = 2;
  HistoryEvent number = Event(EventType::kOk, "incr");
  number.result = "NUMBER";
  EXPECT_FALSE(ToKeyOperation(incr, &number, &op, &error));
  EXPECT_EQ(error, "incr NUMBER without number");
  number.number = 12;
  ASSERT_TRUE(ToKeyOperation(incr, &number, &op, &error));
  EXPECT_EQ(DescribeOperation(op), "incr 2 -> 12");
  ASSERT_TRUE(ToKeyOperation(incr, nullptr, &op, &error));
  EXPECT_EQ(DescribeOperation(op), "incr 2 -> ?");
}

TEST(KeyModel, QuotesBytes) {
  EXPECT_EQ(QuoteBytes("a\"b\\\r\n\x01"), "\"a\\\"b\\\\\\r\\n\\x01\"");
  EXPECT_EQ(QuoteBytes("abcdef", 3), "\"abc\"...(6 bytes)");
}

// The model agrees with the reference server on incr/decr of arbitrary
// stored values: what it answers, and what the key then holds.
RC_GTEST_PROP(KeyModel, ArithmeticAgreesWithTheReference, ()) {
  const std::string value = *rc::gen::oneOf(
      rc::gen::element<std::string>("0", "1", "9", "10", "99", "100", "18446744073709551615",
                                    "18446744073709551616", " 7", "7 ", "\t7", "+7", "-0", "-7", "",
                                    "abc", "7a", "007", "7\x01"),
      rc::gen::container<std::string>(rc::gen::element(' ', '0', '1', '9', '-', '+', 'x')));
  const bool incr = *rc::gen::arbitrary<bool>();
  const uint64_t delta =
      *rc::gen::oneOf(rc::gen::inRange<uint64_t>(0, 200), rc::gen::arbitrary<uint64_t>());
  ReferenceRecorder reference{ref::Settings{}};
  HistoryEvent set = Event(EventType::kInvoke, "set");
  set.value = value;
  RC_ASSERT(reference.Execute(set).result == "STORED");
  HistoryEvent arithmetic = Event(EventType::kInvoke, incr ? "incr" : "decr");
  arithmetic.delta = delta;
  const HistoryEvent answer = reference.Execute(arithmetic);
  const HistoryEvent read = reference.Execute(Event(EventType::kInvoke, "get"));

  KeyOperation op;
  std::string error;
  RC_ASSERT(ToKeyOperation(arithmetic, &answer, &op, &error));
  std::vector<KeyState> after;
  std::string why;
  RC_ASSERT(StepKey(Holding(value), op, {}, &after, &why));
  RC_ASSERT(std::any_of(after.begin(), after.end(), [&](const KeyState& state) {
    return state.present && state.value == read.value.value_or("");
  }));
}

}  // namespace
}  // namespace mcspec::sim
