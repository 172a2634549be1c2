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

class Fingerprint {
 public:
  // Keeps each event's hash (for a later comparison).
  void KeepHashes() { keep_ = true; }
  // Compares each event's hash with `expected` as it is recorded; the first
  // that differs (or runs past its end) is described.
  void CompareWith(const std::vector<uint64_t>* expected) { expected_ = expected; }
  // Describes event number `index` when it is recorded.
  void DescribeEvent(int64_t index) { describe_ = index; }
  // Writes every event to `log` as it is recorded: "index hash description",
  // one a line, so that runs built apart (other compilers) can be compared.
  void LogEvents(std::ostream* log) { log_ = log; }

  void Record(std::string_view kind, int64_t time, uint64_t id, std::string_view bytes);

  uint64_t value() const { return value_; }
  uint64_t events() const { return count_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }
  // The first event that differed from the comparison (-1: none yet), and
  // the description of the event asked for or of the one that differed.
  int64_t first_difference() const { return first_difference_; }
  const std::string& description() const { return description_; }

  static uint64_t HashBytes(std::string_view bytes, uint64_t seed);
  static std::string Describe(std::string_view kind, int64_t time, uint64_t id,
                              std::string_view bytes);

 private:
  uint64_t value_ = 0;
  uint64_t count_ = 0;
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
