// Property tests: the reference Session against the small, independent model
// of memcached 1.6.18's text protocol (request_model.h), on generated
// requests that the model covers, with expiry on the virtual clock moved by
// `debugtime`. There is no memory pressure: values and the key space are
// small, so nothing is ever evicted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "bytes.h"
#include "request_model.h"
#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

constexpr int64_t kProcessStarted = 1700000000;
// memcached's current_time right after start.
constexpr uint32_t kStartTime = 62;
constexpr size_t kMaxKeyLength = 250;

// --- Generated requests ---------------------------------------------------

// In a generated cas request, stands for the cas the key currently has (0
// when it is absent), so that cas requests can succeed.
constexpr std::string_view kCurrentCas = "<current cas>";

struct Request {
  std::string leading;  // spaces before the first word
  std::vector<std::string> words;
  std::string separator = " ";
  std::string terminator = "\r\n";
  std::string trailer;  // the data block, or whatever follows the line

  // The bytes to send when the model is in its current state.
  std::string Render(const RequestModel& model) const {
    if (std::find(words.begin(), words.end(), kCurrentCas) == words.end()) return Bytes("");
    return Bytes(std::to_string(model.VisibleCas(words[1]).value_or(0)));
  }

  std::string Bytes(std::string_view current_cas) const {
    std::string bytes = leading;
    for (size_t i = 0; i < words.size(); ++i) {
      if (i > 0) bytes += separator;
      bytes += words[i] == kCurrentCas ? current_cas : words[i];
    }
    return bytes + terminator + trailer;
  }
};

struct Step {
  Request request;
  // Offsets (modulo the request's length + 1) at which its bytes are split
  // into separate Receive calls.
  std::vector<size_t> cuts;
};

void showValue(const Step& step, std::ostream& os) {
  os << '"' << conformance::EncodeEscapes(step.request.Bytes(kCurrentCas)) << "\" cuts";
  for (const size_t cut : step.cuts) os << ' ' << cut;
}

const std::vector<std::string>& Keys() {
  // Space is the only separator: tabs and high bytes are key characters, and
  // a key may even be called "noreply".
  static const std::vector<std::string> keys = {
      "a", "b", "key2", "k\t3", "\xc3\xa9", "num", "noreply", std::string(kMaxKeyLength, 'K')};
  return keys;
}

rc::Gen<std::string> GenKey() {
  return rc::gen::weightedOneOf<std::string>({
      {40, rc::gen::elementOf(Keys())},
      {1, rc::gen::just(std::string(kMaxKeyLength + 1, 'L'))},
  });
}

rc::Gen<std::string> GenValue() {
  static const std::vector<std::string> numbers = {"0",
                                                   "1",
                                                   "9",
                                                   "10",
                                                   "99",
                                                   "100",
                                                   "007",
                                                   " 12",
                                                   "12 34",
                                                   "+5",
                                                   "-0",
                                                   "-5",
                                                   "abc",
                                                   "18446744073709551615",
                                                   "18446744073709551614",
                                                   "9223372036854775808"};
  // A value of spaces only makes memcached's incr read past the value.
  const auto not_only_spaces = [](const std::string& value) {
    return value.empty() || value.find_first_not_of(' ') != std::string::npos;
  };
  return rc::gen::weightedOneOf<std::string>({
      {3, rc::gen::elementOf(numbers)},
      {2, rc::gen::suchThat(rc::gen::resize(8, rc::gen::container<std::string>(rc::gen::elementOf(
                                                   std::string("0123456789xyz ")))),
                            not_only_spaces)},
  });
}

rc::Gen<std::string> GenExptime() {
  return rc::gen::weightedOneOf<std::string>({
      {16, rc::gen::just(std::string("0"))},
      {6,
       rc::gen::map(rc::gen::inRange(1, 6), [](int seconds) { return std::to_string(seconds); })},
      {3, rc::gen::element<std::string>("-1", "2592000", "2592001", "4294967296")},
      {2, rc::gen::map(
              rc::gen::inRange(0, 12),
              [](int seconds) { return std::to_string(kProcessStarted + kStartTime + seconds); })},
      {1, rc::gen::element<std::string>("x", "1.5")},
  });
}

