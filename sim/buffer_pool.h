// Large byte buffers kept for reuse. Values in some seeds reach hundreds of
// kilobytes; freeing such a buffer and allocating the next one costs fresh
// pages from the kernel each time (a page fault and a cleared page per 4 KB),
// which cost more than the bytes' copies. The pool keeps buffers of kLarge
// bytes and more, at most kMaxBuffers of them and kMaxBytes of capacity in
// all (the smallest go first), so that a run's steady state allocates none.
// Smaller ones are left to malloc, whose bins serve them without fresh
// pages: those up to kSmall stay with their owner (a record, a connection),
// for its next contents; larger ones are freed, so that the many owners do
// not each hold one.
//
// Only capacity moves through the pool, never contents: which buffer a
// caller gets cannot change what a run does.
#ifndef MCSPEC_SIM_BUFFER_POOL_H_
#define MCSPEC_SIM_BUFFER_POOL_H_

#include <cstddef>
#include <string>
#include <vector>

namespace mcspec::sim {

class BufferPool {
 public:
  static constexpr size_t kSmall = 4096;
  static constexpr size_t kLarge = 65536;
  static constexpr size_t kMaxBuffers = 64;
  static constexpr size_t kMaxBytes = size_t{32} << 20;

  // Empties *buffer and makes its capacity at least `size`: when it is too
  // small and `size` is kLarge or more, with the smallest pooled buffer that
  // fits, or else a new one of the next power of two (so that it fits later
  // requests of similar sizes); its own buffer is recycled.
  void Reserve(size_t size, std::string* buffer) {
    buffer->clear();
    if (buffer->capacity() < size) Grow(size, buffer);
  }
  // Leaves *buffer empty: a large buffer is pooled, one over kSmall freed,
  // a small one kept.
  void Recycle(std::string* buffer) {
    if (buffer->capacity() > kSmall) Release(buffer);
    buffer->clear();
  }

  size_t buffers() const { return buffers_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  void Grow(size_t size, std::string* buffer);
  void Release(std::string* buffer);

  std::vector<std::string> buffers_;  // by capacity, smallest first
  size_t bytes_ = 0;                  // their capacity
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_BUFFER_POOL_H_
