// memcached's slab allocator, as counts.
//
// Memory is carved into pages; each slab class splits its pages into chunks
// of one size. The class table is computed from the settings exactly as
// memcached does (48-byte item header + chunk_size, grown by `factor`, 8-byte
// aligned, last class = slab_chunk_size_max). A class takes a new page when
// its free list is empty and either the memory limit allows it or it has no
// page yet (every class is always allowed its first page).
//
// Chunks are interchangeable, so the model keeps counts rather than memory:
// which chunk memcached would reuse never changes a response or a statistic.
#ifndef MCSPEC_REFERENCE_SLAB_ALLOCATOR_H_
#define MCSPEC_REFERENCE_SLAB_ALLOCATOR_H_

#include <cstdint>
#include <vector>

#include "settings.h"

namespace mcspec::ref {

// Size of memcached's item header on 64-bit builds, and of a chunk header in
// a chunked (large) item.
inline constexpr uint32_t kItemHeaderSize = 48;
inline constexpr uint32_t kItemChunkHeaderSize = 48;
inline constexpr int kMaxSlabClasses = 64;  // memcached's MAX_NUMBER_OF_SLAB_CLASSES

struct SlabClass {
  uint32_t size = 0;     // chunk size
  uint32_t perslab = 0;  // chunks per page
  uint32_t pages = 0;
  uint32_t free_chunks = 0;
};

class SlabAllocator {
 public:
  explicit SlabAllocator(const Settings& settings);

  // Smallest class whose chunks hold `size` bytes; 0 if none (too large).
  int ClassFor(uint64_t size) const;
  // Takes a chunk of class `id`, adding a page if needed and allowed.
  bool Allocate(int id);
  void Free(int id);

  int largest_class() const { return largest_; }
  const SlabClass& cls(int id) const { return classes_[id]; }
  uint64_t malloced() const { return malloced_; }
  uint64_t limit() const { return limit_; }
  void set_limit(uint64_t limit) { limit_ = limit; }

 private:
  bool AddPage(int id);

  uint64_t item_size_max_;
  uint32_t page_size_;
  bool whole_pages_;  // pages are page_size, else size * perslab
  uint64_t limit_;
  uint64_t malloced_ = 0;
  int largest_ = 0;
  std::vector<SlabClass> classes_;  // index 0 unused (memcached's page pool)
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SLAB_ALLOCATOR_H_
