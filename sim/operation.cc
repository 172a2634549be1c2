#include "operation.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "bytes.h"
#include "text_words.h"

namespace mcspec::sim {
namespace {

// At most `limit` bytes of `text` in the suites' escapes, and its length
// when it was cut.
std::string Printable(std::string_view text, size_t limit) {
  std::string out = conformance::EncodeEscapes(text.substr(0, limit));
  if (text.size() > limit) out += "...(" + std::to_string(text.size()) + " bytes)";
  return out;
}

// "VALUE <key> <flags> <bytes>[ <cas>]", single spaces: fills *hit's key,
// flags and cas (0 for get) and *length, or sets *error.
bool ParseValueLine(OpKind kind, std::string_view line, Hit* hit, uint64_t* length,
                    std::string* error) {
  // Split at single spaces by a byte loop (the words are short); `more`:
  // words remain after those taken.
  std::string_view words[5];
  size_t word_count = 0;
  const char* p = line.data();
  const char* const end = p + line.size();
  bool more = p != nullptr;
  while (word_count < 5 && more) {
    const char* const word = p;
    while (p != end && *p != ' ') ++p;
    words[word_count++] = std::string_view(word, static_cast<size_t>(p - word));
    if (p == end) {
      more = false;
    } else {
      ++p;
    }
  }
  const bool with_cas = kind == OpKind::kGets;
  if (more || word_count != (with_cas ? 5u : 4u) || !ParseNumber(words[2], &hit->flags) ||
      !ParseNumber(words[3], length) || (with_cas && !ParseNumber(words[4], &hit->cas))) {
    *error = "malformed VALUE line: " + Printable(line, 200);
    return false;
  }
  hit->key = words[1];
  if (!with_cas) hit->cas = 0;
  return true;
}

std::string NoLineEndAfterValue(const Hit& hit) {
  return "value of " + hit.key + " not followed by \\r\\n";
}

// OpName's words (each a literal, so ending in a NUL), with their sizes.
constexpr std::string_view kCommandWords[] = {
    "get",    "gets", "set",  "add",   "replace",   "append", "prepend", "cas",
    "delete", "incr", "decr", "touch", "flush_all", "bad",    "evict",   "flush"};

constexpr size_t kNumberRoom = 21;  // a space and up to 20 digits, or a sign and 19

// The longest line these fields can make: the command, the keys and their
// spaces, four numbers, " noreply\r\n".
size_t CommandLineRoom(const Operation& op) {
  size_t room = 16 + 4 * kNumberRoom + 16;
  for (const std::string& key : op.keys) room += 1 + key.size();
  return room;
}

// Copies n bytes as copies of constant sizes (compiled inline, where a
// memcpy of a variable size is a call): a key or a command word is short.
inline void CopyShort(char* to, const char* from, size_t n) {
  if (n >= 8 && n <= 16) {
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) to[i] = from[i];
  } else {
    std::memcpy(to, from, n);
  }
}

// Writes `op`'s command line (not kBadInput's) from `p` on, into room for
// CommandLineRoom(op) bytes; returns its end.
char* WriteCommandLine(const Operation& op, char* p) {
  auto put = [&p](std::string_view text) {
    CopyShort(p, text.data(), text.size());
    p += text.size();
  };
  auto put_number = [&p](auto n) {
    *p++ = ' ';
    p = std::to_chars(p, p + kNumberRoom, n).ptr;
  };
  put(kCommandWords[static_cast<int>(op.kind)]);
  switch (op.kind) {
    case OpKind::kGet:
    case OpKind::kGets:
      for (const std::string& key : op.keys) {
        *p++ = ' ';
        put(key);
      }
      break;
    case OpKind::kSet:
    case OpKind::kAdd:
    case OpKind::kReplace:
    case OpKind::kAppend:
    case OpKind::kPrepend:
    case OpKind::kCas:
      *p++ = ' ';
      put(op.key());
      put_number(op.flags);
      put_number(op.exptime);
      put_number(op.value.size());
      if (op.kind == OpKind::kCas) put_number(op.cas);
      break;
    case OpKind::kDelete:
      *p++ = ' ';
      put(op.key());
      break;
    case OpKind::kIncr:
    case OpKind::kDecr:
      *p++ = ' ';
      put(op.key());
      put_number(op.delta);
      break;
    case OpKind::kTouch:
      *p++ = ' ';
      put(op.key());
      put_number(op.exptime);
      break;
    case OpKind::kFlushAll:
      if (op.exptime != 0) put_number(op.exptime);
      break;
    case OpKind::kBadInput:
    case OpKind::kEvict:
    case OpKind::kFlush:
      break;
  }
  if (op.noreply) put(" noreply");
  put("\r\n");
  return p;
}

}  // namespace

const char* OpName(OpKind kind) {
  return kCommandWords[static_cast<int>(kind)].data();
}

bool IsStorage(OpKind kind) {
  return kind >= OpKind::kSet && kind <= OpKind::kCas;
}
bool IsRetrieval(OpKind kind) {
  return kind == OpKind::kGet || kind == OpKind::kGets;
}

void EncodeRequest(const Operation& op, std::string* out) {
  EncodeCommandLine(op, out);
  if (IsStorage(op.kind)) out->append(op.value).append("\r\n");
}

