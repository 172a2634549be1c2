// The operations the server executed, in the order it executed them, each
// waiting for its reply before it is checked: the link between the network
// (which sees executions) and the oracle (which needs replies in execution
// order). An operation's reply may arrive long after later operations ran
// (a clogged connection); checking then waits for it, and everything after
// it waits too, so the oracle always sees the true order.
//
// A storage request acts twice: when its command line is read, memcached
// converts the exptime and allocates the item, and a refused allocation is
// answered (SERVER_ERROR) and acted on (a refused set unlinks the old
// value) right then; the store itself happens when the data is complete. So
// a storage operation has two places in the feed: the command line's, where
// a refusal is checked (and, when the reply will never be seen, a set's
// possible unlink is allowed for), and the data's, where the store is.
#ifndef MCSPEC_SIM_EXECUTION_FEED_H_
#define MCSPEC_SIM_EXECUTION_FEED_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "buffer_pool.h"
#include "operation.h"
#include "sequential_oracle.h"

namespace mcspec::sim {

class ExecutionFeed {
 public:
  explicit ExecutionFeed(SequentialOracle& oracle) : oracle_(oracle) {}

  // A new operation, about to be sent; returns its id (1, 2, ...).
  uint64_t Add(Operation op);
  // A new operation, written by the caller in *op, which still holds a
  // finished operation's contents (every field must be set): its buffers are
  // reused, so that a run does not allocate per operation.
  uint64_t AddRecycled(Operation** op);
  // Valid until the next Add or AddRecycled (the records may move).
  const Operation& operation(uint64_t id) const { return At(id).op; }

  // The server read the storage operation's command line at `server_now`.
  void HeaderRead(uint64_t id, uint32_t server_now);
  // The server executed the operation when its clock read `server_now`.
  void Executed(uint64_t id, uint32_t server_now);
  // The server evicted `key` (before whatever executes next).
  void Evicted(std::string key);
  // The operation's reply arrived: *reply is taken, and left holding a
  // finished reply's contents, whose buffers a caller may parse the next
  // reply into (ParseReply writes over every field).
  void Replied(uint64_t id, Reply* reply);
  // No reply will be seen (noreply, or the connection died).
  void NoReply(uint64_t id);
  // The operation will never execute (it never reached the server whole).
  void Dropped(uint64_t id);

  // Whether the operation is certain never to run: dropped before the
  // server read any of it (a storage command's line read may already act).
  bool NeverRuns(uint64_t id) const {
    const Record& record = At(id);
    return record.finished && !record.executed && !record.header_read;
  }

  // Whether the operation ran or is certain never to run (records already
  // dropped from the feed were).
  bool Settled(uint64_t id) const {
    if (id < first_id_) return true;
    const Record& record = At(id);
    return record.executed || record.finished;
  }

  // The first failure found (the oracle's, or a reply for an operation that
  // never executed); checking stops there.
  const std::optional<std::string>& failure() const { return failure_; }
  uint64_t checked() const { return checked_; }
  uint64_t evictions() const { return evictions_; }
  // Entries not yet checked (0 at the end of a complete run).
  size_t waiting() const { return entries_.size(); }

  // Where finished records leave their large buffers, for the next
  // operations' values and replies to take (Workload, ReplyReader).
  BufferPool& buffers() { return buffers_; }

 private:
  enum class Outcome : uint8_t { kPending, kReplied, kNoReply };
  struct Record {
    Operation op;
    Reply reply;
    Outcome outcome = Outcome::kPending;
    bool header_read = false;
    bool executed = false;
    bool refused_at_header = false;  // checked at its command line
    bool finished = false;           // checked, or certain never to execute
    uint32_t entries = 0;            // its entries still in the feed
    uint32_t header_now = 0;
  };
  enum class EntryKind : uint8_t { kHeader, kExecuted, kEviction };
  struct Entry {  // 16 bytes
    uint64_t id;
    uint32_t server_now;
    EntryKind kind;
  };

  Record& At(uint64_t id) { return *ring_[(head_ + (id - first_id_)) & (ring_.size() - 1)]; }
  const Record& At(uint64_t id) const {
    return *ring_[(head_ + (id - first_id_)) & (ring_.size() - 1)];
  }
  Record& PushRecord();
  void PopRecord();
  // False when the entry must wait for its operation's reply.
  bool Check(const Entry& entry);
  // Checks the entries from the front until one must wait (or a failure),
  // then lets go of the records no longer used. Between calls, the front
  // entry (if any) waits for its reply, or a failure stopped checking.
  void Pump();
  // Queues an entry (checked at once when it is the only one).
  void Append(const Entry& entry);

  SequentialOracle& oracle_;
  // The live records from id first_id_ (at head_) on, a ring whose size is a
  // power of two. A finished record goes to `free_records_`, and the next
  // operation takes the one finished last, its buffers reused while they are
  // still in the cache (a ring's slot comes back only after a whole turn,
  // thousands of operations after a long clog made it grow).
  std::vector<Record*> ring_;
  std::vector<Record*> free_records_;
  std::vector<std::unique_ptr<Record>> records_;  // all of them
  size_t head_ = 0;
  size_t live_ = 0;
  uint64_t first_id_ = 1;
  std::deque<Entry> entries_;
  std::deque<std::string> evicted_keys_;  // of the eviction entries, in order
  std::optional<std::string> failure_;
  uint64_t checked_ = 0;
  uint64_t evictions_ = 0;
  BufferPool buffers_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_EXECUTION_FEED_H_
