#include "session.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>
#include <vector>

#include "memory_report.h"
#include "number_parse.h"
#include "session_tokens.h"
#include "stats_report.h"

namespace mcspec::ref {
namespace {

constexpr size_t kKeyMaxLength = 250;
constexpr uint32_t kMaxVerbosityLevel = 2;
// memcached closes a connection whose buffered input has no newline within
// this many bytes, unless it is a multi-get.
constexpr size_t kLineWithoutNewlineLimit = 2048;
// Buffered input from which the lookahead runs (PrefetchAhead).
constexpr size_t kPipelinedBytes = 1024;
constexpr size_t kMaxLeadingSpaces = 100;
// memcached grows its buffer for a multi-get line without any bound; the
// reference closes the connection past this size instead.
constexpr size_t kMultigetLineLimit = size_t{16} * 1024 * 1024;
constexpr std::string_view kVersion = "1.6.18";

// Writes `value` in decimal at `at` (room for 20 digits); returns the end.
char* WriteDecimal(char* at, uint64_t value) {
  return std::to_chars(at, at + 20, value).ptr;
}

// A get hit's "VALUE <key> <flags> <bytes>[ <cas>]\r\n", formatted on the
// stack and appended at once.
void AppendValueHeader(const Item& it, bool with_cas, std::string* out) {
  char line[6 + 255 + 3 * 21 + 2];
  char* at = line;
  std::memcpy(at, "VALUE ", 6);
  at += 6;
  const std::string_view key = it.key();
  std::memcpy(at, key.data(), key.size());
  at += key.size();
  *at++ = ' ';
  at = WriteDecimal(at, it.client_flags);
  *at++ = ' ';
  at = WriteDecimal(at, it.nbytes() - 2);
  if (with_cas) {
    *at++ = ' ';
    at = WriteDecimal(at, it.cas);
  }
  *at++ = '\r';
  *at++ = '\n';
  out->append(line, at);
}

}  // namespace

Session::Session(Server& server, int fd)
    : server_(server),
      cache_(server.cache()),
      fd_(fd != 0 ? fd : server.NextConnectionNumber()),
      last_command_time_(server.clock().now()),
      authenticated_(server.settings().auth_file.empty()) {
  server_.RegisterSession(fd_, this);
}

Session::~Session() {
  if (reading_ != kNoItem) cache_.Release(reading_);
  if (watcher_ >= 0) server_.watch_log().RemoveWatcher(watcher_);
  server_.UnregisterSession(fd_, this);
}

std::string_view Session::state_name() const {
  if (watcher_ >= 0) return "conn_watch";
  switch (state_) {
    case State::kReadValue:
      return "conn_nread";
    case State::kSwallow:
      return "conn_swallow";
    case State::kClosed:
      return "conn_closing";
    case State::kCommand:
      break;
  }
  // A connection waits for input in conn_read; before its first read
  // memcached has not run it yet, and it is still in conn_new_cmd.
  return received_ ? "conn_read" : "conn_new_cmd";
}

uint64_t Session::value_bytes_left() const {
  switch (state_) {
    case State::kReadValue:
      return cache_.item(reading_).nbytes() - value_filled_;
    case State::kSwallow:
      return swallow_left_;
    case State::kCommand:
    case State::kClosed:
      break;
  }
  return 0;
}

void Session::DiscardQueued() {
  out_->resize(unsent_from_);
  while (!marks_.empty() && !marks_.back().ends_write) marks_.pop_back();
}

void Session::Poll(std::string* out) {
  if (watcher_ >= 0) server_.watch_log().Take(watcher_, out);
}

void Session::Receive(std::string_view bytes, std::string* out) {
  if (state_ == State::kClosed) return;
  if (watcher_ >= 0) {
    // memcached no longer reads from a watching connection.
    Poll(out);
    return;
  }
  server_.counters().bytes_read += bytes.size();
  received_ = true;
  // A TCP connection's first bytes settle its protocol (memcached's
  // negotiation), unless -Y made every connection ASCII from the start.
  if (!negotiated_ && !bytes.empty() && !datagram_mode_) {
    negotiated_ = true;
    if (Verbose() && server_.settings().auth_file.empty()) {
      server_.verbose_log().Write(std::to_string(fd_) + ": Client using the ascii protocol\n");
    }
  }
  if (input_.empty()) {
    in_ = bytes;
    searched_ = 0;
  } else {
    input_.append(bytes);
    in_ = input_;
  }
  in_pos_ = 0;
  out_ = out;
  unsent_from_ = out->size();
  if (!held_.empty()) {
    out->append(held_);
    held_.clear();
  }
  for (ResponseMark& mark : marks_) mark.begin += unsent_from_;
  // A connection that yielded comes back in conn_new_cmd, whose first pass
  // already counts against the next -R requests.
  const int reqs_per_event = static_cast<int>(server_.settings().reqs_per_event);
  requests_left_ = yielded_ ? reqs_per_event - 1 : reqs_per_event;
  yielded_ = false;
  scan_pos_ = 0;
  lookahead_count_ = 0;
  partial_line_ = false;

  ProcessInput();

  // Keep what is queued but not transmitted, and what is not processed
  // (usually nothing of either: each is tested before a string call).
  if (out_->size() > unsent_from_) {
    held_.assign(*out_, unsent_from_);
    out_->resize(unsent_from_);
  }
  out_ = nullptr;
  const std::string_view rest = state_ == State::kClosed ? std::string_view() : in_.substr(in_pos_);
  if (rest.empty()) {
    input_.clear();
  } else if (rest.data() == input_.data() + in_pos_ && !input_.empty()) {
    input_.erase(0, in_pos_);
  } else {
    input_.assign(rest);
  }
  // A partial line is not searched again when its next bytes arrive.
  searched_ = partial_line_ ? input_.size() : 0;
  in_ = {};
}

void Session::AbortDatagramValue() {
  if (reading_ != kNoItem) {
    cache_.Release(reading_);
    reading_ = kNoItem;
  }
  swallow_left_ = 0;
  held_.clear();
  marks_.clear();
  input_.clear();
  if (state_ != State::kClosed) state_ = State::kCommand;
}

void Session::ReceiveDatagram(std::string_view bytes, std::vector<Response>* responses) {
  datagram_mode_ = true;
  std::string& out = datagram_out_;
  out.clear();
  Receive(bytes, &out);
  if (watcher_ >= 0) {
    // memcached hands a watching UDP connection to its logger, whose write
    // to the unconnected socket fails: the watcher is dropped unheard (with
    // the OK it was to send) and the connection goes back to reading.
    server_.watch_log().RemoveWatcher(watcher_);
    watcher_ = -1;
    out.resize(marks_.back().begin);
    marks_.pop_back();
  }
  if (state_ == State::kClosed) state_ = State::kCommand;
  if (state_ == State::kCommand) input_.clear();
  // Transmitted objects end with the last write; the rest wait in `held_`
  // (a value is still being read) and are rebased onto it.
  size_t transmitted = marks_.size();
  while (transmitted > 0 && !marks_[transmitted - 1].ends_write) --transmitted;
  for (size_t i = 0; i < transmitted; ++i) {
    const size_t end = i + 1 < transmitted ? marks_[i + 1].begin : out.size();
    responses->push_back(
        Response{std::string_view(out).substr(marks_[i].begin, end - marks_[i].begin),
                 marks_[i].silenced, marks_[i].ends_write});
  }
  marks_.erase(marks_.begin(), marks_.begin() + static_cast<std::ptrdiff_t>(transmitted));
  for (ResponseMark& mark : marks_) mark.begin -= out.size();
}

void Session::ProcessInput() {
  while (state_ != State::kClosed && !yielded_) {
    const size_t available = in_.size() - in_pos_;
    if (state_ == State::kReadValue) {
      Item& it = cache_.item(reading_);
      const size_t take = std::min<size_t>(it.nbytes() - value_filled_, available);
      std::memcpy(it.mutable_value() + value_filled_, in_.data() + in_pos_, take);
      value_filled_ += take;
      in_pos_ += take;
      if (value_filled_ < it.nbytes()) return;
      CompleteValue();
      CommandDone();
      continue;
    }
    if (state_ == State::kSwallow) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(swallow_left_, available));
      in_pos_ += take;
      swallow_left_ -= take;
      if (swallow_left_ > 0) return;
      state_ = State::kCommand;
      CommandDone();
      continue;
    }
    if (!authenticated_) {
      if (!ReadAuthentication()) return;
      continue;
    }
    // The lookahead's own test, made here: most input is a request or two.
    if (lookahead_count_ > 0 || in_.size() - in_pos_ >= kPipelinedBytes) PrefetchAhead();
    if (!ReadLine()) return;
  }
}

