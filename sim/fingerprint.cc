#include "fingerprint.h"

#include <cstdio>
#include <cstring>

namespace mcspec::sim {
namespace {

constexpr uint64_t Mix(uint64_t h, uint64_t word) {
  return FingerprintMix(h, word);
}

}  // namespace

uint64_t Fingerprint::HashBytes(std::string_view bytes, uint64_t seed) {
  uint64_t h = Mix(seed, bytes.size());
  size_t i = 0;
  if (bytes.size() >= 32) {
    // Four independent lanes, so that long values hash at memory speed.
    uint64_t lanes[4] = {h, h ^ 1, h ^ 2, h ^ 3};
    for (; i + 32 <= bytes.size(); i += 32) {
      for (int lane = 0; lane < 4; ++lane) {
        uint64_t word;
        std::memcpy(&word, bytes.data() + i + 8 * lane, 8);
        lanes[lane] = (lanes[lane] ^ word) * 0x9e3779b97f4a7c15ull;
      }
    }
    for (uint64_t lane : lanes) h = Mix(h, lane);
  }
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = Mix(h, word);
  }
  uint64_t tail = 0;
  if (i < bytes.size()) std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  return Mix(h, tail);
}

std::string Fingerprint::Describe(std::string_view kind, int64_t time, uint64_t id,
                                  std::string_view bytes) {
  std::string out = std::string(kind) + " at " + std::to_string(time) + "ns id " +
                    std::to_string(id) + " (" + std::to_string(bytes.size()) + " bytes): ";
  for (size_t i = 0; i < bytes.size() && i < 120; ++i) {
    const char c = bytes[i];
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

void Fingerprint::Record(EventKind kind, int64_t time, uint64_t id, std::string_view bytes) {
  uint64_t h = kind.hash();
  h = Mix(h, static_cast<uint64_t>(time));
  h = Mix(h, id);
  h = HashBytes(bytes, h);
  const auto index = static_cast<int64_t>(count_++);
  value_ = Mix(value_, h);
  if (keep_) hashes_.push_back(h);
  if (expected_ != nullptr && first_difference_ < 0 &&
      (static_cast<size_t>(index) >= expected_->size() || (*expected_)[index] != h)) {
    first_difference_ = index;
    description_ = Describe(kind.name(), time, id, bytes);
  }
  if (index == describe_) description_ = Describe(kind.name(), time, id, bytes);
  if (log_ != nullptr) {
    char hash[17];
    std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(h));
    *log_ << index << ' ' << hash << ' ' << Describe(kind.name(), time, id, bytes) << '\n';
  }
}

}  // namespace mcspec::sim
