// OneOrMany<T>: a sequence of T, contiguous, that keeps a single element
// inline and moves to the heap only when it holds two or more. The sequential
// oracle keeps one for each key's candidate states, which are one state
// almost always: a key's table entry then holds its state, and reading it
// costs one cache miss instead of two dependent ones.
//
// The operations the oracle needs, as std::vector gives them: size, element
// access and pointer iteration (valid until the next change), push_back,
// resize to fewer, clear, swap. Shrinking to one element moves it back inline.
#ifndef MCSPEC_SIM_ONE_OR_MANY_H_
#define MCSPEC_SIM_ONE_OR_MANY_H_

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace mcspec::sim {

template <typename T>
class OneOrMany {
 public:
  size_t size() const { return many_.empty() ? (one_ ? 1 : 0) : many_.size(); }
  bool empty() const { return size() == 0; }

  T* begin() { return many_.empty() ? (one_ ? &*one_ : nullptr) : many_.data(); }
  T* end() { return begin() + size(); }
  const T* begin() const { return many_.empty() ? (one_ ? &*one_ : nullptr) : many_.data(); }
  const T* end() const { return begin() + size(); }
  T& operator[](size_t i) { return begin()[i]; }

  void push_back(T&& value) {
    if (many_.empty()) {
      if (!one_) {
        one_.emplace(std::move(value));
        return;
      }
      many_.push_back(std::move(*one_));
      one_.reset();
    }
    many_.push_back(std::move(value));
  }

  // To `count` elements, no more than it holds.
  void resize(size_t count) {
    if (many_.empty()) {
      if (count == 0) one_.reset();
      return;
    }
    if (count == 1) {
      one_.emplace(std::move(many_.front()));
      many_.clear();  // keeps its capacity for the next time
      return;
    }
    many_.erase(many_.begin() + static_cast<std::ptrdiff_t>(count), many_.end());
  }
  void clear() { resize(0); }

  void swap(OneOrMany& other) noexcept {
    one_.swap(other.one_);
    many_.swap(other.many_);
  }

 private:
  // Either many_ is empty and one_ holds the element, if any, or many_
  // holds them all (two or more).
  std::optional<T> one_;
  std::vector<T> many_;
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_ONE_OR_MANY_H_
