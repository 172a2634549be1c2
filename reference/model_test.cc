// Property tests: the reference Session against a small, independent model of
// memcached 1.6.18's text protocol, written from the protocol notes rather
// than from the reference code.
//
// The model covers the storage commands, get/gets/gat/gats, delete,
// incr/decr, touch, flush_all (with memcached's oldest_live/oldest_cas rule),
// verbosity, version, unknown commands and malformed lines, with expiry on a
// virtual clock moved by `debugtime`. There is no memory pressure: values and
// the key space are small, so nothing is ever evicted.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

constexpr int64_t kProcessStarted = 1700000000;
// memcached's current_time right after start: it counts from 62 seconds
// before the real start so that relative time is never 0.
constexpr uint32_t kStartTime = 62;
constexpr int64_t kMaxRelativeExptime = int64_t{60} * 60 * 24 * 30;
constexpr size_t kMaxKeyLength = 250;
constexpr std::string_view kError = "ERROR\r\n";

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// What strtoull/strtol accept as memcached's safe_strto* call them: optional
// leading whitespace and sign, decimal digits, then the end or whitespace.
struct ScannedNumber {
  bool negative;
  uint64_t magnitude;
};

std::optional<ScannedNumber> ScanNumber(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && IsCSpace(text[pos])) ++pos;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  const size_t digits_start = pos;
  uint64_t magnitude = 0;
  bool overflow = false;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    const uint64_t digit = text[pos] - '0';
    if (magnitude > (UINT64_MAX - digit) / 10) overflow = true;
    magnitude = magnitude * 10 + digit;
  }
  if (pos == digits_start || overflow) return std::nullopt;
  if (pos < text.size() && !IsCSpace(text[pos])) return std::nullopt;
  return ScannedNumber{negative, magnitude};
}

// strtoull negates a '-' number modulo 2^64; memcached refuses the result
// only when it looks negative as a signed number.
std::optional<uint64_t> ParseUnsigned64(std::string_view text) {
  const std::optional<ScannedNumber> number = ScanNumber(text);
  if (!number) return std::nullopt;
  const uint64_t value = number->negative ? 0 - number->magnitude : number->magnitude;
  if (number->negative && value > INT64_MAX) return std::nullopt;
  return value;
}