namespace {

// The space-separated words of a C string, as memcached's tokenizer finds
// them (a '\r' stays in the word it ends).
std::vector<std::string_view> Words(std::string_view text) {
  text = text.substr(0, std::min(text.find('\0'), text.size()));
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t space = std::min(text.find(' ', pos), text.size());
    if (space > pos) words.push_back(text.substr(pos, space - pos));
    pos = space + 1;
  }
  return words;
}

}  // namespace

// Before authenticating, a connection may only send the credentials as a
// storage request, "set <key> <flags> <exptime> <bytes>\r\n<user> <password>\r\n",
// whose key, flags and exptime are ignored.
bool Session::ReadAuthentication() {
  constexpr size_t kReadBufferSize = 16384;  // memcached's per-connection read buffer
  std::string_view buffered = in_.substr(in_pos_);
  if (auth_block_size_ == 0) {
    const size_t newline = buffered.find('\n');
    if (buffered.size() < 2 || newline == std::string_view::npos) {
      if (buffered.size() > kLineWithoutNewlineLimit) {
        Close();
      } else {
        Transmit();
      }
      return false;
    }
    const std::vector<std::string_view> words = Words(buffered.substr(0, newline));
    in_pos_ += newline + 1;
    last_command_time_ = server_.clock().now();
    std::optional<uint32_t> size;
    if (words.size() >= 5 && words[0] == "set") size = ParseU32(words[4]);
    if (!size) {
      AuthenticationReply("CLIENT_ERROR unauthenticated");
      return true;
    }
    auth_block_size_ = uint64_t{*size} + 2;
    buffered = in_.substr(in_pos_);
  }
  if (buffered.size() < auth_block_size_) {
    // A block larger than the read buffer can never arrive: memcached's read
    // into the full buffer returns nothing and it closes the connection.
    if (buffered.size() >= kReadBufferSize) {
      Close();
    } else {
      Transmit();
    }
    return false;
  }
  std::string_view block = buffered.substr(0, auth_block_size_);
  in_pos_ += auth_block_size_;
  auth_block_size_ = 0;
  if (!block.ends_with("\r\n")) {
    AuthenticationReply("CLIENT_ERROR bad command line termination");
    return true;
  }
  block.remove_suffix(2);
  const std::vector<std::string_view> credentials = Words(block);
  if (credentials.size() < 2) {
    AuthenticationReply("CLIENT_ERROR bad authentication token format");
    return true;
  }
  CommandCounters& counters = server_.counters();
  counters.auth_cmds++;
  for (const auto& [user, password] : server_.settings().auth_entries) {
    if (credentials[0] == user && credentials[1] == password) {
      AuthenticationReply("STORED");
      authenticated_ = true;
      return true;
    }
  }
  counters.auth_errors++;
  AuthenticationReply("CLIENT_ERROR authentication failure");
  return true;
}

