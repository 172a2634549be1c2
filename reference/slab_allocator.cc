#include "slab_allocator.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>

namespace mcspec::ref {
namespace {
constexpr uint32_t kChunkAlign = 8;
}

SlabAllocator::SlabAllocator(const Settings& settings)
    : item_size_max_(settings.item_size_max),
      page_size_(settings.slab_page_size),
      whole_pages_(settings.slab_reassign ||
                   settings.slab_chunk_size_max != settings.slab_page_size),
      releases_pages_(settings.slab_reassign),
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
  uint32_t max_perslab = 1;
  for (const SlabClass& cls : classes_) max_perslab = std::max(max_perslab, cls.perslab);
  stride_shift_ = static_cast<uint32_t>(std::bit_width(max_perslab - 1));
  stride_mask_ = (1u << stride_shift_) - 1;
}

int SlabAllocator::ClassFor(uint64_t size) const {
  if (size == 0 || size > item_size_max_) return 0;
  int id = 1;
  while (size > classes_[id].size) {
    if (id++ == largest_) return largest_;
  }
  return id;
}

std::unique_ptr<SlabAllocator::Chunk[]> SlabAllocator::FreshChunks(uint32_t count) {
  static_assert(kFreeChunkOwner == UINT32_MAX && kNoChunk == UINT32_MAX);
  std::unique_ptr<Chunk[]> chunks = std::make_unique_for_overwrite<Chunk[]>(count);
  std::memset(chunks.get(), 0xff, size_t{count} * sizeof(Chunk));
  return chunks;
}

// do_slabs_newslab: a page from the global pool if it has one, else new
// memory, which the limit refuses to a class that has a page already.
bool SlabAllocator::AddPage(int id) {
  SlabClass& cls = classes_[id];
  SlabClass& pool = classes_[kGlobalPagePool];
  uint64_t len = whole_pages_ ? page_size_ : uint64_t{cls.size} * cls.perslab;
  if (limit_ != 0 && malloced_ + len > limit_ && cls.pages > 0 && pool.pages == 0) return false;
  uint32_t page;
  if (pool.pages > 0) {
    page = pool.page_list.back();
    pool.page_list.pop_back();
    pool.pages--;
  } else {
    malloced_ += len;
    if (released_pages_.empty()) {
      page = static_cast<uint32_t>(pages_.size());
      pages_.emplace_back();
    } else {
      page = released_pages_.back();
      released_pages_.pop_back();
    }
  }
  // The free list is empty here, so the page's chunks can stay a range.
  pages_[page].clsid = id;
  pages_[page].chunks = FreshChunks(cls.perslab);
  cls.fresh_page = page;
  cls.fresh_left = cls.perslab;
  cls.free_chunks += cls.perslab;
  cls.page_list.push_back(page);
  cls.pages++;
  return true;
}

// split_slab_page_into_freelist: each chunk in turn goes on top of the list.
void SlabAllocator::SplitIntoFreeList(uint32_t page, int id) {
  SlabClass& cls = classes_[id];
  pages_[page].clsid = id;
  pages_[page].chunks = FreshChunks(cls.perslab);
  for (uint32_t i = 0; i < cls.perslab; ++i) Free(PageChunk(page, i));
}

void SlabAllocator::MaterializeFresh(int id) {
  SlabClass& cls = classes_[id];
  if (cls.fresh_left == 0) return;
  ChunkId tail = cls.free_head;
  while (tail != kNoChunk && ChunkAt(tail).next != kNoChunk) tail = ChunkAt(tail).next;
  while (cls.fresh_left > 0) {
    const ChunkId chunk = PageChunk(cls.fresh_page, --cls.fresh_left);
    Chunk& c = ChunkAt(chunk);
    c.prev = tail;
    c.next = kNoChunk;
    if (tail == kNoChunk) {
      cls.free_head = chunk;
    } else {
      ChunkAt(tail).next = chunk;
    }
    tail = chunk;
  }
}