rc::Gen<bool> GenNoreply() {
  return rc::gen::weightedElement<bool>({{6, false}, {1, true}});
}

rc::Gen<Request> GenStorage() {
  return rc::gen::exec([] {
    const auto command = *rc::gen::weightedElement<std::string>(
        {{6, "set"}, {2, "add"}, {2, "replace"}, {2, "append"}, {2, "prepend"}, {3, "cas"}});
    const std::string key = *GenKey();
    const std::string value = *GenValue();
    Request request;
    request.words = {command, key,
                     *rc::gen::weightedElement<std::string>({{24, "0"},
                                                             {6, "7"},
                                                             {1, "4294967295"},
                                                             {1, "4294967296"},
                                                             {1, "+5"},
                                                             {1, "x"},
                                                             {1, "-1"}}),
                     *GenExptime(), std::to_string(value.size())};
    if (command == "cas") {
      request.words.emplace_back(*rc::gen::weightedElement<std::string>(
          {{6, std::string(kCurrentCas)}, {1, "0"}, {1, "7"}, {1, "x"}}));
    }
    request.trailer = value + "\r\n";
    enum class Fault { kNone, kExtraWord, kNoLengthWord, kBadLength, kOverlongData };
    switch (*rc::gen::weightedElement<Fault>({{40, Fault::kNone},
                                              {1, Fault::kExtraWord},
                                              {1, Fault::kNoLengthWord},
                                              {1, Fault::kBadLength},
                                              {2, Fault::kOverlongData}})) {
      case Fault::kNone:
        break;
      case Fault::kExtraWord:
        request.words.emplace_back("junk");
        break;
      case Fault::kNoLengthWord:
        request.words.erase(request.words.begin() + 4);
        break;
      case Fault::kBadLength:
        request.words[4] = *rc::gen::element<std::string>("-1", "x", "2147483646");
        break;
      case Fault::kOverlongData:
        request.trailer = value + *rc::gen::element<std::string>("z", "zz") + "\r\n";
        break;
    }
    if (*GenNoreply()) request.words.emplace_back("noreply");
    return request;
  });
}

rc::Gen<Request> GenRetrieval() {
  return rc::gen::exec([] {
    const auto command = *rc::gen::element<std::string>("get", "gets", "gat", "gats");
    Request request;
    request.words = {command};
    if (command == "gat" || command == "gats") request.words.emplace_back(*GenExptime());
    const auto keys = *rc::gen::resize(4, rc::gen::container<std::vector<std::string>>(GenKey()));
    request.words.insert(request.words.end(), keys.begin(), keys.end());
    return request;
  });
}

rc::Gen<Request> GenArithmetic() {
  return rc::gen::exec([] {
    Request request;
    request.words = {*rc::gen::element<std::string>("incr", "decr"), *GenKey()};
    request.words.emplace_back(
        *rc::gen::weightedElement<std::string>({{12, "1"},
                                                {2, "0"},
                                                {3, "5"},
                                                {1, "100"},
                                                {1, "18446744073709551615"},
                                                {1, "+3"},
                                                {1, "-18446744073709551615"},
                                                {1, "-1"},
                                                {1, "x"},
                                                {1, "18446744073709551616"}}));
    if (*rc::gen::weightedElement<bool>({{20, false}, {1, true}})) request.words.pop_back();
    if (*GenNoreply()) request.words.emplace_back("noreply");
    return request;
  });
}

rc::Gen<Request> GenDelete() {
  return rc::gen::exec([] {
    Request request;
    request.words = {"delete", *GenKey()};
    const auto extra = *rc::gen::weightedElement<std::vector<std::string>>({{6, {}},
                                                                            {2, {"0"}},
                                                                            {2, {"noreply"}},
                                                                            {1, {"0", "noreply"}},
                                                                            {1, {"1"}},
                                                                            {1, {"1", "noreply"}}});
    request.words.insert(request.words.end(), extra.begin(), extra.end());
    return request;
  });
}

