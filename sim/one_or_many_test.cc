#include "one_or_many.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace mcspec::sim {
namespace {

std::vector<std::string> Contents(const OneOrMany<std::string>& sequence) {
  return std::vector<std::string>(sequence.begin(), sequence.end());
}

// Any sequence of the operations leaves the same elements, in the same order,
// as a std::vector given the same operations.
RC_GTEST_PROP(OneOrManyTest, BehavesAsAVector, ()) {
  OneOrMany<std::string> sequence;
  OneOrMany<std::string> other;
  std::vector<std::string> model;
  std::vector<std::string> other_model;
  const int steps = *rc::gen::inRange(0, 60);
  for (int step = 0; step < steps; ++step) {
    switch (*rc::gen::inRange(0, 5)) {
      case 0:
      case 1: {
        // Long strings: a move that lost them would show.
        const std::string value =
            std::string(20, 'a' + static_cast<char>(step % 26)) + std::to_string(step);
        sequence.push_back(std::string(value));
        model.push_back(value);
        break;
      }
      case 2: {
        const auto count = *rc::gen::inRange<size_t>(0, model.size() + 1);
        sequence.resize(count);
        model.resize(count);
        break;
      }
      case 3:
        sequence.clear();
        model.clear();
        break;
      default:
        sequence.swap(other);
        model.swap(other_model);
        break;
    }
    RC_ASSERT(sequence.size() == model.size());
    RC_ASSERT(sequence.empty() == model.empty());
    RC_ASSERT(Contents(sequence) == model);
    RC_ASSERT(Contents(other) == other_model);
    for (size_t i = 0; i < model.size(); ++i) RC_ASSERT(sequence[i] == model[i]);
  }
}

TEST(OneOrManyTest, OneElementIsHeldInline) {
  OneOrMany<std::string> sequence;
  sequence.push_back("only");
  const char* entry = reinterpret_cast<const char*>(&sequence);
  const char* element = reinterpret_cast<const char*>(sequence.begin());
  EXPECT_TRUE(element >= entry && element < entry + sizeof(sequence));
  sequence.push_back("second");
  element = reinterpret_cast<const char*>(sequence.begin());
  EXPECT_FALSE(element >= entry && element < entry + sizeof(sequence));
  sequence.resize(1);  // back inline
  element = reinterpret_cast<const char*>(sequence.begin());
  EXPECT_TRUE(element >= entry && element < entry + sizeof(sequence));
  EXPECT_EQ(sequence[0], "only");
}

}  // namespace
}  // namespace mcspec::sim
