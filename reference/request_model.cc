#include "request_model.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace mcspec::ref {
namespace {

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
// only when it looks negative as a signed number and a '-' is anywhere in
// the token (strchr over the whole C string: "18446744073709551614\r-" is
// refused, though strtoull stops at the '\r').
std::optional<uint64_t> ParseUnsigned64(std::string_view text) {
  const std::optional<ScannedNumber> number = ScanNumber(text);
  if (!number) return std::nullopt;
  const uint64_t value = number->negative ? 0 - number->magnitude : number->magnitude;
  if (value > INT64_MAX && text.find('-') != std::string_view::npos) return std::nullopt;
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

constexpr std::string_view kStorageCommands[] = {"set",    "add",     "replace",
                                                 "append", "prepend", "cas"};
// memcached leaves a line without a newline unanswered up to this size.
constexpr size_t kLineLimit = 2048;
// Well below memcached's default item size limit (-I 1m) whatever the key.
constexpr int32_t kMaxCoveredValue = 65536;

bool IsStorageCommand(std::string_view command) {
  return std::find(std::begin(kStorageCommands), std::end(kStorageCommands), command) !=
         std::end(kStorageCommands);
}

// The request line at the start of `input` (up to its '\n', which must be
// there) as memcached reads it: one '\r' before the '\n' is dropped, unless
// the line is just "\r", and the line is a C string, which a NUL ends.
std::string_view RequestLine(std::string_view input) {
  std::string_view line = input.substr(0, input.find('\n'));
  if (line.size() >= 2 && line.back() == '\r') line.remove_suffix(1);
  return line.substr(0, std::min(line.find('\0'), line.size()));
}

// A storage command's line: whether memcached reads a data block after it,
// and the fields.
struct StorageLine {
  enum class Kind { kWrongWordCount, kBadFormat, kWellFormed } kind;
  bool noreply = false;
  uint32_t flags = 0;
  int32_t exptime = 0;
  int32_t length = 0;
  uint64_t unique = 0;
};

StorageLine ParseStorageLine(const std::vector<std::string_view>& words) {
  const std::string_view command = words[0];
  const size_t required_words = command == "cas" ? 6 : 5;
  if (words.size() != required_words && words.size() != required_words + 1) {
    return {StorageLine::Kind::kWrongWordCount};
  }
  StorageLine line{StorageLine::Kind::kBadFormat};
  line.noreply = words.back() == "noreply";
  const std::optional<uint32_t> flags = ParseUnsigned32(words[2]);
  const std::optional<int32_t> exptime = ParseSigned32(words[3]);
  const std::optional<int32_t> length = ParseSigned32(words[4]);
  const std::optional<uint64_t> unique =
      command == "cas" ? ParseUnsigned64(words[5]) : std::optional<uint64_t>(0);
  if (words[1].size() > kMaxKeyLength || !flags || !exptime || !length || !unique || *length < 0 ||
      *length > INT32_MAX - 2) {
    return line;
  }
  line.kind = StorageLine::Kind::kWellFormed;
  line.flags = *flags;
  line.exptime = *exptime;
  line.length = *length;
  line.unique = *unique;
  return line;
}

std::string Reply(std::string_view line, bool noreply) {
  return noreply ? std::string() : std::string(line) + "\r\n";
}

}  // namespace

RequestModel::RequestModel(int64_t process_started)
    : process_started_(process_started), now_(kStartTime) {}

std::optional<size_t> RequestModel::RequestSize(std::string_view input) {
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  const std::vector<std::string_view> words = SplitWords(RequestLine(input));
  size_t size = newline + 1;
  if (!words.empty() && IsStorageCommand(words[0])) {
    const StorageLine line = ParseStorageLine(words);
    if (line.kind == StorageLine::Kind::kWellFormed) size += size_t{uint32_t(line.length)} + 2;
  }
  if (size > input.size()) return std::nullopt;
  return size;
}

bool RequestModel::Covers(std::string_view request, bool replies_queued) {
  if (request.find('\n') > kLineLimit) return false;
  const std::vector<std::string_view> words = SplitWords(RequestLine(request));
  // memcached closes the connection on what looks like an HTTP request.
  if (std::any_of(words.begin(), words.end(),
                  [](std::string_view word) { return word.starts_with("HTTP/"); })) {
    return false;
  }
  if (words.empty()) return true;
  const std::string_view command = words[0];
  if (IsStorageCommand(command)) {
    const StorageLine line = ParseStorageLine(words);
    return line.kind != StorageLine::Kind::kWellFormed || line.length <= kMaxCoveredValue;
  }
  if (command == "get" || command == "gets" || command == "gat" || command == "gats") {
    return !replies_queued || std::none_of(words.begin(), words.end(), [](std::string_view word) {
      return word.size() > kMaxKeyLength;
    });
  }
  if (command == "debugtime") {
    return words.size() == 2 && words[1].size() <= 6 &&
           words[1].find_first_not_of("0123456789") == std::string_view::npos;
  }
  // memcached's other commands; any other word is an unknown command.
  static constexpr std::string_view kNotModelled[] = {
      "stats", "slabs",       "shutdown", "cache_memlimit",
      "bget",  "quit",        "extstore", "refresh_certs",
      "watch", "lru_crawler", "lru",      "misbehave",
      "mg",    "ms",          "md",       "mn",
      "ma",    "me"};
  return std::find(std::begin(kNotModelled), std::end(kNotModelled), command) ==
         std::end(kNotModelled);
}

std::string RequestModel::Receive(std::string_view bytes) {
  pending_input_.append(bytes);
  std::string_view input = pending_input_;
  std::string out;
  while (true) {
    if (pending_store_) {
      if (input.size() < pending_store_->block_size) break;
      const std::string_view block = input.substr(0, pending_store_->block_size);
      input.remove_prefix(block.size());
      out += CompleteStore(block);
      continue;
    }
    const size_t newline = input.find('\n');
    if (newline == std::string_view::npos) break;
    const std::string_view line = RequestLine(input);
    input.remove_prefix(newline + 1);
    out += Execute(SplitWords(line));
  }
  pending_input_.erase(0, pending_input_.size() - input.size());
  return out;
}

std::optional<uint64_t> RequestModel::VisibleCas(std::string_view key) const {
  const auto it = items_.find(key);
  if (it == items_.end() || IsGone(it->second)) return std::nullopt;
  return it->second.cas;
}

std::string RequestModel::Execute(const std::vector<std::string_view>& words) {
  if (words.empty()) return std::string(kError);
  const std::string_view command = words[0];
  if (IsStorageCommand(command)) return StartStore(words);
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
uint32_t RequestModel::ToVirtualTime(int32_t exptime) const {
  const int64_t positive = exptime < 0 ? kMaxRelativeExptime + 1 : exptime;
  if (positive == 0) return 0;
  if (positive > kMaxRelativeExptime) {
    return positive <= process_started_ ? 1 : static_cast<uint32_t>(positive - process_started_);
  }
  return now_ + static_cast<uint32_t>(positive);
}

bool RequestModel::IsFlushed(const Item& item) const {
  if (oldest_live_ == 0 || oldest_live_ > now_) return false;
  return item.stored_at <= oldest_live_ || (oldest_cas_ != 0 && item.cas < oldest_cas_);
}

bool RequestModel::IsGone(const Item& item) const {
  return IsFlushed(item) || (item.exptime != 0 && item.exptime <= now_);
}

// memcached removes a flushed or expired item only when a lookup meets it;
// until then a later delayed flush_all can make it visible again.
RequestModel::Item* RequestModel::Find(std::string_view key) {
  const auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  if (IsGone(it->second)) {
    items_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void RequestModel::Link(std::string_view key, std::string value, uint32_t flags, uint32_t exptime) {
  items_[std::string(key)] = Item{std::move(value), flags, exptime, now_, ++last_cas_};
}

// The line of a storage command: memcached takes the item's exptime now and
// reads the data block; a malformed line has no block.
std::string RequestModel::StartStore(const std::vector<std::string_view>& words) {
  const StorageLine line = ParseStorageLine(words);
  switch (line.kind) {
    case StorageLine::Kind::kWrongWordCount:
      return std::string(kError);
    case StorageLine::Kind::kBadFormat:
      return Reply("CLIENT_ERROR bad command line format", line.noreply);
    case StorageLine::Kind::kWellFormed:
      break;
  }
  pending_store_ = PendingStore{std::string(words[0]),
                                std::string(words[1]),
                                line.flags,
                                ToVirtualTime(line.exptime),
                                line.unique,
                                size_t{uint32_t(line.length)} + 2,
                                line.noreply};
  return "";
}

std::string RequestModel::CompleteStore(std::string_view block) {
  const PendingStore store = std::move(*pending_store_);
  pending_store_.reset();
  const bool noreply = store.noreply;
  if (!block.ends_with("\r\n")) return Reply("CLIENT_ERROR bad data chunk", noreply);
  const std::string value(block.substr(0, block.size() - 2));
  const std::string_view command = store.command;

  Item* old = Find(store.key);
  const bool stored = [&] {
    if (command == "set" || (command == "add" && old == nullptr) ||
        (command == "replace" && old != nullptr) ||
        (command == "cas" && old != nullptr && old->cas == store.unique)) {
      Link(store.key, value, store.flags, store.exptime);
      return true;
    }
    if (old != nullptr && (command == "append" || command == "prepend")) {
      Link(store.key, command == "append" ? old->value + value : value + old->value, old->flags,
           old->exptime);
      return true;
    }
    return false;
  }();
  if (stored) return Reply("STORED", noreply);
  if (command != "cas") return Reply("NOT_STORED", noreply);
  return Reply(old == nullptr ? "NOT_FOUND" : "EXISTS", noreply);
}

std::string RequestModel::Retrieve(const std::vector<std::string_view>& words, bool with_cas,
                                   bool touch) {
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

std::string RequestModel::Arithmetic(const std::vector<std::string_view>& words, bool incr) {
  if (words.size() != 3 && words.size() != 4) return std::string(kError);
  const bool noreply = words.back() == "noreply";
  if (words[1].size() > kMaxKeyLength)
    return Reply("CLIENT_ERROR bad command line format", noreply);
  const std::optional<uint64_t> delta = ParseUnsigned64(words[2]);
  if (!delta) return Reply("CLIENT_ERROR invalid numeric delta argument", noreply);
  Item* item = Find(words[1]);
  if (item == nullptr) return Reply("NOT_FOUND", noreply);
  // The stored value is parsed in place, followed by its "\r\n", as a C
  // string: a NUL ends it.
  const std::string_view digits_in_place(item->value.data(),
                                         std::min(item->value.find('\0'), item->value.size()));
  const std::optional<uint64_t> current =
      item->value.empty() ? std::nullopt : ParseUnsigned64(std::string(digits_in_place) + "\r\n");
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

std::string RequestModel::Delete(const std::vector<std::string_view>& words) {
  if (words.size() < 2 || words.size() > 4) return std::string(kError);
  bool noreply = false;
  if (words.size() > 2) {
    noreply = words.back() == "noreply";
    const bool zero_hold = words[2] == "0";
    if (!(words.size() == 3 && (zero_hold || noreply)) &&
        !(words.size() == 4 && zero_hold && noreply)) {
      return Reply("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]", noreply);
    }
  }
  if (words[1].size() > kMaxKeyLength)
    return Reply("CLIENT_ERROR bad command line format", noreply);
  if (Find(words[1]) == nullptr) return Reply("NOT_FOUND", noreply);
  items_.erase(items_.find(words[1]));
  return Reply("DELETED", noreply);
}

std::string RequestModel::Touch(const std::vector<std::string_view>& words) {
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
std::string RequestModel::FlushAll(const std::vector<std::string_view>& words) {
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

std::string RequestModel::Verbosity(const std::vector<std::string_view>& words) {
  if (words.size() != 2 && words.size() != 3) return std::string(kError);
  const bool noreply = words.back() == "noreply";
  return Reply(ParseUnsigned32(words[1]) ? "OK" : "CLIENT_ERROR bad command line format", noreply);
}

}  // namespace mcspec::ref