// Flags: parsed as 64 bits, then truncated.
std::optional<uint32_t> ParseUnsigned32(std::string_view text) {
  const std::optional<uint64_t> value = ParseUnsigned64(text);
  if (!value) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

// Exptime and lengths: strtol's 64-bit range, then truncated to 32 bits.
std::optional<int32_t> ParseSigned32(std::string_view text) {
  const std::optional<ScannedNumber> number = ScanNumber(text);
  if (!number) return std::nullopt;
  const uint64_t limit = number->negative ? uint64_t{1} << 63 : INT64_MAX;
  if (number->magnitude > limit) return std::nullopt;
  return static_cast<int32_t>(number->negative ? 0 - number->magnitude : number->magnitude);
}

std::vector<std::string_view> SplitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < line.size()) {
    if (line[pos] == ' ') {
      ++pos;
      continue;
    }
    const size_t end = std::min(line.find(' ', pos), line.size());
    words.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

class Model {
 public:
  // The bytes memcached sends for `input`, which must end with a complete
  // request (data block included).
  std::string Receive(std::string_view input) {
    std::string out;
    while (!input.empty()) {
      const size_t newline = input.find('\n');
      std::string_view line = input.substr(0, newline);
      input.remove_prefix(newline + 1);
      // Only one '\r' is dropped, and a line that is just "\r" keeps it.
      if (line.size() >= 2 && line.back() == '\r') line.remove_suffix(1);
      out += Execute(SplitWords(line), input);
    }
    return out;
  }

  // The cas of the item a client would see under `key`, without the side
  // effect of a real lookup.
  std::optional<uint64_t> VisibleCas(std::string_view key) const {
    const auto it = items_.find(key);
    if (it == items_.end() || IsGone(it->second)) return std::nullopt;
    return it->second.cas;
  }

 private:
  struct Item {
    std::string value;
    uint32_t flags = 0;
    uint32_t exptime = 0;  // virtual seconds; 0 never expires
    uint32_t stored_at = 0;
    uint64_t cas = 0;
  };

  static std::string Reply(std::string_view line, bool noreply) {
    return noreply ? std::string() : std::string(line) + "\r\n";
  }

  std::string Execute(const std::vector<std::string_view>& words, std::string_view& input) {
    if (words.empty()) return std::string(kError);
    const std::string_view command = words[0];
    if (command == "set" || command == "add" || command == "replace" || command == "append" ||
        command == "prepend" || command == "cas") {
      return Store(words, input);
    }
    if (command == "get") return Retrieve(words, false, false);
    if (command == "gets") return Retrieve(words, true, false);
    if (command == "gat") return Retrieve(words, false, true);
    if (command == "gats") return Retrieve(words, true, true);
    if (command == "incr") return Arithmetic(words, true);
    if (command == "decr") return Arithmetic(words, false);
    if (command == "delete") return Delete(words);
    if (command == "touch") return Touch(words);
    if (command == "flush_all") return FlushAll(words);
    if (command == "verbosity") return Verbosity(words);
    if (command == "version") return "VERSION 1.6.18\r\n";
    if (command == "debugtime" && words.size() == 2) {
      uint32_t seconds = 0;
      std::from_chars(words[1].data(), words[1].data() + words[1].size(), seconds);
      now_ += seconds;
      return "OK\r\n";
    }
    return std::string(kError);
  }

  // A protocol exptime as a virtual time: negative is already in the past,
  // above 30 days is a unix time.
  uint32_t ToVirtualTime(int32_t exptime) const {
    const int64_t positive = exptime < 0 ? kMaxRelativeExptime + 1 : exptime;
    if (positive == 0) return 0;
    if (positive > kMaxRelativeExptime) {
      return positive <= kProcessStarted ? 1 : static_cast<uint32_t>(positive - kProcessStarted);
    }
    return now_ + static_cast<uint32_t>(positive);
  }

  bool IsFlushed(const Item& item) const {
    if (oldest_live_ == 0 || oldest_live_ > now_) return false;
    return item.stored_at <= oldest_live_ || (oldest_cas_ != 0 && item.cas < oldest_cas_);
  }

  bool IsGone(const Item& item) const {
    return IsFlushed(item) || (item.exptime != 0 && item.exptime <= now_);
  }

  // memcached removes a flushed or expired item only when a lookup meets it;
  // until then a later delayed flush_all can make it visible again.
  Item* Find(std::string_view key) {
    const auto it = items_.find(key);
    if (it == items_.end()) return nullptr;
    if (IsGone(it->second)) {
      items_.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  void Link(std::string_view key, std::string value, uint32_t flags, uint32_t exptime) {
    items_[std::string(key)] = Item{std::move(value), flags, exptime, now_, ++last_cas_};
  }

  std::string Store(const std::vector<std::string_view>& words, std::string_view& input) {
    const std::string_view command = words[0];
    const size_t required_words = command == "cas" ? 6 : 5;
    if (words.size() != required_words && words.size() != required_words + 1)
      return std::string(kError);
    const bool noreply = words.back() == "noreply";
    const std::string_view key = words[1];
    const std::optional<uint32_t> flags = ParseUnsigned32(words[2]);
    const std::optional<int32_t> exptime = ParseSigned32(words[3]);
    const std::optional<int32_t> length = ParseSigned32(words[4]);
    const std::optional<uint64_t> unique =
        command == "cas" ? ParseUnsigned64(words[5]) : std::optional<uint64_t>(0);
    if (key.size() > kMaxKeyLength || !flags || !exptime || !length || !unique || *length < 0 ||
        *length > INT32_MAX - 2) {
      return Reply("CLIENT_ERROR bad command line format", noreply);
    }
    const std::string_view block = input.substr(0, *length + 2);
    input.remove_prefix(block.size());
    if (!block.ends_with("\r\n")) return Reply("CLIENT_ERROR bad data chunk", noreply);
    const std::string value(block.substr(0, *length));

    Item* old = Find(key);
    const bool stored = [&] {
      if (command == "set" || (command == "add" && old == nullptr) ||
          (command == "replace" && old != nullptr) ||
          (command == "cas" && old != nullptr && old->cas == *unique)) {
        Link(key, value, *flags, ToVirtualTime(*exptime));
        return true;
      }
      if (old != nullptr && (command == "append" || command == "prepend")) {
        Link(key, command == "append" ? old->value + value : value + old->value, old->flags,
             old->exptime);
        return true;
      }
      return false;
    }();
    if (stored) return Reply("STORED", noreply);
    if (command != "cas") return Reply("NOT_STORED", noreply);
    return Reply(old == nullptr ? "NOT_FOUND" : "EXISTS", noreply);
  }

  std::string Retrieve(const std::vector<std::string_view>& words, bool with_cas, bool touch) {
    if (words.size() < 2) return std::string(kError);
    uint32_t new_exptime = 0;
    if (touch) {
      const std::optional<int32_t> exptime = ParseSigned32(words[1]);
      if (!exptime) return "CLIENT_ERROR invalid exptime argument\r\n";
      new_exptime = ToVirtualTime(*exptime);
    }
    std::string out;
    for (size_t i = touch ? 2 : 1; i < words.size(); ++i) {
      const std::string_view key = words[i];
      // Everything this command produced so far is discarded, but the
      // lookups (and touches) of the earlier keys have happened.
      if (key.size() > kMaxKeyLength) return "CLIENT_ERROR bad command line format\r\n";
      Item* item = Find(key);
      if (item == nullptr) continue;
      if (touch) item->exptime = new_exptime;
      out.append("VALUE ").append(key).append(" ").append(std::to_string(item->flags));
      out.append(" ").append(std::to_string(item->value.size()));
      if (with_cas) out.append(" ").append(std::to_string(item->cas));
      out.append("\r\n").append(item->value).append("\r\n");
    }
    return out + "END\r\n";
  }

  std::string Arithmetic(const std::vector<std::string_view>& words, bool incr) {
    if (words.size() != 3 && words.size() != 4) return std::string(kError);
    const bool noreply = words.back() == "noreply";
    if (words[1].size() > kMaxKeyLength)
      return Reply("CLIENT_ERROR bad command line format", noreply);
    const std::optional<uint64_t> delta = ParseUnsigned64(words[2]);
    if (!delta) return Reply("CLIENT_ERROR invalid numeric delta argument", noreply);
    Item* item = Find(words[1]);
    if (item == nullptr) return Reply("NOT_FOUND", noreply);
    // The stored value is parsed in place, followed by its "\r\n".
    const std::optional<uint64_t> current =
        item->value.empty() ? std::nullopt : ParseUnsigned64(item->value + "\r\n");
    if (!current)
      return Reply("CLIENT_ERROR cannot increment or decrement non-numeric value", noreply);
    const uint64_t result = incr ? *current + *delta : (*delta > *current ? 0 : *current - *delta);
    std::string digits = std::to_string(result);
    // A result that fits is written over the old value, left-justified.
    item->value = digits.size() <= item->value.size()
                      ? digits + std::string(item->value.size() - digits.size(), ' ')
                      : digits;
    item->cas = ++last_cas_;
    item->stored_at = now_;
    return Reply(digits, noreply);
  }

  std::string Delete(const std::vector<std::string_view>& words) {
    if (words.size() < 2 || words.size() > 4) return std::string(kError);
    bool noreply = false;
    if (words.size() > 2) {
      noreply = words.back() == "noreply";
      const bool zero_hold = words[2] == "0";
      if (!(words.size() == 3 && (zero_hold || noreply)) &&
          !(words.size() == 4 && zero_hold && noreply)) {
        return Reply("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]",
                     noreply);
      }
    }
    if (words[1].size() > kMaxKeyLength)
      return Reply("CLIENT_ERROR bad command line format", noreply);
    if (Find(words[1]) == nullptr) return Reply("NOT_FOUND", noreply);
    items_.erase(items_.find(words[1]));
    return Reply("DELETED", noreply);
  }

  std::string Touch(const std::vector<std::string_view>& words) {
    if (words.size() != 3 && words.size() != 4) return std::string(kError);
    const bool noreply = words.back() == "noreply";
    if (words[1].size() > kMaxKeyLength)
      return Reply("CLIENT_ERROR bad command line format", noreply);
    const std::optional<int32_t> exptime = ParseSigned32(words[2]);
    if (!exptime) return Reply("CLIENT_ERROR invalid exptime argument", noreply);
    Item* item = Find(words[1]);
    if (item == nullptr) return Reply("NOT_FOUND", noreply);
    item->exptime = ToVirtualTime(*exptime);
    return Reply("TOUCHED", noreply);
  }

  // Items stored at or before oldest_live, or with a cas below oldest_cas,
  // are invisible once oldest_live is reached. A flush effective at once
  // takes a cas id so that items stored later in the same second survive.
  std::string FlushAll(const std::vector<std::string_view>& words) {
    if (words.size() > 3) return std::string(kError);
    const bool noreply = words.back() == "noreply";
    int32_t delay = 0;
    if (words.size() != (noreply ? 2 : 1)) {
      const std::optional<int32_t> parsed = ParseSigned32(words[1]);
      if (!parsed) return Reply("CLIENT_ERROR invalid exptime argument", noreply);
      delay = *parsed;
    }
    const uint32_t new_oldest = delay > 0 ? ToVirtualTime(delay) : now_;
    oldest_live_ = new_oldest - 1;
    if (oldest_live_ <= now_) oldest_cas_ = ++last_cas_;
    return Reply("OK", noreply);
  }

  std::string Verbosity(const std::vector<std::string_view>& words) {
    if (words.size() != 2 && words.size() != 3) return std::string(kError);
    const bool noreply = words.back() == "noreply";
    return Reply(ParseUnsigned32(words[1]) ? "OK" : "CLIENT_ERROR bad command line format",
                 noreply);
  }

  std::map<std::string, Item, std::less<>> items_;
  uint32_t now_ = kStartTime;
  uint64_t last_cas_ = 0;
  uint32_t oldest_live_ = 0;
  uint64_t oldest_cas_ = 0;
};

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
  std::string Render(const Model& model) const {
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

std::string Escape(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
    } else {
      out += c;
    }
  }
  return out;
}

void showValue(const Step& step, std::ostream& os) {
  os << '"' << Escape(step.request.Bytes(kCurrentCas)) << "\" cuts";
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
  Model model;
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
  Model model;
  std::string transcript;
  for (const Step& step : steps) {
    const std::string request = step.request.Render(model);
    const std::string expected = model.Receive(request);
    const std::string actual = ReceiveInPieces(session, request, step.cuts);
    transcript += "> " + Escape(request) + "\n";
    if (actual != expected) {
      RC_FAIL(transcript + "expected < " + Escape(expected) + "\nactual   < " + Escape(actual));
    }
    transcript += "< " + Escape(actual) + "\n";
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
  const std::string expected = Model().Receive(stream);
  if (actual != expected) {
    RC_FAIL("stream > " + Escape(stream) + "\nexpected < " + Escape(expected) + "\nactual   < " +
            Escape(actual));
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