ChunkId SlabAllocator::AllocateNoNewPage(int id) {
  SlabClass& cls = classes_[id];
  const ChunkId chunk = cls.free_head;
  if (chunk == kNoChunk) {
    if (cls.fresh_left == 0) return kNoChunk;
    const ChunkId fresh = PageChunk(cls.fresh_page, --cls.fresh_left);
    ChunkAt(fresh).owner = kClearedChunkOwner;
    cls.free_chunks--;
    return fresh;
  }
  Chunk& c = ChunkAt(chunk);
  cls.free_head = c.next;
  if (c.next != kNoChunk) ChunkAt(c.next).prev = kNoChunk;
  c.next = kNoChunk;
  c.owner = kClearedChunkOwner;
  cls.free_chunks--;
  return chunk;
}

ChunkId SlabAllocator::Allocate(int id) {
  if (id < 1 || id > largest_) return kNoChunk;
  if (classes_[id].free_chunks == 0) AddPage(id);
  return AllocateNoNewPage(id);
}

void SlabAllocator::Free(ChunkId chunk) {
  SlabClass& cls = classes_[ClassOf(chunk)];
  Chunk& c = ChunkAt(chunk);
  c.owner = kFreeChunkOwner;
  c.prev = kNoChunk;
  c.next = cls.free_head;
  if (cls.free_head != kNoChunk) ChunkAt(cls.free_head).prev = chunk;
  cls.free_head = chunk;
  cls.free_chunks++;
}

void SlabAllocator::CutFree(ChunkId chunk) {
  SlabClass& cls = classes_[ClassOf(chunk)];
  if (cls.fresh_left > 0 && InPage(chunk, cls.fresh_page)) MaterializeFresh(ClassOf(chunk));
  Chunk& c = ChunkAt(chunk);
  if (cls.free_head == chunk) cls.free_head = c.next;
  if (c.next != kNoChunk) ChunkAt(c.next).prev = c.prev;
  if (c.prev != kNoChunk) ChunkAt(c.prev).next = c.next;
  c.prev = c.next = kNoChunk;
  c.owner = kClearedChunkOwner;
  cls.free_chunks--;
}

// slab_rebalance_finish's bookkeeping: the page leaves the front of the
// source's list and joins the end of the destination's.
void SlabAllocator::MovePage(int src, int dst) {
  SlabClass& from = classes_[src];
  const uint32_t page = from.page_list.front();
  from.page_list.erase(from.page_list.begin());
  from.pages--;
  SlabClass& to = classes_[dst];
  to.page_list.push_back(page);
  to.pages++;
  if (dst != kGlobalPagePool) {
    SplitIntoFreeList(page, dst);
  } else {
    pages_[page].clsid = kGlobalPagePool;
    pages_[page].chunks.reset();
    ReleasePoolPages();
  }
}

// memory_release: with slab_reassign, pool pages are freed (most recently
// pooled first) while memory is above the limit.
void SlabAllocator::ReleasePoolPages() {
  if (!releases_pages_) return;
  SlabClass& pool = classes_[kGlobalPagePool];
  while (malloced_ > limit_ && !pool.page_list.empty()) {
    released_pages_.push_back(pool.page_list.back());
    pool.page_list.pop_back();
    pool.pages--;
    malloced_ -= page_size_;
  }
}

void SlabAllocator::set_limit(uint64_t limit) {
  limit_ = limit;
  ReleasePoolPages();
}

void SlabAllocator::AppendClassTable(std::string* out) const {
  for (int id = 1; id <= largest_; ++id) {
    char line[64];
    const int n = std::snprintf(line, sizeof(line), "slab class %3d: chunk size %9u perslab %7u\n",
                                id, classes_[id].size, classes_[id].perslab);
    out->append(line, static_cast<size_t>(n));
  }
}

}  // namespace mcspec::ref
