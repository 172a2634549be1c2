#include "shared_value.h"

#include <functional>
#include <utility>

namespace mcspec::sim {
namespace {

uint64_t HashOf(std::string_view bytes) {
  return std::hash<std::string_view>()(bytes);
}

}  // namespace

SharedValue::SharedValue(std::string bytes) {
  if (bytes.empty()) return;
  const uint64_t hash = HashOf(bytes);
  rep_ = std::make_shared<const Rep>(Rep{std::move(bytes), hash});
}

const std::string& SharedValue::Empty() {
  static const std::string empty;
  return empty;
}

uint64_t SharedValue::EmptyHash() {
  static const uint64_t hash = HashOf({});
  return hash;
}

}  // namespace mcspec::sim