rc::Gen<Request> GenTouch() {
  return rc::gen::exec([] {
    Request request;
    request.words = {"touch", *GenKey(), *GenExptime()};
    if (*GenNoreply()) request.words.emplace_back("noreply");
    return request;
  });
}

rc::Gen<Request> GenFlushAll() {
  return rc::gen::exec([] {
    Request request;
    request.words = {"flush_all"};
    const auto delay = *rc::gen::weightedOneOf<std::vector<std::string>>({
        {3, rc::gen::just(std::vector<std::string>{})},
        {4,
         rc::gen::map(rc::gen::element<std::string>("0", "1", "2", "3", "10", "-1", "2592001", "x"),
                      [](std::string word) { return std::vector<std::string>{std::move(word)}; })},
        {1, rc::gen::map(rc::gen::inRange(0, 12),
                         [](int seconds) {
                           return std::vector<std::string>{
                               std::to_string(kProcessStarted + kStartTime + seconds)};
                         })},
        {1, rc::gen::just(std::vector<std::string>{"noreply", "0"})},
    });
    request.words.insert(request.words.end(), delay.begin(), delay.end());
    if (*GenNoreply()) request.words.emplace_back("noreply");
    return request;
  });
}

rc::Gen<Request> GenClockMove() {
  return rc::gen::map(
      rc::gen::weightedElement<int>({{1, 0}, {6, 1}, {3, 2}, {2, 3}, {1, 10}, {1, 100}}),
      [](int seconds) {
        Request request;
        request.words = {"debugtime", std::to_string(seconds)};
        return request;
      });
}

rc::Gen<Request> GenOtherLine() {
  return rc::gen::map(
      rc::gen::elementOf(std::vector<std::vector<std::string>>{{"version"},
                                                               {"version", "x"},
                                                               {"verbosity", "1"},
                                                               {"verbosity", "x"},
                                                               {"verbosity"},
                                                               {"verbosity", "1", "noreply"},
                                                               {"foo"},
                                                               {"foo", "bar"},
                                                               {"VERSION"},
                                                               {"g"},
                                                               {"get"}}),
      [](std::vector<std::string> words) {
        Request request;
        request.words = std::move(words);
        return request;
      });
}

rc::Gen<Request> GenRequest() {
  return rc::gen::exec([] {
    Request request = *rc::gen::weightedOneOf<Request>({
        {30, GenStorage()},
        {20, GenRetrieval()},
        {12, GenArithmetic()},
        {5, GenDelete()},
        {5, GenTouch()},
        {2, GenFlushAll()},
        {5, GenClockMove()},
        {3, GenOtherLine()},
    });
    // The tokenizer collapses runs of spaces and accepts a bare "\n".
    request.leading = *rc::gen::weightedElement<std::string>({{9, ""}, {1, "  "}});
    request.separator = *rc::gen::weightedElement<std::string>({{9, " "}, {1, "   "}});
    request.terminator = *rc::gen::weightedElement<std::string>({{9, "\r\n"}, {1, "\n"}});
    return request;
  });
}

rc::Gen<std::vector<Step>> GenSteps() {
  const rc::Gen<Step> step = rc::gen::build<Step>(
      rc::gen::set(&Step::request, GenRequest()),
      rc::gen::set(&Step::cuts, rc::gen::resize(3, rc::gen::container<std::vector<size_t>>(
                                                       rc::gen::inRange<size_t>(0, 1100)))));
  // Up to 60 requests at the largest size.
  return rc::gen::scale(0.6, rc::gen::container<std::vector<Step>>(step));
}

// --- Driving the reference ------------------------------------------------

// The model has memcached's request-level rules only: an expired or flushed
// item goes away when a request meets it. memcached's background maintainer
// also reclaims such items from LRU tails whenever it runs (in the reference:
// whenever the clock moves), which a later flush_all that cancels a pending
// flush would reveal; so the reference runs here without its maintainer, a
// setting that only the embedded API offers.
Settings TestSettings() {
  FlagParseResult parsed = ParseServerFlags({"-m", "64"});
  parsed.settings.process_started = kProcessStarted;
  parsed.settings.lru_maintainer_thread = false;
  return parsed.settings;
}

