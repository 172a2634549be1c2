#include "shared_value.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <compare>
#include <string>

namespace mcspec::sim {
namespace {

// Short byte strings over a small alphabet, so that equal ones are common.
rc::Gen<std::string> SmallBytes() {
  return rc::gen::container<std::string>(rc::gen::element('a', 'b', '\0', '\xff'));
}

// Equality and order are the held strings', whether the two values were
// built apart or one is a copy of the other.
RC_GTEST_PROP(SharedValueTest, ComparesAsItsString, ()) {
  const std::string a = *SmallBytes();
  const std::string b = *SmallBytes();
  const SharedValue x(a);
  const SharedValue y(b);
  RC_ASSERT((x == y) == (a == b));
  RC_ASSERT((x <=> y) == (a <=> b));
  RC_ASSERT((y <=> x) == (b <=> a));
  const SharedValue copy = x;  // NOLINT(performance-unnecessary-copy-initialization)
  RC_ASSERT(copy == x);
  RC_ASSERT((copy <=> x) == std::strong_ordering::equal);
  RC_ASSERT(copy.str() == a);
  RC_ASSERT(x.size() == a.size());
  RC_ASSERT(x.empty() == a.empty());
  if (a == b) RC_ASSERT(x.hash() == y.hash());
}

TEST(SharedValueTest, EmptyIsTheDefault) {
  EXPECT_EQ(SharedValue(), SharedValue(""));
  EXPECT_EQ(SharedValue().hash(), SharedValue(std::string()).hash());
  EXPECT_TRUE(SharedValue().empty());
  EXPECT_EQ(SharedValue().str(), "");
  EXPECT_LT(SharedValue(), SharedValue("a"));
}

TEST(SharedValueTest, ACopySharesTheBytes) {
  const SharedValue value(std::string(100'000, 'v'));
  const SharedValue copy = value;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(&copy.str(), &value.str());
}

}  // namespace
}  // namespace mcspec::sim