void Session::AuthenticationReply(std::string_view text) {
  if (auth_reply_at_ != std::string::npos && unsent_from_ + auth_reply_at_ <= out_->size()) {
    out_->resize(unsent_from_ + auth_reply_at_);
  }
  auth_reply_at_ = out_->size() - unsent_from_;
  OutString(text);
  CommandDone();
}

namespace {

// What the lookahead takes from a request line: where its key likely is (the
// second token of the common key-addressed commands), and for a storage
// command the value bytes that follow the line, to be stepped over rather
// than searched for line ends. A wrong guess (say, a line inside a value, or
// a request memcached refuses) is harmless: it only wastes a prefetch or
// leaves later lines unscanned.
struct LineHint {
  std::string_view key;
  uint64_t value_bytes = 0;  // the data block and its "\r\n"; 0: none
};

LineHint ScanLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t space = line.find(' ');
  if (space < 3 || space > 7) return {};
  const std::string_view command = line.substr(0, space);
  const bool storage = command == "set" || command == "add" || command == "replace" ||
                       command == "append" || command == "prepend" || command == "cas";
  if (!storage && command != "get" && command != "gets" && command != "incr" && command != "decr" &&
      command != "delete" && command != "touch") {
    return {};
  }
  std::string_view rest = line.substr(space + 1);
  LineHint hint;
  hint.key = rest.substr(0, std::min(rest.find(' '), rest.size()));
  if (!storage) return hint;
  // <key> <flags> <exptime> <bytes>: the fourth token, single spaces assumed.
  for (int token = 0; token < 3; ++token) {
    const size_t next = rest.find(' ');
    if (next == std::string_view::npos) return hint;
    rest.remove_prefix(next + 1);
  }
  uint64_t bytes = 0;
  size_t digits = 0;
  for (; digits < rest.size() && digits < 10 && rest[digits] >= '0' && rest[digits] <= '9';
       ++digits) {
    bytes = bytes * 10 + static_cast<uint64_t>(rest[digits] - '0');
  }
  if (digits > 0 && (digits == rest.size() || rest[digits] == ' ')) hint.value_bytes = bytes + 2;
  return hint;
}

}  // namespace

// On pipelined input, keeps up to 16 buffered lines scanned ahead of the one
// about to run: a line's index slot is prefetched when it is scanned, its
// item table entry when it is 12 lines away and its item at 8, each stage
// four lines after the one whose load it needs. The scan's line ends and key
// hashes are reused when the line runs. With a request or two buffered (a
// client that waits for each reply) there is nothing for the loads to overlap
// with, and the lookahead is not run.
void Session::PrefetchAhead() {
  constexpr size_t kWindow = 16;
  constexpr size_t kEntryDistance = 12;
  constexpr size_t kItemDistance = 8;
  while (lookahead_count_ > 0 && lookahead_[lookahead_first_].begin < in_pos_) {
    lookahead_first_ = (lookahead_first_ + 1) % kWindow;
    --lookahead_count_;
  }
  if (lookahead_count_ == 0) {
    if (in_.size() - in_pos_ < kPipelinedBytes) return;
    scan_pos_ = in_pos_;
  }
  while (lookahead_count_ < kWindow) {
    const size_t newline = FindNewline(scan_pos_);
    if (newline == std::string_view::npos) break;
    Lookahead line{scan_pos_, newline, 0, 0, 0, 0};
    const LineHint hint = ScanLine(in_.substr(scan_pos_, newline - scan_pos_));
    if (!hint.key.empty()) {
      line.key_begin = static_cast<size_t>(hint.key.data() - in_.data());
      line.key_size = hint.key.size();
      line.hash = cache_.Key(hint.key).hash;
      line.prefetched = 1;
      cache_.PrefetchSlot(line.hash);
    }
    lookahead_[(lookahead_first_ + lookahead_count_) % kWindow] = line;
    ++lookahead_count_;
    scan_pos_ = newline + 1 +
                static_cast<size_t>(std::min<uint64_t>(hint.value_bytes, in_.size() - newline));
  }
  for (size_t i = 0; i < std::min(lookahead_count_, kEntryDistance); ++i) {
    Lookahead& line = lookahead_[(lookahead_first_ + i) % kWindow];
    if (line.prefetched == 1) {
      line.prefetched = 2;
      cache_.PrefetchEntry(line.hash);
    } else if (line.prefetched == 2 && i < kItemDistance) {
      line.prefetched = 3;
      cache_.PrefetchItem(line.hash);
    }
  }
}

