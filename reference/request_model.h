// A small model of memcached 1.6.18's text protocol, written from the protocol
// notes rather than from the reference code, to check the reference against:
// the property tests (model_test.cc) and the differential fuzzer
// (fuzz/differential_fuzzer.cc) send the same bytes to both. Test support
// only; not part of the reference library.
//
// The model covers the storage commands, get/gets/gat/gats, delete,
// incr/decr, touch, flush_all (with memcached's oldest_live/oldest_cas rule),
// verbosity, version, debugtime, unknown commands and malformed lines, with
// expiry on a virtual clock. It knows nothing of memory: nothing is ever
// evicted or reclaimed, so it holds only for inputs without memory pressure,
// and, like memcached without its LRU maintainer, it removes an expired or
// flushed item only when a request meets it. `Covers` says which requests
// it can answer at all.
#ifndef MCSPEC_REFERENCE_REQUEST_MODEL_H_
#define MCSPEC_REFERENCE_REQUEST_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::ref {

class RequestModel {
 public:
  // `process_started`: the unix time the server started, which absolute
  // exptimes are taken relative to.
  explicit RequestModel(int64_t process_started);

  // Feeds bytes the client sent and returns the bytes memcached answers to
  // the requests they complete. A partial request is kept for the next call;
  // like memcached, a storage command's exptime is read when its line
  // arrives, the rest of it happens when its data block is complete.
  std::string Receive(std::string_view bytes);

  // Moves the virtual clock, as the server's clock moves between reads.
  void AdvanceClock(uint32_t seconds) { now_ += seconds; }

  // The cas of the item a client would see under `key`, without the side
  // effect of a real lookup.
  std::optional<uint64_t> VisibleCas(std::string_view key) const;

  // The size of the first request in `input`: its line with the '\n' and,
  // when the line is a well-formed storage command, its data block; nullopt
  // while it is incomplete. It depends on the bytes alone.
  static std::optional<size_t> RequestSize(std::string_view input);

  // Whether the model knows memcached's answer to `request` (one complete
  // request, as RequestSize cuts it). It does not for commands it does not
  // model (stats, meta commands, quit, ...), requests that close the
  // connection, lines over memcached's 2048-byte limit for an unfinished
  // line, values too large to be sure they fit an item, and debugtime other
  // than a plain number of seconds. `replies_queued`: earlier requests of the
  // same read have replies not yet transmitted, which memcached drops when a
  // multi-get fails on a too-long key (the model does not know memcached's
  // transmission points).
  static bool Covers(std::string_view request, bool replies_queued);

 private:
  struct Item {
    std::string value;
    uint32_t flags = 0;
    uint32_t exptime = 0;  // virtual seconds; 0 never expires
    uint32_t stored_at = 0;
    uint64_t cas = 0;
  };
  // A storage command whose line was accepted: what it needs once its data
  // block is there.
  struct PendingStore {
    std::string command;
    std::string key;
    uint32_t flags;
    uint32_t exptime;  // virtual, computed when the line arrived
    uint64_t unique;
    size_t block_size;  // the value and its "\r\n"
    bool noreply;
  };

  std::string Execute(const std::vector<std::string_view>& words);
  uint32_t ToVirtualTime(int32_t exptime) const;
  bool IsFlushed(const Item& item) const;
  bool IsGone(const Item& item) const;
  Item* Find(std::string_view key);
  void Link(std::string_view key, std::string value, uint32_t flags, uint32_t exptime);
  std::string StartStore(const std::vector<std::string_view>& words);
  std::string CompleteStore(std::string_view block);
  std::string Retrieve(const std::vector<std::string_view>& words, bool with_cas, bool touch);
  std::string Arithmetic(const std::vector<std::string_view>& words, bool incr);
  std::string Delete(const std::vector<std::string_view>& words);
  std::string Touch(const std::vector<std::string_view>& words);
  std::string FlushAll(const std::vector<std::string_view>& words);
  std::string Verbosity(const std::vector<std::string_view>& words);

  int64_t process_started_;
  std::string pending_input_;
  std::optional<PendingStore> pending_store_;
  std::map<std::string, Item, std::less<>> items_;
  uint32_t now_;
  uint64_t last_cas_ = 0;
  uint32_t oldest_live_ = 0;
  uint64_t oldest_cas_ = 0;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_REQUEST_MODEL_H_