void EncodeCommandLine(const Operation& op, std::string* out) {
  if (op.kind == OpKind::kBadInput) {
    out->append(op.bad_request);
    return;
  }
  // Written at once, not an append per word: on the stack and then copied
  // when it surely fits there, else into room made at the end of *out (its
  // bytes zeroed first), then cut to what was written.
  const size_t room = CommandLineRoom(op);
  char line[512];
  if (room <= sizeof(line)) {
    out->append(line, static_cast<size_t>(WriteCommandLine(op, line) - line));
    return;
  }
  const size_t start = out->size();
  out->resize(start + room);
  out->resize(static_cast<size_t>(WriteCommandLine(op, out->data() + start) - out->data()));
}

std::string DescribeOperation(const Operation& op) {
  std::string request;
  EncodeRequest(op, &request);
  return Printable(request, 200);
}

std::string DescribeReply(const Reply& reply) {
  std::string out;
  for (const Hit& hit : reply.hits) {
    out += "VALUE " + hit.key + " " + std::to_string(hit.flags) + " " +
           std::to_string(hit.value.size()) + " cas=" + std::to_string(hit.cas) + " [" +
           Printable(hit.value, 40) + "] ";
  }
  return out + Printable(reply.line, 200);
}

size_t ParseReply(OpKind kind, std::string_view input, Reply* reply, std::string* error) {
  // The reader's grammar, on bytes that are all there: one parser of replies.
  ReplyReader reader;
  reader.Start(kind, reply);
  const size_t used = reader.Read(input, error);
  if (used == std::string_view::npos || reader.complete()) return used;
  return 0;
}

void ReplyReader::Start(OpKind kind, Reply* reply, BufferPool* buffers) {
  kind_ = kind;
  reply_ = reply;
  buffers_ = buffers;
  state_ = State::kLine;
  hit_count_ = 0;
  data_left_ = 0;
  partial_.clear();
}

bool ReplyReader::TakeLine(std::string_view line, std::string* error) {
  if (!IsRetrieval(kind_) || !line.starts_with("VALUE ")) {
    reply_->line = line;
    while (reply_->hits.size() > hit_count_) {
      spare_hits_.push_back(std::move(reply_->hits.back()));
      reply_->hits.pop_back();
      if (buffers_ != nullptr) buffers_->Recycle(&spare_hits_.back().value);
    }
    state_ = State::kComplete;
    return true;
  }
  if (hit_count_ == reply_->hits.size()) {
    if (spare_hits_.empty()) {
      reply_->hits.emplace_back();
    } else {
      reply_->hits.push_back(std::move(spare_hits_.back()));
      spare_hits_.pop_back();
    }
  }
  Hit& hit = reply_->hits[hit_count_];
  uint64_t length = 0;
  if (!ParseValueLine(kind_, line, &hit, &length, error)) return false;
  // The value's buffer is made large enough at once (from the pool when
  // large), unless the length is beyond any item's: that data may never
  // come, and the buffer then grows as it does.
  constexpr uint64_t kMaxReserved = uint64_t{1} << 26;
  if (buffers_ != nullptr && length <= kMaxReserved) {
    buffers_->Reserve(length, &hit.value);
  } else {
    hit.value.clear();
  }
  data_left_ = length;
  state_ = length > 0 ? State::kData : State::kDataEnd;
  return true;
}

size_t ReplyReader::Read(std::string_view input, std::string* error) {
  size_t pos = 0;
  while (state_ != State::kComplete) {
    const std::string_view rest = input.substr(pos);
    if (rest.empty()) break;
    if (state_ == State::kData) {
      const size_t take = std::min<uint64_t>(data_left_, rest.size());
      reply_->hits[hit_count_].value.append(rest.substr(0, take));
      pos += take;
      data_left_ -= take;
      if (data_left_ == 0) state_ = State::kDataEnd;
      continue;
    }
    if (state_ == State::kDataEnd) {
      if (partial_.empty() && rest.size() >= 2) {
        // The whole "\r\n" in this piece (the common case): read in place.
        if (rest[0] != '\r' || rest[1] != '\n') {
          *error = NoLineEndAfterValue(reply_->hits[hit_count_]);
          return std::string_view::npos;
        }
        pos += 2;
        ++hit_count_;
        state_ = State::kLine;
        continue;
      }
      while (partial_.size() < 2 && pos < input.size()) partial_.push_back(input[pos++]);
      if (partial_.size() < 2) break;
      if (partial_ != "\r\n") {
        *error = NoLineEndAfterValue(reply_->hits[hit_count_]);
        return std::string_view::npos;
      }
      partial_.clear();
      ++hit_count_;
      state_ = State::kLine;
      continue;
    }
    // A line: "\r\n" may be cut between pieces, and the line with it.
    if (partial_.ends_with('\r') && rest.front() == '\n') {
      partial_.pop_back();
      pos += 1;
    } else {
      const size_t eol = rest.find("\r\n");
      if (eol == std::string_view::npos) {
        partial_.append(rest);
        return input.size();
      }
      pos += eol + 2;
      if (partial_.empty()) {
        if (!TakeLine(rest.substr(0, eol), error)) return std::string_view::npos;
        continue;
      }
      partial_.append(rest.substr(0, eol));
    }
    const bool taken = TakeLine(partial_, error);
    partial_.clear();
    if (!taken) return std::string_view::npos;
  }
  return pos;
}

}  // namespace mcspec::sim
