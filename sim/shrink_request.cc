#include "shrink_request.h"

#include <charconv>
#include <string>
#include <vector>

#include "text_words.h"

namespace mcspec::sim {
namespace {

// memcached's keys: at most 250 bytes, no control characters (a longer
// key makes the request one of mcsim's bad ones).
bool ValidKey(std::string_view key) {
  constexpr size_t kKeyMaxLength = 250;
  if (key.empty() || key.size() > kKeyMaxLength) return false;
  for (const char c : key) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  return true;
}

bool KindOf(std::string_view name, OpKind* kind) {
  for (int k = 0; k < static_cast<int>(OpKind::kBadInput); ++k) {
    if (name == OpName(static_cast<OpKind>(k))) {
      *kind = static_cast<OpKind>(k);
      return true;
    }
  }
  return false;
}

// Fills *op from the command line's words (after the command name); the
// round trip through EncodeRequest rejects whatever this accepts loosely.
bool ParseWords(std::vector<std::string_view> words, std::string_view rest, Operation* op) {
  if (!words.empty() && words.back() == "noreply") {
    op->noreply = true;
    words.pop_back();
  }
  auto key = [&](size_t i) { op->keys.emplace_back(words[i]); };
  if (op->kind != OpKind::kFlushAll && (words.empty() || !ValidKey(words[0]))) return false;
  if (IsRetrieval(op->kind)) {
    for (std::string_view word : words) {
      if (!ValidKey(word)) return false;
    }
  }
  switch (op->kind) {
    case OpKind::kGet:
    case OpKind::kGets:
      if (words.empty() || op->noreply) return false;
      for (size_t i = 0; i < words.size(); ++i) key(i);
      return true;
    case OpKind::kSet:
    case OpKind::kAdd:
    case OpKind::kReplace:
    case OpKind::kAppend:
    case OpKind::kPrepend:
    case OpKind::kCas: {
      const size_t count = op->kind == OpKind::kCas ? 5 : 4;
      size_t length = 0;
      if (words.size() != count || !ParseNumber(words[1], &op->flags) ||
          !ParseNumber(words[2], &op->exptime) || !ParseNumber(words[3], &length) ||
          (op->kind == OpKind::kCas && !ParseNumber(words[4], &op->cas))) {
        return false;
      }
      key(0);
      if (rest.size() != length + 2 || !rest.ends_with("\r\n")) return false;
      op->value = rest.substr(0, length);
      return true;
    }
    case OpKind::kDelete:
      if (words.size() != 1) return false;
      key(0);
      return true;
    case OpKind::kIncr:
    case OpKind::kDecr:
      if (words.size() != 2 || !ParseNumber(words[1], &op->delta)) return false;
      key(0);
      return true;
    case OpKind::kTouch:
      if (words.size() != 2 || !ParseNumber(words[1], &op->exptime)) return false;
      key(0);
      return true;
    case OpKind::kFlushAll:
      if (words.size() > 1 || (words.size() == 1 && !ParseNumber(words[0], &op->exptime))) {
        return false;
      }
      return true;
    case OpKind::kBadInput:
    case OpKind::kEvict:  // the server's doing, never a request
    case OpKind::kFlush:
      return false;
  }
  return false;
}

}  // namespace

bool ParseRequest(std::string_view bytes, Operation* op) {
  const size_t eol = bytes.find("\r\n");
  if (eol == std::string_view::npos) return false;
  std::vector<std::string_view> words = Words(bytes.substr(0, eol));
  Operation parsed;
  if (!KindOf(words.front(), &parsed.kind)) return false;
  words.erase(words.begin());
  if (!ParseWords(std::move(words), bytes.substr(eol + 2), &parsed)) return false;
  std::string encoded;
  EncodeRequest(parsed, &encoded);
  if (encoded != bytes) return false;
  *op = std::move(parsed);
  return true;
}

}  // namespace mcspec::sim
