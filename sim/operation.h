// The text-protocol operations mcsim's clients issue: how each is written on
// the wire, and the reply it gets back, parsed incrementally.
//
// Only the classic text commands are used (storage, get/gets with several
// keys, cas, delete, incr/decr, touch, flush_all, with or without noreply),
// plus deliberately bad requests whose exact memcached error is known and
// which change nothing. A reply is what memcached sends for one request: one
// line, or for get/gets the VALUE blocks and the closing END (or one error
// line instead).
#ifndef MCSPEC_SIM_OPERATION_H_
#define MCSPEC_SIM_OPERATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "buffer_pool.h"

namespace mcspec::sim {

enum class OpKind : uint8_t {
  kGet,
  kGets,
  kSet,
  kAdd,
  kReplace,
  kAppend,
  kPrepend,
  kCas,
  kDelete,
  kIncr,
  kDecr,
  kTouch,
  kFlushAll,
  kBadInput,
  // Not requests, but what the server did, as histories record it
  // (history.h, key_model.h): an eviction it reported, and the moment a
  // flush_all took effect.
  kEvict,
  kFlush,
};

// memcached's command word ("get", "flush_all", ...); "bad" for kBadInput,
// "evict" for kEvict, "flush" for kFlush: the operation names of histories
// (history.h).
const char* OpName(OpKind kind);
bool IsStorage(OpKind kind);  // set, add, replace, append, prepend, cas
bool IsRetrieval(OpKind kind);

struct Operation {
  OpKind kind = OpKind::kGet;
  std::vector<std::string> keys;  // get/gets: one or more; flush_all, bad input: none
  std::string value;              // storage
  uint32_t flags = 0;             // storage
  int64_t exptime = 0;            // storage, touch; flush_all: the delay
  uint64_t delta = 0;             // incr, decr
  uint64_t cas = 0;               // cas: the unique sent
  bool noreply = false;
  // kBadInput: the bytes sent (a whole request) and memcached's exact reply line.
  std::string bad_request;
  std::string expected_error;

  const std::string& key() const { return keys.front(); }
};

// Appends the request's bytes (command line and data block) to *out.
void EncodeRequest(const Operation& op, std::string* out);
// Appends its command line only, with its "\r\n" (a storage command's data
// block, `op.value` and "\r\n", follows it on the wire).
void EncodeCommandLine(const Operation& op, std::string* out);
// A one-line description for failure messages: the request line, with a long
// value shortened.
std::string DescribeOperation(const Operation& op);

struct Hit {
  std::string key;
  uint32_t flags = 0;
  std::string value;
  uint64_t cas = 0;  // gets only

  bool operator==(const Hit&) const = default;
};

struct Reply {
  // The reply line without "\r\n": "STORED", "END" after a get's hits, "42",
  // "CLIENT_ERROR ...".
  std::string line;
  std::vector<Hit> hits;  // get/gets, in the order received

  // Field by field (std::swap's three moves cost more).
  void swap(Reply& other) noexcept {
    line.swap(other.line);
    hits.swap(other.hits);
  }
};

// Takes one reply of `kind` from the front of `input`. Returns the bytes it
// used (0: the reply is not complete yet) and fills *reply. A VALUE header
// that does not parse is a protocol error: returns npos with *error set.
// (A ReplyReader given `input` in one piece.)
size_t ParseReply(OpKind kind, std::string_view input, Reply* reply, std::string* error);

// Reads one reply as its bytes arrive, in pieces cut anywhere: a VALUE
// block's data goes straight from each piece into its hit's value (one copy
// however the reply is cut, and nothing read twice); only a line cut
// between pieces is kept aside. However the reply is cut, it gives what it
// gives on the whole reply (ParseReply), errors included.
class ReplyReader {
 public:
  // Starts reading a reply of `kind` into *reply, which is written over as
  // ParseReply writes over it (its buffers reused; a value larger than its
  // buffer takes one from `buffers`, when given).
  void Start(OpKind kind, Reply* reply, BufferPool* buffers = nullptr);
  // Reads from the front of `input`: returns the bytes used (all of them
  // while the reply is incomplete; complete() tells), or npos on a protocol
  // error, with *error set as ParseReply sets it.
  size_t Read(std::string_view input, std::string* error);
  bool complete() const { return state_ == State::kComplete; }

 private:
  enum class State : uint8_t { kLine, kData, kDataEnd, kComplete };
  // A whole line (without its "\r\n"): a hit's header or the last line.
  bool TakeLine(std::string_view line, std::string* error);

  OpKind kind_ = OpKind::kGet;
  Reply* reply_ = nullptr;
  BufferPool* buffers_ = nullptr;
  State state_ = State::kComplete;
  size_t hit_count_ = 0;
  size_t data_left_ = 0;
  std::string partial_;  // a line, or a value's "\r\n", begun in an earlier piece
  // Hits a reply had beyond the next one's, kept for their buffers (the
  // large ones go to the pool).
  std::vector<Hit> spare_hits_;
};

std::string DescribeReply(const Reply& reply);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_OPERATION_H_
