#include "workload.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mcspec::sim {
namespace {

void AppendDecimal(uint64_t n, std::string* out) {
  char digits[20];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  (void)ec;
  out->append(digits, end);
}

}  // namespace

void KnownCasUniques::Remember(uint32_t key, uint64_t cas) {
  for (auto& [known_key, known_cas] : entries_) {
    if (known_key == key) {
      known_cas = cas;
      return;
    }
  }
  if (entries_.size() < kCapacity) {
    entries_.emplace_back(key, cas);
  } else {
    entries_[next_] = {key, cas};
    next_ = (next_ + 1) % kCapacity;
  }
}

Workload::Workload(const SwarmParameters& params, BufferPool* buffers)
    : params_(params), buffers_(buffers) {
  pattern_.resize(params.max_value_size + kPatternPeriod);
  for (size_t i = 0; i < pattern_.size(); ++i) {
    pattern_[i] = static_cast<char>('a' + i % kPatternPeriod);
  }
  if (params.zipf) zipf_ = std::make_unique<ZipfDistribution>(params.key_count, params.zipf_s);
  for (size_t kind = 0; kind < params.op_weights.size(); ++kind) {
    kind_of_pick_.insert(kind_of_pick_.end(), params.op_weights[kind], static_cast<OpKind>(kind));
  }
}

std::string Workload::KeyName(uint32_t index) {
  std::string key;
  NameKey(index, &key);
  return key;
}

void Workload::NameKey(uint32_t index, std::string* key) {
  // Written in place, backwards from the end of the name, two digits a
  // division: a key of the same length as the last one written there (the
  // common case) takes no call to resize or assign.
  static constexpr char kDigitPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  size_t digits = 1;
  for (uint64_t bound = 10; digits < 10 && index >= bound; bound *= 10) ++digits;
  if (key->size() != digits + 1) key->resize(digits + 1);
  char* first = key->data() + digits + 1;
  while (index >= 100) {
    first -= 2;
    std::memcpy(first, kDigitPairs + 2 * size_t{index % 100}, 2);
    index /= 100;
  }
  if (index >= 10) {
    first -= 2;
    std::memcpy(first, kDigitPairs + 2 * size_t{index}, 2);
  } else {
    *--first = static_cast<char>('0' + index);
  }
  *--first = 'k';
}

uint32_t Workload::KeyIndex(std::string_view key) {
  uint32_t index = 0;
  std::from_chars(key.data() + 1, key.data() + key.size(), index);
  return index;
}

uint32_t Workload::DrawKey(Prng& prng) const {
  return static_cast<uint32_t>(zipf_ ? zipf_->Draw(prng) : prng.Below(params_.key_count));
}

void Workload::DrawValue(Prng& prng, std::string* value) {
  value->clear();
  if (prng.Bernoulli(params_.numeric_values)) {
    // Small numbers, and now and then one near the top of uint64.
    AppendDecimal(prng.Bernoulli(0.05) ? UINT64_MAX - prng.Below(100) : prng.Below(1000), value);
    return;
  }
  const auto size = static_cast<size_t>(
      prng.LogUniform(params_.min_value_size + 1, params_.max_value_size + 1) - 1);
  if (buffers_ != nullptr) buffers_->Reserve(size, value);
  // A value names where it came from, then repeats a letter pattern: cheap
  // to make, and two values of the same size still differ.
  char head[24] = {'v'};
  char* end = std::to_chars(head + 1, head + sizeof(head) - 1, ++values_made_).ptr;
  *end++ = ':';
  const auto head_size = static_cast<size_t>(end - head);
  if (head_size >= size) {
    value->assign(head, size);
    return;
  }
  const size_t offset = prng.Below(kPatternPeriod);
  value->assign(head, head_size);
  value->append(pattern_.data() + offset, size - head_size);
}