size_t Session::FindNewline(size_t from) const {
  if (from == 0) from = searched_;
  return in_.find('\n', from);
}

KeyRef Session::Key(std::string_view key) const {
  if (key.data() == hinted_key_.data() && key.size() == hinted_key_.size()) {
    return {key, hinted_hash_};
  }
  return cache_.Key(key);
}

// Finds and runs the next request line. False when more input is needed (or
// the connection was closed).
bool Session::ReadLine() {
  const std::string_view buffered = in_.substr(in_pos_);
  if (buffered.empty()) return false;
  size_t newline;
  hinted_key_ = {};
  if (lookahead_count_ > 0 && lookahead_[lookahead_first_].begin == in_pos_) {
    const Lookahead& line = lookahead_[lookahead_first_];
    newline = line.end - in_pos_;
    if (line.key_size != 0) {
      hinted_key_ = in_.substr(line.key_begin, line.key_size);
      hinted_hash_ = line.hash;
    }
  } else {
    newline = FindNewline(in_pos_);
    if (newline != std::string_view::npos) newline -= in_pos_;
  }
  if (newline == std::string_view::npos) {
    partial_line_ = true;
    if (buffered.size() > kLineWithoutNewlineLimit) {
      const size_t spaces = std::min(buffered.find_first_not_of(' '), buffered.size());
      const std::string_view rest = buffered.substr(spaces);
      const bool multiget = rest.starts_with("get ") || rest.starts_with("gets ");
      if (spaces > kMaxLeadingSpaces || !multiget || buffered.size() > kMultigetLineLimit) {
        Close();
        return false;
      }
    }
    Transmit();  // memcached flushes queued responses while it waits
    return false;
  }
  std::string_view line = buffered.substr(0, newline);
  if (line.size() > 1 && line.back() == '\r') line.remove_suffix(1);
  // memcached treats the line as a C string.
  line = line.substr(0, std::min(line.find('\0'), line.size()));
  in_pos_ += newline + 1;
  StartResponse();
  noreply_ = false;
  last_command_time_ = server_.clock().now();
  cache_.set_connection_fd(fd_);
  if (Verbose()) {
    server_.verbose_log().Write("<" + std::to_string(fd_) + " " + std::string(line) + "\n");
  }
  ProcessCommand(line);
  if (state_ == State::kCommand) CommandDone();
  return true;
}

// conn_new_cmd: transmit when the input is used up, and every reqs_per_event
// requests (memcached then yields to other connections).
void Session::CommandDone() {
  cache_.FinishRequest();
  if (state_ == State::kClosed) return;
  // memcached marks a response object it will not send (resp->skip) where
  // noreply silences it.
  if (!marks_.empty() && noreply_ && marks_.back().begin == out_->size()) {
    marks_.back().silenced = true;
  }
  if (--requests_left_ < 0) {
    Transmit();
    server_.counters().conn_yields++;
    requests_left_ = static_cast<int>(server_.settings().reqs_per_event) - 1;
    if (stop_at_yield_ && in_pos_ < in_.size()) yielded_ = true;
  } else if (in_pos_ == in_.size()) {
    Transmit();
  }
}

void Session::OutString(std::string_view text) {
  if (Verbose()) {
    server_.verbose_log().Write(">" + std::to_string(fd_) + (noreply_ ? " NOREPLY " : " ") +
                                std::string(text) + "\n");
  }
  MetaReply(text);
}

void Session::MetaReply(std::string_view text) {
  if (noreply_) return;
  out_->append(text);
  out_->append("\r\n");
}

void Session::Transmit() {
  server_.counters().bytes_written += out_->size() - unsent_from_;
  unsent_from_ = out_->size();
  auth_reply_at_ = std::string::npos;
  if (!marks_.empty()) marks_.back().ends_write = true;
}

bool Session::SetNoreplyMaybe(const Tokens& tokens) {
  if (tokens[tokens.ntokens() - 2] == "noreply") noreply_ = true;
  return noreply_;
}

