#include "buffer_pool.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace mcspec::sim {

void BufferPool::Grow(size_t size, std::string* buffer) {
  if (size < kLarge) {
    buffer->reserve(size);
    return;
  }
  const auto fits = std::find_if(buffers_.begin(), buffers_.end(),
                                 [size](const std::string& b) { return b.capacity() >= size; });
  std::string taken;
  if (fits != buffers_.end()) {
    bytes_ -= fits->capacity();
    taken.swap(*fits);
    buffers_.erase(fits);
  } else {
    taken.reserve(std::bit_ceil(size));
  }
  Recycle(buffer);
  buffer->swap(taken);
}

void BufferPool::Release(std::string* buffer) {
  const size_t capacity = buffer->capacity();
  if (capacity < kLarge) {
    std::string().swap(*buffer);
    return;
  }
  buffer->clear();
  const auto at = std::find_if(buffers_.begin(), buffers_.end(), [capacity](const std::string& b) {
    return b.capacity() > capacity;
  });
  buffers_.insert(at, std::move(*buffer));
  std::string().swap(*buffer);
  bytes_ += capacity;
  while (bytes_ > kMaxBytes || buffers_.size() > kMaxBuffers) {
    bytes_ -= buffers_.front().capacity();
    buffers_.erase(buffers_.begin());
  }
}

}  // namespace mcspec::sim
