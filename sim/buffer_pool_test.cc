#include "buffer_pool.h"

#include <gtest/gtest.h>

#include <string>

namespace mcspec::sim {
namespace {

TEST(BufferPoolTest, ALargeBufferComesBackToTheNextRequestThatFits) {
  BufferPool pool;
  std::string value(100'000, 'v');
  const char* storage = value.data();
  pool.Recycle(&value);
  EXPECT_EQ(value.capacity(), std::string().capacity());
  EXPECT_EQ(pool.buffers(), 1u);

  std::string next = "small";
  pool.Reserve(90'000, &next);
  EXPECT_EQ(next.data(), storage);
  EXPECT_TRUE(next.empty());
  EXPECT_EQ(pool.buffers(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST(BufferPoolTest, ANewBufferIsOfTheNextPowerOfTwoAndTheOldOneIsPooled) {
  BufferPool pool;
  std::string buffer(70'000, 'a');
  const size_t old_capacity = buffer.capacity();
  pool.Reserve(100'000, &buffer);
  EXPECT_EQ(buffer.capacity(), 131'072u);
  EXPECT_EQ(pool.buffers(), 1u);
  EXPECT_EQ(pool.bytes(), old_capacity);
  // A request its own buffer satisfies keeps it.
  const char* storage = buffer.data();
  buffer = "abc";
  pool.Reserve(120'000, &buffer);
  EXPECT_EQ(buffer.data(), storage);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(pool.buffers(), 1u);
}

TEST(BufferPoolTest, TheSmallestThatFitsIsTaken) {
  BufferPool pool;
  for (size_t size : {400'000u, 150'000u, 70'000u}) {
    std::string buffer(size, 'x');
    pool.Recycle(&buffer);
  }
  std::string buffer;
  pool.Reserve(100'000, &buffer);
  EXPECT_GE(buffer.capacity(), 150'000u);
  EXPECT_LT(buffer.capacity(), 400'000u);
  EXPECT_EQ(pool.buffers(), 2u);
}

TEST(BufferPoolTest, SmallerBuffersAreKeptByTheirOwnerOrFreed) {
  BufferPool pool;
  std::string small(BufferPool::kSmall, 's');
  const size_t small_capacity = small.capacity();
  pool.Recycle(&small);
  EXPECT_TRUE(small.empty());
  EXPECT_EQ(small.capacity(), small_capacity);
  std::string middling(BufferPool::kLarge - 1, 'm');
  pool.Recycle(&middling);
  EXPECT_EQ(middling.capacity(), std::string().capacity());
  EXPECT_EQ(pool.buffers(), 0u);
  std::string buffer;
  pool.Reserve(BufferPool::kLarge - 1, &buffer);
  EXPECT_GE(buffer.capacity(), BufferPool::kLarge - 1);
  EXPECT_EQ(pool.buffers(), 0u);
}

TEST(BufferPoolTest, ItHoldsAtMostItsBoundsAndDropsTheSmallestFirst) {
  BufferPool pool;
  for (size_t i = 0; i < 2 * BufferPool::kMaxBuffers; ++i) {
    std::string buffer(BufferPool::kLarge + i, 'x');
    pool.Recycle(&buffer);
  }
  EXPECT_EQ(pool.buffers(), BufferPool::kMaxBuffers);
  std::string buffer;
  pool.Reserve(BufferPool::kLarge, &buffer);
  // The smaller ones went.
  EXPECT_GE(buffer.capacity(), BufferPool::kLarge + BufferPool::kMaxBuffers);
  for (size_t i = 0; i < 40; ++i) {
    std::string large(2'000'000, 'x');
    pool.Recycle(&large);
  }
  EXPECT_LE(pool.bytes(), BufferPool::kMaxBytes);
  EXPECT_GE(pool.bytes(), BufferPool::kMaxBytes - 2'000'000);
}

}  // namespace
}  // namespace mcspec::sim
