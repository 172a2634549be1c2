#include "slab_allocator.h"

namespace mcspec::ref {
namespace {
constexpr uint32_t kChunkAlign = 8;
}

SlabAllocator::SlabAllocator(const Settings& settings)
    : item_size_max_(settings.item_size_max),
      page_size_(settings.slab_page_size),
      whole_pages_(settings.slab_reassign ||
                   settings.slab_chunk_size_max != settings.slab_page_size),
      limit_(settings.maxbytes),
      classes_(kMaxSlabClasses) {
  // The growth is computed in double and truncated on assignment, as in C.
  double size = kItemHeaderSize + settings.chunk_size;
  int id = 1;
  for (; id < kMaxSlabClasses - 1; ++id) {
    if (size >= settings.slab_chunk_size_max / settings.factor) break;
    uint32_t chunk = static_cast<uint32_t>(size);
    if (chunk % kChunkAlign) chunk += kChunkAlign - chunk % kChunkAlign;
    classes_[id].size = chunk;
    classes_[id].perslab = page_size_ / chunk;
    size = static_cast<uint32_t>(chunk * settings.factor);
  }
  largest_ = id;
  classes_[id].size = settings.slab_chunk_size_max;
  classes_[id].perslab = page_size_ / settings.slab_chunk_size_max;
}

int SlabAllocator::ClassFor(uint64_t size) const {
  if (size == 0 || size > item_size_max_) return 0;
  int id = 1;
  while (size > classes_[id].size) {
    if (id++ == largest_) return largest_;
  }
  return id;
}

bool SlabAllocator::AddPage(int id) {
  SlabClass& cls = classes_[id];
  uint64_t len = whole_pages_ ? page_size_ : uint64_t{cls.size} * cls.perslab;
  if (limit_ != 0 && malloced_ + len > limit_ && cls.pages > 0) return false;
  malloced_ += len;
  cls.pages++;
  cls.free_chunks += cls.perslab;
  return true;
}

bool SlabAllocator::Allocate(int id) {
  if (id < 1 || id > largest_) return false;
  SlabClass& cls = classes_[id];
  if (cls.free_chunks == 0) AddPage(id);
  if (cls.free_chunks == 0) return false;
  cls.free_chunks--;
  return true;
}

void SlabAllocator::Free(int id) {
  classes_[id].free_chunks++;
}

}  // namespace mcspec::ref