int64_t Workload::DrawExptime(Prng& prng, const ClientView& view) const {
  if (!prng.Bernoulli(params_.ttl_share)) return 0;
  if (prng.Bernoulli(params_.negative_ttl_share)) return -1;
  const auto ttl = static_cast<int64_t>(prng.Range(1, params_.max_ttl));
  if (prng.Bernoulli(params_.absolute_ttl_share)) return view.unix_now + ttl;
  return ttl;
}

void Workload::DrawBadInput(Prng& prng, Operation* op) const {
  // Requests whose reply memcached 1.6.18 fixes, which change nothing and
  // leave the connection reading the next request.
  const std::string key = KeyName(DrawKey(prng));
  switch (prng.Below(6)) {
    case 0:
      op->bad_request = "bogus_command " + key + "\r\n";
      op->expected_error = "ERROR";
      break;
    case 1:
      op->bad_request = "get " + std::string(251, 'x') + "\r\n";
      op->expected_error = "CLIENT_ERROR bad command line format";
      break;
    case 2:
      op->bad_request = "incr " + key + " notanumber\r\n";
      op->expected_error = "CLIENT_ERROR invalid numeric delta argument";
      break;
    case 3:
      op->bad_request = "set " + key + " 0 0 notalength\r\n";
      op->expected_error = "CLIENT_ERROR bad command line format";
      break;
    case 4:
      op->bad_request = "touch " + key + " soon\r\n";
      op->expected_error = "CLIENT_ERROR invalid exptime argument";
      break;
    default:
      op->bad_request = "delete " + key + " 5\r\n";
      op->expected_error = "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]";
      break;
  }
}

Operation Workload::Next(Prng& prng, const ClientView& view) {
  Operation op;
  Next(prng, view, &op);
  return op;
}

void Workload::Next(Prng& prng, const ClientView& view, Operation* out) {
  Operation& op = *out;
  // Every field is written; the keys' strings are kept for the new names.
  op.value.clear();
  op.flags = 0;
  op.exptime = 0;
  op.delta = 0;
  op.cas = 0;
  op.noreply = false;
  op.bad_request.clear();
  op.expected_error.clear();
  op.kind = kind_of_pick_[prng.Below(kind_of_pick_.size())];
  if (op.kind == OpKind::kCas && (view.known_cas == nullptr || view.known_cas->empty())) {
    op.kind = OpKind::kGets;  // no unique to race with yet: fetch one
  }
  switch (op.kind) {
    case OpKind::kGet:
    case OpKind::kGets: {
      const auto n = static_cast<size_t>(prng.Range(1, params_.max_multiget));
      op.keys.resize(n);
      for (std::string& key : op.keys) NameKey(DrawKey(prng), &key);
      return;
    }
    case OpKind::kCas: {
      // A unique this client saw, for a key it fetched: a race with writers.
      const auto& [key, cas] = (*view.known_cas)[prng.Below(view.known_cas->size())];
      op.keys.resize(1);
      NameKey(key, &op.keys.front());
      op.cas = cas;
      break;
    }
    case OpKind::kFlushAll:
      op.keys.clear();
      op.exptime = params_.max_flush_delay > 0 && prng.Bernoulli(0.7)
                       ? prng.Range(1, params_.max_flush_delay)
                       : 0;
      op.noreply = prng.Bernoulli(params_.noreply_share);
      return;
    case OpKind::kBadInput:
      op.keys.clear();
      DrawBadInput(prng, &op);
      return;
    default:
      op.keys.resize(1);
      NameKey(DrawKey(prng), &op.keys.front());
      break;
  }
  if (IsStorage(op.kind)) {
    DrawValue(prng, &op.value);
    op.flags = prng.Bernoulli(0.2) ? static_cast<uint32_t>(prng.Next()) : 0;
    op.exptime = DrawExptime(prng, view);
  } else if (op.kind == OpKind::kTouch) {
    op.exptime = DrawExptime(prng, view);
  } else if (op.kind == OpKind::kIncr || op.kind == OpKind::kDecr) {
    op.delta = prng.Bernoulli(0.02) ? prng.Next() : prng.Below(20);
  }
  op.noreply = prng.Bernoulli(params_.noreply_share);
}

}  // namespace mcspec::sim
