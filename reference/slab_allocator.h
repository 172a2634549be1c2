// memcached's slab allocator: pages, chunks and free lists.
//
// Memory is carved into pages; each slab class splits its pages into chunks
// of one size. The class table is computed from the settings exactly as
// memcached does (48-byte item header + chunk_size, grown by `factor`, 8-byte
// aligned, last class = slab_chunk_size_max). A class takes a new page when
// its free list is empty and either the memory limit allows it, it has no
// page yet (every class is always allowed its first page), or the global page
// pool (class 0) has one to give.
//
// Chunks have identities because a page move (slab_rebalance.cc) empties one
// particular page, the first of its class, and must know which items live
// there. Each chunk records its owner and its place in the class's free list,
// which keeps memcached's order: a new page's chunks are pushed first to last
// (so the last chunk is handed out first) and freed chunks are pushed on top.
#ifndef MCSPEC_REFERENCE_SLAB_ALLOCATOR_H_
#define MCSPEC_REFERENCE_SLAB_ALLOCATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "settings.h"

namespace mcspec::ref {

// Size of memcached's item header on 64-bit builds, and of a chunk header in
// a chunked (large) item.
inline constexpr uint32_t kItemHeaderSize = 48;
inline constexpr uint32_t kItemChunkHeaderSize = 48;
inline constexpr int kMaxSlabClasses = 64;  // memcached's MAX_NUMBER_OF_SLAB_CLASSES
inline constexpr int kGlobalPagePool = 0;   // memcached's SLAB_GLOBAL_PAGE_POOL

// A chunk: its page's number times SlabAllocator's stride, plus its index in
// the page.
using ChunkId = uint32_t;
inline constexpr ChunkId kNoChunk = UINT32_MAX;

// What a chunk holds: a free chunk, one the page mover has cleared (neither
// free nor in use, as memcached's ITEM_SLABBED|ITEM_FETCHED), an item's
// header, or, with kDataChunkOwner set, a data chunk of that chunked item.
inline constexpr uint32_t kFreeChunkOwner = UINT32_MAX;
inline constexpr uint32_t kClearedChunkOwner = UINT32_MAX - 1;
inline constexpr uint32_t kDataChunkOwner = 1u << 31;

struct SlabClass {
  uint32_t size = 0;     // chunk size
  uint32_t perslab = 0;  // chunks per page
  uint32_t pages = 0;
  uint32_t free_chunks = 0;
  std::vector<uint32_t> page_list;  // memcached's slab_list, oldest first
  ChunkId free_head = kNoChunk;
  // A page added for an empty free list is not split chunk by chunk: its
  // chunks [0, fresh_left) of `fresh_page` are the bottom of the free list,
  // below every chunk freed since, and are taken from the last down, which is
  // the order memcached's split gives them.
  uint32_t fresh_page = 0;
  uint32_t fresh_left = 0;
};

class SlabAllocator {
 public:
  explicit SlabAllocator(const Settings& settings);

  // Smallest class whose chunks hold `size` bytes; 0 if none (too large).
  int ClassFor(uint64_t size) const;
  // Takes the free list's first chunk of class `id`, adding a page first if
  // the list is empty and that is allowed; kNoChunk when none is available.
  ChunkId Allocate(int id);
  // Takes the free list's first chunk without adding a page.
  ChunkId AllocateNoNewPage(int id);
  // Puts a chunk on top of its class's free list.
  void Free(ChunkId chunk);

  uint32_t owner(ChunkId chunk) const { return ChunkAt(chunk).owner; }
  void set_owner(ChunkId chunk, uint32_t owner) { ChunkAt(chunk).owner = owner; }
  // The class whose page holds the chunk.
  int ClassOf(ChunkId chunk) const { return pages_[chunk >> stride_shift_].clsid; }

  // Page moves. A class's first page and its chunks, first to last.
  uint32_t FirstPage(int id) const { return classes_[id].page_list.front(); }
  ChunkId PageChunk(uint32_t page, uint32_t index) const { return (page << stride_shift_) | index; }
  bool InPage(ChunkId chunk, uint32_t page) const { return (chunk >> stride_shift_) == page; }
  // Takes a free chunk out of the middle of its class's free list.
  void CutFree(ChunkId chunk);
  // Moves the first page of `src` to the end of `dst`'s page list. A page
  // given to a class is split into free chunks; one given to the global pool
  // may be released, if memory is above the limit.
  void MovePage(int src, int dst);

  int largest_class() const { return largest_; }
  // The class table memcached prints at startup with -vv, one line a class:
  // "slab class   1: chunk size        96 perslab   10922".
  void AppendClassTable(std::string* out) const;
  const SlabClass& cls(int id) const { return classes_[id]; }
  uint32_t global_pool_pages() const { return classes_[kGlobalPagePool].pages; }
  uint64_t malloced() const { return malloced_; }
  uint64_t limit() const { return limit_; }
  // cache_memlimit: also releases global pool pages above the new limit.
  void set_limit(uint64_t limit);

 private:
  // A page's chunks start free and unlinked (kFreeChunkOwner, kNoChunk):
  // every byte 0xff, so that a page is set up by one memset (FreshChunks)
  // rather than chunk by chunk.
  struct Chunk {
    uint32_t owner;
    ChunkId prev;
    ChunkId next;
  };
  struct Page {
    int clsid = 0;
    std::unique_ptr<Chunk[]> chunks;  // the class's perslab
  };

  Chunk& ChunkAt(ChunkId chunk) {
    return pages_[chunk >> stride_shift_].chunks[chunk & stride_mask_];
  }
  const Chunk& ChunkAt(ChunkId chunk) const {
    return pages_[chunk >> stride_shift_].chunks[chunk & stride_mask_];
  }
  static std::unique_ptr<Chunk[]> FreshChunks(uint32_t count);
  bool AddPage(int id);
  void SplitIntoFreeList(uint32_t page, int id);
  // Turns a class's fresh range into ordinary free-list entries.
  void MaterializeFresh(int id);
  void ReleasePoolPages();

  uint64_t item_size_max_;
  uint32_t page_size_;
  bool whole_pages_;     // pages are page_size, else size * perslab
  bool releases_pages_;  // memcached frees pool pages only with slab_reassign
  uint64_t limit_;
  uint64_t malloced_ = 0;
  int largest_ = 0;
  uint32_t stride_shift_ = 0;  // a power of two at least every class's perslab
  uint32_t stride_mask_ = 0;
  std::vector<SlabClass> classes_;  // index 0: memcached's global page pool
  std::vector<Page> pages_;
  std::vector<uint32_t> released_pages_;  // page numbers free for reuse
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SLAB_ALLOCATOR_H_
