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
  std::string buffer(10'000, 'a');
  const size_t old_capacity = buffer.capacity();
  pool.Reserve(20'000, &buffer);
  EXPECT_EQ(buffer.capacity(), 32'768u);
  EXPECT_EQ(pool.buffers(), 1u);
  EXPECT_EQ(pool.bytes(), old_capacity);
  // A request its own buffer satisfies keeps it.
  const char* storage = buffer.data();
  buffer = "abc";
  pool.Reserve(30'000, &buffer);
  EXPECT_EQ(buffer.data(), storage);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(pool.buffers(), 1u);
}

TEST(BufferPoolTest, TheSmallestThatFitsIsTaken) {
  BufferPool pool;
  for (size_t size : {200'000u, 50'000u, 8'000u}) {
    std::string buffer(size, 'x');
    pool.Recycle(&buffer);
  }
  std::string buffer;
  pool.Reserve(40'000, &buffer);
  EXPECT_GE(buffer.capacity(), 50'000u);
  EXPECT_LT(buffer.capacity(), 200'000u);
  EXPECT_EQ(pool.buffers(), 2u);
}

TEST(BufferPoolTest, SmallBuffersAreLeftToMalloc) {
  BufferPool pool;
  std::string small(BufferPool::kSmall, 's');
  pool.Recycle(&small);
  EXPECT_EQ(small.size(), BufferPool::kSmall);
  EXPECT_EQ(pool.buffers(), 0u);
  std::string buffer;
  pool.Reserve(100, &buffer);
  EXPECT_GE(buffer.capacity(), 100u);
  EXPECT_EQ(pool.buffers(), 0u);
}

TEST(BufferPoolTest, ItHoldsAtMostItsBoundsAndDropsTheSmallestFirst) {
  BufferPool pool;
  for (size_t i = 0; i < 2 * BufferPool::kMaxBuffers; ++i) {
    std::string buffer(8'000 + i, 'x');
    pool.Recycle(&buffer);
  }
  EXPECT_EQ(pool.buffers(), BufferPool::kMaxBuffers);
  std::string buffer;
  pool.Reserve(8'000, &buffer);
  EXPECT_GE(buffer.capacity(), 8'000 + BufferPool::kMaxBuffers);  // the smaller ones went
  for (size_t i = 0; i < 40; ++i) {
    std::string large(2'000'000, 'x');
    pool.Recycle(&large);
  }
  EXPECT_LE(pool.bytes(), BufferPool::kMaxBytes);
  EXPECT_GE(pool.bytes(), BufferPool::kMaxBytes - 2'000'000);
}

}  // namespace
}  // namespace mcspec::sim