// Feeds `bytes` in pieces cut at `cuts` (taken modulo its length + 1) and
// returns everything the session transmitted.
std::string ReceiveInPieces(Session& session, std::string_view bytes, std::vector<size_t> cuts) {
  for (size_t& cut : cuts) cut %= bytes.size() + 1;
  std::sort(cuts.begin(), cuts.end());
  std::string out;
  size_t start = 0;
  for (const size_t cut : cuts) {
    session.Receive(bytes.substr(start, cut - start), &out);
    start = cut;
  }
  session.Receive(bytes.substr(start), &out);
  return out;
}

// The requests' bytes, with cas placeholders filled from the model as the
// sequence would leave it.
std::vector<std::string> RenderAll(const std::vector<Step>& steps) {
  RequestModel model(kProcessStarted);
  std::vector<std::string> rendered;
  for (const Step& step : steps) {
    rendered.push_back(step.request.Render(model));
    model.Receive(rendered.back());
  }
  return rendered;
}

RC_GTEST_PROP(ModelTest, ReferenceAnswersLikeTheModelHoweverRequestsAreSplit, ()) {
  const std::vector<Step> steps = *GenSteps();
  Server server(TestSettings());
  Session session(server);
  RequestModel model(kProcessStarted);
  std::string transcript;
  for (const Step& step : steps) {
    const std::string request = step.request.Render(model);
    const std::string expected = model.Receive(request);
    const std::string actual = ReceiveInPieces(session, request, step.cuts);
    transcript += "> " + conformance::EncodeEscapes(request) + "\n";
    if (actual != expected) {
      RC_FAIL(transcript + "expected < " + conformance::EncodeEscapes(expected) + "\nactual   < " +
              conformance::EncodeEscapes(actual));
    }
    transcript += "< " + conformance::EncodeEscapes(actual) + "\n";
    RC_ASSERT(!session.closed());
    RC_ASSERT(session.buffered() == 0u);
  }
}

RC_GTEST_PROP(ModelTest, PipelinedStreamSplitAnywhereMatchesTheModel, ()) {
  // A too-long key in a multi-get drops the replies still queued from earlier
  // pipelined requests, which depends on where memcached flushed; requests
  // sent one at a time cover it.
  std::vector<Step> steps = *GenSteps();
  std::erase_if(steps, [](const Step& step) {
    const std::vector<std::string>& words = step.request.words;
    const bool multi_get =
        words[0] == "get" || words[0] == "gets" || words[0] == "gat" || words[0] == "gats";
    return multi_get && std::any_of(words.begin(), words.end(),
                                    [](const std::string& w) { return w.size() > kMaxKeyLength; });
  });
  std::string stream;
  for (const std::string& request : RenderAll(steps)) stream += request;
  const auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::arbitrary<size_t>());

  Server server(TestSettings());
  Session session(server);
  const std::string actual = ReceiveInPieces(session, stream, cuts);
  const std::string expected = RequestModel(kProcessStarted).Receive(stream);
  if (actual != expected) {
    RC_FAIL("stream > " + conformance::EncodeEscapes(stream) + "\nexpected < " +
            conformance::EncodeEscapes(expected) + "\nactual   < " +
            conformance::EncodeEscapes(actual));
  }
}

RC_GTEST_PROP(ModelTest, SameRequestsGiveSameBytes, ()) {
  const std::vector<Step> steps = *GenSteps();
  const std::vector<std::string> requests = RenderAll(steps);
  const auto run = [&] {
    Server server(TestSettings());
    Session session(server);
    std::vector<std::string> replies;
    for (size_t i = 0; i < steps.size(); ++i)
      replies.push_back(ReceiveInPieces(session, requests[i], steps[i].cuts));
    // The statistics expose the state the replies do not: counters, LRU
    // and slab bookkeeping.
    replies.push_back(ReceiveInPieces(session, "stats\r\nstats items\r\nstats slabs\r\n", {}));
    return replies;
  };
  RC_ASSERT(run() == run());
}

}  // namespace
}  // namespace mcspec::ref
