// A run's fingerprint: a hash of every event the simulation records (bytes
// the server received and sent; clients' writes and reads, by time and
// connection; executions, clock jumps, evictions), each with its virtual
// time. Two runs of one seed must
// give the same sequence of event hashes; `--check-determinism` compares
// them and names the first event that differs.
#ifndef MCSPEC_SIM_FINGERPRINT_H_
#define MCSPEC_SIM_FINGERPRINT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::sim {

// The hash step of a fingerprint.
constexpr uint64_t FingerprintMix(uint64_t h, uint64_t word) {
  h = (h ^ word) * 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

// An event's kind: a name given as a literal, whose hash
// (Fingerprint::HashBytes(name, 0)) is worked out at compile time.
class EventKind {
 public:
  template <size_t N>
  consteval EventKind(const char (&name)[N])  // NOLINT: implicit, from a literal
      : name_(name, N - 1), hash_(Hash(name_)) {}

  std::string_view name() const { return name_; }
  uint64_t hash() const { return hash_; }

 private:
  // HashBytes for names shorter than its 32-byte stripes, one byte at a time
  // (little-endian words, as HashBytes reads them).
  static constexpr uint64_t Hash(std::string_view name) {
    if (name.size() >= 32) throw "an event kind's name must be shorter than 32 bytes";
    uint64_t h = FingerprintMix(0, name.size());
    uint64_t word = 0;
    for (size_t i = 0; i < name.size(); ++i) {
      word |= uint64_t{static_cast<uint8_t>(name[i])} << (8 * (i % 8));
      if (i % 8 == 7) {
        h = FingerprintMix(h, word);
        word = 0;
      }
    }
    return FingerprintMix(h, word);
  }

  std::string_view name_;
  uint64_t hash_;
};

class Fingerprint {
 public:
  // Keeps each event's hash (for a later comparison).
  void KeepHashes() {
    keep_ = true;
    UpdateWatched();
  }
  // Compares each event's hash with `expected` as it is recorded; the first
  // that differs (or runs past its end) is described.
  void CompareWith(const std::vector<uint64_t>* expected) {
    expected_ = expected;
    UpdateWatched();
  }
  // Describes event number `index` when it is recorded.
  void DescribeEvent(int64_t index) {
    describe_ = index;
    UpdateWatched();
  }
  // Writes every event to `log` as it is recorded: "index hash description",
  // one a line, so that runs built apart (other compilers) can be compared.
  void LogEvents(std::ostream* log) {
    log_ = log;
    UpdateWatched();
  }

  // Defined here: the simulator records several events an operation, most
  // of them only mixed into the value.
  void Record(EventKind kind, int64_t time, uint64_t id, std::string_view bytes) {
    const uint64_t h = HashBytes(
        bytes, FingerprintMix(FingerprintMix(kind.hash(), static_cast<uint64_t>(time)), id));
    value_ = FingerprintMix(value_, h);
    const auto index = static_cast<int64_t>(count_++);
    if (watched_) Watch(kind, time, id, bytes, index, h);
  }

  uint64_t value() const { return value_; }
  uint64_t events() const { return count_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }
  // The first event that differed from the comparison (-1: none yet), and
  // the description of the event asked for or of the one that differed.
  int64_t first_difference() const { return first_difference_; }
  const std::string& description() const { return description_; }

  // Many events carry no bytes: their hash is two steps, here.
  static uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
    if (bytes.empty()) return FingerprintMix(FingerprintMix(seed, 0), 0);
    return HashSomeBytes(bytes, seed);
  }
  static std::string Describe(std::string_view kind, int64_t time, uint64_t id,
                              std::string_view bytes);

 private:
  static uint64_t HashSomeBytes(std::string_view bytes, uint64_t seed);
  void UpdateWatched() {
    watched_ = keep_ || expected_ != nullptr || describe_ >= 0 || log_ != nullptr;
  }
  // Keeps, compares, describes and logs event `index`, of hash `h`, as asked.
  void Watch(EventKind kind, int64_t time, uint64_t id, std::string_view bytes, int64_t index,
             uint64_t h);

  uint64_t value_ = 0;
  uint64_t count_ = 0;
  bool watched_ = false;  // any of the following asked for
  bool keep_ = false;
  std::vector<uint64_t> hashes_;
  const std::vector<uint64_t>* expected_ = nullptr;
  int64_t describe_ = -1;
  std::ostream* log_ = nullptr;
  int64_t first_difference_ = -1;
  std::string description_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_FINGERPRINT_H_
