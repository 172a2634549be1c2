#include "execution_feed.h"

#include <algorithm>
#include <utility>

namespace mcspec::sim {
namespace {

bool IsServerError(const Reply& reply) {
  return reply.line.starts_with("SERVER_ERROR");
}

}  // namespace

ExecutionFeed::Record& ExecutionFeed::PushRecord() {
  if (live_ == ring_.size()) {
    std::vector<Record*> grown(std::max<size_t>(16, 2 * ring_.size()));
    for (size_t i = 0; i < live_; ++i) grown[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(grown);
    head_ = 0;
  }
  if (free_records_.empty()) {
    records_.push_back(std::make_unique<Record>());
    free_records_.push_back(records_.back().get());
  }
  Record& record = *free_records_.back();
  free_records_.pop_back();
  ring_[(head_ + live_++) & (ring_.size() - 1)] = &record;
  record.outcome = Outcome::kPending;
  record.header_read = false;
  record.executed = false;
  record.refused_at_header = false;
  record.finished = false;
  record.entries = 0;
  record.header_now = 0;
  return record;
}

void ExecutionFeed::PopRecord() {
  // Small buffers stay with the record, for the next operation written
  // into it; large ones go to the pool, for the next large value.
  Record& record = *ring_[head_];
  buffers_.Recycle(&record.op.value);
  for (Hit& hit : record.reply.hits) buffers_.Recycle(&hit.value);
  free_records_.push_back(&record);
  head_ = (head_ + 1) & (ring_.size() - 1);
  live_--;
  first_id_++;
}

uint64_t ExecutionFeed::Add(Operation op) {
  PushRecord().op = std::move(op);
  return first_id_ + live_ - 1;
}

uint64_t ExecutionFeed::AddRecycled(Operation** op) {
  *op = &PushRecord().op;
  return first_id_ + live_ - 1;
}

void ExecutionFeed::Append(const Entry& entry) {
  // Behind an entry that waits, the new one waits too, and nothing else
  // changed that Pump reads: only an entry at the front is checked now.
  const bool front = entries_.empty();
  entries_.push_back(entry);
  if (front) Pump();
}

void ExecutionFeed::HeaderRead(uint64_t id, uint32_t server_now) {
  Record& record = At(id);
  record.header_now = server_now;
  record.header_read = true;
  record.entries++;
  Append(Entry{id, server_now, EntryKind::kHeader});
}

void ExecutionFeed::Executed(uint64_t id, uint32_t server_now) {
  Record& record = At(id);
  oracle_.Prefetch(record.op);
  record.executed = true;
  if (!record.header_read) record.header_now = server_now;  // read in one piece
  record.entries++;
  Append(Entry{id, server_now, EntryKind::kExecuted});
}

void ExecutionFeed::Evicted(std::string key) {
  evictions_++;
  evicted_keys_.push_back(std::move(key));
  Append(Entry{0, 0, EntryKind::kEviction});
}

void ExecutionFeed::Replied(uint64_t id, Reply* reply) {
  Record& record = At(id);
  if (!record.executed && !record.header_read && !failure_) {
    failure_ = "a reply to `" + DescribeOperation(record.op) +
               "`, which the server never received whole: " + DescribeReply(*reply);
  }
  record.reply.swap(*reply);
  record.outcome = Outcome::kReplied;
  Pump();
}

void ExecutionFeed::NoReply(uint64_t id) {
  At(id).outcome = Outcome::kNoReply;
  Pump();
}

void ExecutionFeed::Dropped(uint64_t id) {
  At(id).finished = true;
  Pump();
}

bool ExecutionFeed::Check(const Entry& entry) {
  if (entry.kind == EntryKind::kEviction) {
    failure_ = oracle_.Evicted(evicted_keys_.front());
    evicted_keys_.pop_front();
    return true;
  }
  Record& record = At(entry.id);
  if (record.outcome == Outcome::kPending) return false;
  const Reply* reply = record.outcome == Outcome::kReplied ? &record.reply : nullptr;
  if (entry.kind == EntryKind::kHeader) {
    if (reply != nullptr && IsServerError(*reply)) {
      record.refused_at_header = true;
      failure_ = oracle_.Execute(record.op, entry.server_now, reply, entry.server_now);
      checked_++;
    } else if (reply == nullptr && record.op.kind == OpKind::kSet) {
      oracle_.MayBeUnlinked(record.op.key());
    }
  } else if (!record.refused_at_header) {
    // The last use of the operation's value: the client is done with it
    // (its reply or its NoReply came), and this is its last entry.
    failure_ = oracle_.ExecuteLastUse(&record.op, entry.server_now, reply, record.header_now);
    checked_++;
  }
  if (entry.kind == EntryKind::kExecuted) record.finished = true;
  record.entries--;
  return true;
}

void ExecutionFeed::Pump() {
  while (!entries_.empty() && !failure_ && Check(entries_.front())) entries_.pop_front();
  // Records are kept while an entry or the client may still use them.
  while (live_ > 0 && ring_[head_]->finished && ring_[head_]->entries == 0 &&
         ring_[head_]->outcome != Outcome::kPending) {
    PopRecord();
  }
}

}  // namespace mcspec::sim
