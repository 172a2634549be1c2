// An item's value as the key model holds it (key_model.h): immutable bytes
// shared by every state and operation that holds them.
//
// The linearizability search copies, hashes and compares key states at every
// step, and values may be hundreds of kilobytes: here a copy is a reference
// count, the hash is computed once per value, and two holders of the same
// bytes object compare equal without reading them. Values compare and order
// by content, as the std::string they hold would.
#ifndef MCSPEC_SIM_SHARED_VALUE_H_
#define MCSPEC_SIM_SHARED_VALUE_H_

#include <compare>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace mcspec::sim {

class SharedValue {
 public:
  SharedValue() = default;         // empty
  SharedValue(std::string bytes);  // NOLINT: implicit, as the string it holds
  SharedValue(const char* bytes) : SharedValue(std::string(bytes)) {}  // NOLINT: implicit

  const std::string& str() const { return rep_ != nullptr ? rep_->bytes : Empty(); }
  size_t size() const { return str().size(); }
  bool empty() const { return str().empty(); }
  uint64_t hash() const { return rep_ != nullptr ? rep_->hash : EmptyHash(); }

  friend bool operator==(const SharedValue& a, const SharedValue& b) {
    return a.rep_ == b.rep_ || (a.hash() == b.hash() && a.str() == b.str());
  }
  friend std::strong_ordering operator<=>(const SharedValue& a, const SharedValue& b) {
    if (a.rep_ == b.rep_) return std::strong_ordering::equal;
    return a.str().compare(b.str()) <=> 0;
  }
  friend std::ostream& operator<<(std::ostream& out, const SharedValue& value) {
    return out << value.str();
  }

 private:
  struct Rep {
    std::string bytes;
    uint64_t hash;
  };
  static const std::string& Empty();
  static uint64_t EmptyHash();

  std::shared_ptr<const Rep> rep_;  // null: empty
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_SHARED_VALUE_H_