void Session::ProcessCommand(std::string_view line) {
  Tokens tokens = Tokens::Split(line);
  const size_t ntokens = tokens.ntokens();
  if (ntokens < 2 || tokens[0].size() < 2) {
    OutString("ERROR");
    return;
  }
  const std::string_view cmd = tokens[0];
  auto want = [&](size_t a, size_t b) {
    if (ntokens == a || ntokens == b) return true;
    OutString("ERROR");
    return false;
  };
  auto want_range = [&](size_t min, size_t max) {
    if (ntokens >= min && ntokens <= max) return true;
    OutString("ERROR");
    return false;
  };

  if (cmd.size() == 2 && cmd[0] == 'm') {
    switch (cmd[1]) {
      case 'g':
        ProcessMetaGet(tokens);
        break;
      case 's':
        ProcessMetaSet(tokens);
        break;
      case 'd':
        ProcessMetaDelete(tokens);
        break;
      case 'n':
        OutString("MN");
        Transmit();
        break;
      case 'a':
        ProcessMetaArithmetic(tokens);
        break;
      case 'e':
        ProcessMetaDebug(tokens);
        break;
      default:
        OutString("ERROR");
        break;
    }
  } else if (cmd[0] == 'g') {
    // memcached answers every other word starting with 'g' with ERROR.
    const bool get_family = cmd == "get" || cmd == "gets" || cmd == "gat" || cmd == "gats";
    if (get_family && ntokens >= 3) {
      ProcessGet(tokens, cmd.ends_with('s'), cmd.starts_with("gat"));
    } else {
      OutString("ERROR");
    }
  } else if (cmd == "set") {
    if (want(6, 7)) ProcessUpdate(tokens, StoreCommand::kSet, false);
  } else if (cmd == "stats") {
    ProcessStats(tokens);
  } else if (cmd == "slabs") {
    ProcessSlabs(tokens);
  } else if (cmd == "shutdown") {
    ProcessShutdown(tokens);
  } else if (cmd == "add") {
    if (want(6, 7)) ProcessUpdate(tokens, StoreCommand::kAdd, false);
  } else if (cmd == "append") {
    if (want(6, 7)) ProcessUpdate(tokens, StoreCommand::kAppend, false);
  } else if (cmd == "cas") {
    if (want(7, 8)) ProcessUpdate(tokens, StoreCommand::kCas, true);
  } else if (cmd == "cache_memlimit") {
    if (want(3, 4)) ProcessMemlimit(tokens);
  } else if (cmd == "incr") {
    if (want(4, 5)) ProcessArithmetic(tokens, true);
  } else if (cmd == "delete") {
    if (want_range(3, 5)) ProcessDelete(tokens);
  } else if (cmd == "decr") {
    if (want(4, 5)) ProcessArithmetic(tokens, false);
  } else if (cmd == "debugtime") {
    ProcessDebugtime(tokens);
  } else if (cmd == "touch") {
    if (want(4, 5)) ProcessTouch(tokens);
  } else if (cmd == "replace") {
    if (want(6, 7)) ProcessUpdate(tokens, StoreCommand::kReplace, false);
  } else if (cmd == "prepend") {
    if (want(6, 7)) ProcessUpdate(tokens, StoreCommand::kPrepend, false);
  } else if (cmd == "bget") {
    if (ntokens < 3) {
      OutString("ERROR");
    } else {
      ProcessGet(tokens, false, false);
    }
  } else if (cmd == "flush_all") {
    if (want_range(2, 4)) ProcessFlushAll(tokens);
  } else if (cmd == "version") {
    std::string response = "VERSION ";
    response.append(kVersion);
    OutString(response);
  } else if (cmd == "quit") {
    Transmit();
    state_ = State::kClosed;
    close_reason_ = "normal";
  } else if (cmd == "verbosity") {
    if (want(3, 4)) ProcessVerbosity(tokens);
  } else if (cmd == "extstore") {
    if (want_range(3, Tokens::kMaxTokens)) ProcessExtstore(tokens);
  } else if (cmd == "refresh_certs") {
    ProcessRefreshCerts(tokens);
  } else if (cmd == "watch") {
    ProcessWatch(tokens);
  } else if (cmd == "lru_crawler") {
    ProcessLruCrawler(tokens);
  } else if (cmd == "lru") {
    if (want_range(3, Tokens::kMaxTokens)) ProcessLru(tokens);
  } else if (tokens[ntokens - 2].starts_with("HTTP/")) {
    Close();
  } else {
    OutString("ERROR");
  }
}

void Session::CountHit(const Item& it, bool touched) {
  CommandCounters& counters = server_.counters();
  if (touched) {
    counters.touch_cmds++;
    counters.slab[it.clsid].touch_hits++;
  } else {
    counters.lru_hits[it.clsid][it.lru]++;
    counters.get_cmds++;
  }
}

