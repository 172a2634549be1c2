// Large byte buffers kept for reuse. Values in some seeds reach hundreds of
// kilobytes; freeing such a buffer and allocating the next one costs fresh
// pages from the kernel each time (a page fault and a cleared page per 4 KB),
// which cost more than the bytes' copies. The pool keeps buffers larger than
// kSmall, at most kMaxBuffers of them and kMaxBytes of capacity in all (the
// smallest go first), so that a run's steady state allocates none. Smaller buffers are left to
// malloc, whose caches serve them well.
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
  static constexpr size_t kMaxBuffers = 64;
  static constexpr size_t kMaxBytes = size_t{32} << 20;

  // Empties *buffer and makes its capacity at least `size`: when it is too
  // small and `size` is above kSmall, with the smallest pooled buffer that
  // fits, or else a new one of the next power of two (so that it fits later
  // requests of similar sizes); its own buffer, if large, is pooled.
  void Reserve(size_t size, std::string* buffer) {
    buffer->clear();
    if (buffer->capacity() < size) Grow(size, buffer);
  }
  // Pools *buffer's storage if it is large, leaving *buffer empty (with no
  // capacity); a small buffer is left as it is.
  void Recycle(std::string* buffer) {
    if (buffer->capacity() > kSmall) Keep(buffer);
  }

  size_t buffers() const { return buffers_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  void Grow(size_t size, std::string* buffer);
  void Keep(std::string* buffer);

  std::vector<std::string> buffers_;  // by capacity, smallest first
  size_t bytes_ = 0;                  // their capacity
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_BUFFER_POOL_H_