void Session::ProcessGet(Tokens& tokens, bool return_cas, bool should_touch) {
  CommandCounters& counters = server_.counters();
  size_t key = 1;
  RelTime exptime = 0;
  if (should_touch) {
    std::optional<int32_t> parsed = ParseI32(tokens[1]);
    if (!parsed) {
      OutString("CLIENT_ERROR invalid exptime argument");
      return;
    }
    key = 2;
    exptime = server_.clock().Realtime(Clock::PositiveExptime(*parsed));
  }
  bool failed = false;
  size_t batch_first = key;
  while (true) {
    for (; key < tokens.count; ++key) {
      // memcached starts a response object for every key after the first
      // of each line's tokenisation.
      if (key != batch_first) StartResponse();
      const std::string_view name = tokens[key];
      if (name.size() > kKeyMaxLength) {
        failed = true;
        break;
      }
      const KeyRef ref = Key(name);
      ItemId id = should_touch ? cache_.Touch(ref, exptime) : cache_.Get(ref, true);
      if (server_.settings().detail_enabled) server_.prefix_stats().RecordGet(name, id != kNoItem);
      if (id == kNoItem) {
        if (should_touch) {
          counters.touch_cmds++;
          counters.touch_misses++;
        } else {
          counters.get_misses++;
          counters.get_cmds++;
        }
        continue;
      }
      const Item& it = cache_.item(id);
      if (Verbose()) {
        server_.verbose_log().Write(">" + std::to_string(fd_) + " sending key " +
                                    std::string(it.key()) + "\n");
      }
      AppendValueHeader(it, return_cas, out_);
      out_->append(it.value());
      CountHit(it, should_touch);
      cache_.Release(id);
    }
    if (failed || !tokens.has_rest) break;
    tokens = Tokens::Split(tokens.rest);
    key = 0;
    batch_first = 0;
    StartResponse();
  }
  if (Verbose()) server_.verbose_log().Write(">" + std::to_string(fd_) + " END\n");
  if (failed) {
    // memcached drops every response it has not transmitted yet.
    DiscardQueued();
    StartResponse();
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  out_->append("END\r\n");
  Transmit();
}

void Session::ProcessUpdate(const Tokens& tokens, StoreCommand comm, bool handle_cas) {
  SetNoreplyMaybe(tokens);
  const std::string_view key = tokens[1];
  if (key.size() > kKeyMaxLength) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  std::optional<uint32_t> flags = ParseU32(tokens[2]);
  std::optional<int32_t> exptime_int = flags ? ParseI32(tokens[3]) : std::nullopt;
  std::optional<int32_t> vlen = exptime_int ? ParseI32(tokens[4]) : std::nullopt;
  if (!vlen) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  const RelTime exptime = server_.clock().Realtime(Clock::PositiveExptime(*exptime_int));
  uint64_t req_cas = 0;
  if (handle_cas) {
    std::optional<uint64_t> parsed = ParseU64(tokens[5]);
    if (!parsed) {
      OutString("CLIENT_ERROR bad command line format");
      return;
    }
    req_cas = *parsed;
  }
  if (*vlen < 0 || *vlen > INT_MAX - 2) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  const uint32_t nbytes = static_cast<uint32_t>(*vlen) + 2;
  if (server_.settings().detail_enabled) server_.prefix_stats().RecordSet(key);

  const KeyRef ref = Key(key);
  ItemId id = cache_.Alloc(ref, *flags, exptime, nbytes);
  if (id != kNoItem && !cache_.AllocChunks(id)) {
    // A chunked item whose data chunks could not be found: memcached reports
    // it while reading the value and swallows the rest.
    cache_.Release(id);
    OutString("SERVER_ERROR Out of memory during read");
    state_ = State::kSwallow;
    swallow_left_ = nbytes;
    return;
  }
  if (id == kNoItem) {
    const bool too_large = !cache_.ItemSizeOk(key.size(), *flags, nbytes);
    if (too_large) {
      OutString("SERVER_ERROR object too large for cache");
      server_.counters().store_too_large++;
    } else {
      OutString("SERVER_ERROR out of memory storing object");
      server_.counters().store_no_memory++;
    }
    cache_.LogStore(key, too_large ? StoreOutcome::kTooLarge : StoreOutcome::kNoMemory, comm,
                    nullptr);
    state_ = State::kSwallow;
    swallow_left_ = nbytes;
    // A failed set must not leave the old value behind.
    if (comm == StoreCommand::kSet) {
      ItemId old = cache_.Get(ref, false);
      if (old != kNoItem) {
        cache_.Unlink(old, ref.hash);
        cache_.Release(old);
      }
    }
    return;
  }
  cache_.item(id).cas = req_cas;
  reading_ = id;
  reading_hash_ = ref.hash;
  reading_comm_ = comm;
  value_filled_ = 0;
  state_ = State::kReadValue;
}

void Session::CompleteValue() {
  const ItemId id = reading_;
  reading_ = kNoItem;
  state_ = State::kCommand;
  Item& it = cache_.item(id);
  server_.counters().slab[it.clsid].set_cmds++;
  if (!it.value().ends_with("\r\n")) {
    if (reading_meta_) noreply_ = false;
    OutString("CLIENT_ERROR bad data chunk");
  } else if (reading_meta_) {
    CompleteMetaSet(id);
  } else {
    switch (cache_.Store(id, reading_hash_, reading_comm_)) {
      case StoreResult::kStored:
        OutString("STORED");
        break;
      case StoreResult::kExists:
        OutString("EXISTS");
        break;
      case StoreResult::kNotFound:
        OutString("NOT_FOUND");
        break;
      case StoreResult::kNotStored:
        OutString("NOT_STORED");
        break;
    }
  }
  reading_meta_ = false;
  cache_.Release(id);
}

void Session::ProcessArithmetic(const Tokens& tokens, bool incr) {
  SetNoreplyMaybe(tokens);
  const std::string_view key = tokens[1];
  if (key.size() > kKeyMaxLength) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  std::optional<uint64_t> delta = ParseU64(tokens[2]);
  if (!delta) {
    OutString("CLIENT_ERROR invalid numeric delta argument");
    return;
  }
  std::string result;
  switch (cache_.AddDelta(Key(key), incr, *delta, &result)) {
    case DeltaResult::kOk:
      OutString(result);
      break;
    case DeltaResult::kNonNumeric:
      OutString("CLIENT_ERROR cannot increment or decrement non-numeric value");
      break;
    case DeltaResult::kOutOfMemory:
      OutString("SERVER_ERROR out of memory");
      break;
    case DeltaResult::kNotFound:
      if (incr) {
        server_.counters().incr_misses++;
      } else {
        server_.counters().decr_misses++;
      }
      OutString("NOT_FOUND");
      break;
    case DeltaResult::kCasMismatch:  // only when a cas is given, as ma does
      break;
  }
}

void Session::ProcessDelete(const Tokens& tokens) {
  const size_t ntokens = tokens.ntokens();
  if (ntokens > 3) {
    const bool hold_is_zero = tokens[2] == "0";
    const bool sets_noreply = SetNoreplyMaybe(tokens);
    const bool valid = (ntokens == 4 && (hold_is_zero || sets_noreply)) ||
                       (ntokens == 5 && hold_is_zero && sets_noreply);
    if (!valid) {
      OutString("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
      return;
    }
  }
  const std::string_view key = tokens[1];
  if (key.size() > kKeyMaxLength) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  if (server_.settings().detail_enabled) server_.prefix_stats().RecordDelete(key);
  const KeyRef ref = Key(key);
  ItemId id = cache_.Get(ref, false);
  if (id == kNoItem) {
    server_.counters().delete_misses++;
    OutString("NOT_FOUND");
    return;
  }
  server_.counters().slab[cache_.item(id).clsid].delete_hits++;
  cache_.Unlink(id, ref.hash);
  cache_.Release(id);
  OutString("DELETED");
}

void Session::ProcessTouch(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  const std::string_view key = tokens[1];
  if (key.size() > kKeyMaxLength) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  std::optional<int32_t> exptime_int = ParseI32(tokens[2]);
  if (!exptime_int) {
    OutString("CLIENT_ERROR invalid exptime argument");
    return;
  }
  const RelTime exptime = server_.clock().Realtime(Clock::PositiveExptime(*exptime_int));
  CommandCounters& counters = server_.counters();
  ItemId id = cache_.Touch(Key(key), exptime);
  counters.touch_cmds++;
  if (id == kNoItem) {
    counters.touch_misses++;
    OutString("NOT_FOUND");
    return;
  }
  counters.slab[cache_.item(id).clsid].touch_hits++;
  OutString("TOUCHED");
  cache_.Release(id);
}

void Session::ProcessFlushAll(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  server_.counters().flush_cmds++;
  if (!server_.settings().flush_enabled) {
    OutString("CLIENT_ERROR flush_all not allowed");
    return;
  }
  int32_t delay = 0;
  if (tokens.ntokens() != (noreply_ ? 3u : 2u)) {
    std::optional<int32_t> parsed = ParseI32(tokens[1]);
    if (!parsed) {
      OutString("CLIENT_ERROR invalid exptime argument");
      return;
    }
    delay = *parsed;
  }
  cache_.FlushAll(delay);
  OutString("OK");
}

void Session::ProcessVerbosity(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  std::optional<uint32_t> level = ParseU32(tokens[1]);
  if (!level) {
    OutString("CLIENT_ERROR bad command line format");
    return;
  }
  server_.settings().verbose = std::min(*level, kMaxVerbosityLevel);
  OutString("OK");
}

// debugtime exists only in memcached's debug builds; the reference always has
// it, so that any client can drive its clock.
void Session::ProcessDebugtime(const Tokens& tokens) {
  Clock& clock = server_.clock();
  const std::string_view arg = tokens[1];
  if (tokens.count >= 2 && arg == "p") {
    clock.Pause();
  } else if (tokens.count >= 2 && arg == "r") {
    clock.Resume();
  } else {
    std::optional<int64_t> delta = tokens.count >= 2 ? ParseI64(arg) : std::nullopt;
    if (!delta) {
      OutString("ERROR");
      return;
    }
    server_.AdvanceClock(*delta);
  }
  OutString("OK");
}

void Session::ProcessShutdown(const Tokens& tokens) {
  if (!server_.settings().shutdown_command) {
    OutString("ERROR: shutdown not enabled");
    return;
  }
  if (tokens.ntokens() == 2 || (tokens.ntokens() == 3 && tokens[1] == "graceful")) {
    server_.RequestShutdown(tokens.ntokens() == 3);
    Close();
    close_reason_ = "shutdown";
    return;
  }
  OutString("CLIENT_ERROR invalid shutdown mode");
}

void Session::ProcessMemlimit(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  std::optional<uint32_t> megabytes = ParseU32(tokens[1]);
  if (!megabytes) {
    OutString("ERROR");
  } else if (*megabytes < 8) {
    OutString("MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m");
  } else if (*megabytes > 1000000000) {
    OutString("MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes");
  } else {
    const uint64_t bytes = uint64_t{*megabytes} * 1024 * 1024;
    server_.settings().maxbytes = bytes;
    cache_.slabs().set_limit(bytes);
    OutString("OK");
  }
}

// `lru tune|mode|temp_ttl`: the segmented LRU's runtime settings.
void Session::ProcessLru(const Tokens& tokens) {
  SetNoreplyMaybe(tokens);
  Settings& settings = server_.settings();
  const std::string_view what = tokens[1];
  const size_t ntokens = tokens.ntokens();
  if (what == "tune" && ntokens >= 7) {
    std::optional<uint32_t> hot = ParseU32(tokens[2]);
    std::optional<uint32_t> warm = hot ? ParseU32(tokens[3]) : std::nullopt;
    std::optional<double> hot_factor = warm ? ParseDouble(tokens[4]) : std::nullopt;
    std::optional<double> warm_factor = hot_factor ? ParseDouble(tokens[5]) : std::nullopt;
    if (!warm_factor) {
      OutString("ERROR");
    } else if (*hot + *warm > 80) {
      OutString("ERROR hot and warm pcts must not exceed 80");
    } else if (*warm_factor <= 0 || *hot_factor <= 0) {
      OutString("ERROR hot/warm age factors must be greater than 0");
    } else {
      settings.hot_lru_pct = *hot;
      settings.warm_lru_pct = *warm;
      settings.hot_max_factor = *hot_factor;
      settings.warm_max_factor = *warm_factor;
      OutString("OK");
    }
  } else if (what == "mode" && ntokens >= 4 && settings.lru_maintainer_thread) {
    if (tokens[2] == "flat" || tokens[2] == "segmented") {
      settings.lru_segmented = tokens[2] == "segmented";
      OutString("OK");
    } else {
      OutString("ERROR");
    }
  } else if (what == "temp_ttl" && ntokens >= 4 && settings.lru_maintainer_thread) {
    std::optional<int32_t> ttl = ParseI32(tokens[2]);
    if (!ttl) {
      OutString("ERROR");
    } else {
      settings.temp_lru = *ttl >= 0;
      if (*ttl >= 0) settings.temporary_ttl = static_cast<uint32_t>(*ttl);
      OutString("OK");
    }
  } else {
    OutString("ERROR");
  }
}

void Session::ProcessStats(const Tokens& tokens) {
  const std::string_view subcommand = tokens[1];
  std::string report;
  if (tokens.ntokens() == 2) {
    AppendGeneralStats(server_, &report);
  } else if (subcommand == "reset") {
    server_.ResetStats();
    OutString("RESET");
    return;
  } else if (subcommand == "detail") {
    const std::string_view action = tokens.ntokens() < 4 ? std::string_view() : tokens[2];
    if (action == "on" || action == "off") {
      server_.settings().detail_enabled = action == "on";
      OutString("OK");
    } else if (action == "dump") {
      server_.prefix_stats().Dump(out_);
    } else {
      OutString("CLIENT_ERROR usage: stats detail on|off|dump");
    }
    return;
  } else if (subcommand == "conns") {
    server_.AppendConnsStats(this, &report);
  } else if (subcommand == "settings") {
    AppendSettingsStats(server_, &report);
  } else if (subcommand == "cachedump") {
    if (tokens.ntokens() < 5) {
      OutString("CLIENT_ERROR bad command line");
      return;
    }
    std::optional<uint32_t> id = ParseU32(tokens[2]);
    std::optional<uint32_t> limit = id ? ParseU32(tokens[3]) : std::nullopt;
    if (!limit) {
      OutString("CLIENT_ERROR bad command line format");
      return;
    }
    if (*id >= kMaxSlabClasses) {
      OutString("CLIENT_ERROR Illegal slab id");
      return;
    }
    cache_.AppendCachedump(static_cast<int>(*id), *limit, server_.clock().process_started(), out_);
    return;
  } else if (subcommand == "extstore") {
    // Debian's memcached is built with extstore; without a store configured
    // the family is empty.
  } else if (subcommand == "items") {
    AppendItemsStats(server_, &report);
  } else if (subcommand == "slabs") {
    AppendSlabsStats(server_, &report);
  } else if (subcommand == "memory") {
    // An extension (memcached 1.6.18 answers ERROR): Redis's MEMORY STATS.
    AppendMemoryStats(server_, &report);
  } else if (subcommand == "sizes") {
    cache_.AppendSizes(out_);
    return;
  } else if (subcommand == "sizes_enable") {
    cache_.EnableSizes(out_);  // memcached sends no END here
    return;
  } else if (subcommand == "sizes_disable") {
    cache_.DisableSizes(out_);
    return;
  } else {
    OutString("ERROR");
    return;
  }
  report.append("END\r\n");
  out_->append(report);
}

}  // namespace mcspec::ref
