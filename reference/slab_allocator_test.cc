#include "slab_allocator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "settings.h"

namespace mcspec::ref {
namespace {

// `memcached -vv` class tables, verbatim.
constexpr std::string_view kDefaultTable = R"(slab class   1: chunk size        96 perslab   10922
slab class   2: chunk size       120 perslab    8738
slab class   3: chunk size       152 perslab    6898
slab class   4: chunk size       192 perslab    5461
slab class   5: chunk size       240 perslab    4369
slab class   6: chunk size       304 perslab    3449
slab class   7: chunk size       384 perslab    2730
slab class   8: chunk size       480 perslab    2184
slab class   9: chunk size       600 perslab    1747
slab class  10: chunk size       752 perslab    1394
slab class  11: chunk size       944 perslab    1110
slab class  12: chunk size      1184 perslab     885
slab class  13: chunk size      1480 perslab     708
slab class  14: chunk size      1856 perslab     564
slab class  15: chunk size      2320 perslab     451
slab class  16: chunk size      2904 perslab     361
slab class  17: chunk size      3632 perslab     288
slab class  18: chunk size      4544 perslab     230
slab class  19: chunk size      5680 perslab     184
slab class  20: chunk size      7104 perslab     147
slab class  21: chunk size      8880 perslab     118
slab class  22: chunk size     11104 perslab      94
slab class  23: chunk size     13880 perslab      75
slab class  24: chunk size     17352 perslab      60
slab class  25: chunk size     21696 perslab      48
slab class  26: chunk size     27120 perslab      38
slab class  27: chunk size     33904 perslab      30
slab class  28: chunk size     42384 perslab      24
slab class  29: chunk size     52984 perslab      19
slab class  30: chunk size     66232 perslab      15
slab class  31: chunk size     82792 perslab      12
slab class  32: chunk size    103496 perslab      10
slab class  33: chunk size    129376 perslab       8
slab class  34: chunk size    161720 perslab       6
slab class  35: chunk size    202152 perslab       5
slab class  36: chunk size    252696 perslab       4
slab class  37: chunk size    315872 perslab       3
slab class  38: chunk size    394840 perslab       2
slab class  39: chunk size    524288 perslab       2
)";

constexpr std::string_view kNoModernTable = R"(slab class   1: chunk size        96 perslab   10922
slab class   2: chunk size       120 perslab    8738
slab class   3: chunk size       152 perslab    6898
slab class   4: chunk size       192 perslab    5461
slab class   5: chunk size       240 perslab    4369
slab class   6: chunk size       304 perslab    3449
slab class   7: chunk size       384 perslab    2730
slab class   8: chunk size       480 perslab    2184
slab class   9: chunk size       600 perslab    1747
slab class  10: chunk size       752 perslab    1394
slab class  11: chunk size       944 perslab    1110
slab class  12: chunk size      1184 perslab     885
slab class  13: chunk size      1480 perslab     708
slab class  14: chunk size      1856 perslab     564
slab class  15: chunk size      2320 perslab     451
slab class  16: chunk size      2904 perslab     361
slab class  17: chunk size      3632 perslab     288
slab class  18: chunk size      4544 perslab     230
slab class  19: chunk size      5680 perslab     184
slab class  20: chunk size      7104 perslab     147
slab class  21: chunk size      8880 perslab     118
slab class  22: chunk size     11104 perslab      94
slab class  23: chunk size     13880 perslab      75
slab class  24: chunk size     17352 perslab      60
slab class  25: chunk size     21696 perslab      48
slab class  26: chunk size     27120 perslab      38
slab class  27: chunk size     33904 perslab      30
slab class  28: chunk size     42384 perslab      24
slab class  29: chunk size     52984 perslab      19
slab class  30: chunk size     66232 perslab      15
slab class  31: chunk size     82792 perslab      12
slab class  32: chunk size    103496 perslab      10
slab class  33: chunk size    129376 perslab       8
slab class  34: chunk size    161720 perslab       6
slab class  35: chunk size    202152 perslab       5
slab class  36: chunk size    252696 perslab       4
slab class  37: chunk size    315872 perslab       3
slab class  38: chunk size    394840 perslab       2
slab class  39: chunk size    493552 perslab       2
slab class  40: chunk size    616944 perslab       1
slab class  41: chunk size    771184 perslab       1
slab class  42: chunk size   1048576 perslab       1
)";

constexpr std::string_view kFactor15Chunk100Table =
    R"(slab class   1: chunk size       152 perslab    6898
slab class   2: chunk size       232 perslab    4519
slab class   3: chunk size       352 perslab    2978
slab class   4: chunk size       528 perslab    1985
slab class   5: chunk size       792 perslab    1323
slab class   6: chunk size      1192 perslab     879
slab class   7: chunk size      1792 perslab     585
slab class   8: chunk size      2688 perslab     390
slab class   9: chunk size      4032 perslab     260
slab class  10: chunk size      6048 perslab     173
slab class  11: chunk size      9072 perslab     115
slab class  12: chunk size     13608 perslab      77
slab class  13: chunk size     20416 perslab      51
slab class  14: chunk size     30624 perslab      34
slab class  15: chunk size     45936 perslab      22
slab class  16: chunk size     68904 perslab      15
slab class  17: chunk size    103360 perslab      10
slab class  18: chunk size    155040 perslab       6
slab class  19: chunk size    232560 perslab       4
slab class  20: chunk size    348840 perslab       3
slab class  21: chunk size    524288 perslab       2
)";

constexpr std::string_view kNoModernFactor15Chunk100Table =
    R"(slab class   1: chunk size       152 perslab    6898
slab class   2: chunk size       232 perslab    4519
slab class   3: chunk size       352 perslab    2978
slab class   4: chunk size       528 perslab    1985
slab class   5: chunk size       792 perslab    1323
slab class   6: chunk size      1192 perslab     879
slab class   7: chunk size      1792 perslab     585
slab class   8: chunk size      2688 perslab     390
slab class   9: chunk size      4032 perslab     260
slab class  10: chunk size      6048 perslab     173
slab class  11: chunk size      9072 perslab     115
slab class  12: chunk size     13608 perslab      77
slab class  13: chunk size     20416 perslab      51
slab class  14: chunk size     30624 perslab      34
slab class  15: chunk size     45936 perslab      22
slab class  16: chunk size     68904 perslab      15
slab class  17: chunk size    103360 perslab      10
slab class  18: chunk size    155040 perslab       6
slab class  19: chunk size    232560 perslab       4
slab class  20: chunk size    348840 perslab       3
slab class  21: chunk size    523264 perslab       2
slab class  22: chunk size   1048576 perslab       1
)";

constexpr std::string_view kFactor2Table = R"(slab class   1: chunk size        96 perslab   10922
slab class   2: chunk size       192 perslab    5461
slab class   3: chunk size       384 perslab    2730
slab class   4: chunk size       768 perslab    1365
slab class   5: chunk size      1536 perslab     682
slab class   6: chunk size      3072 perslab     341
slab class   7: chunk size      6144 perslab     170
slab class   8: chunk size     12288 perslab      85
slab class   9: chunk size     24576 perslab      42
slab class  10: chunk size     49152 perslab      21
slab class  11: chunk size     98304 perslab      10
slab class  12: chunk size    196608 perslab       5
slab class  13: chunk size    524288 perslab       2
)";

constexpr std::string_view kSlabChunkMax16kTable =
    R"(slab class   1: chunk size        96 perslab   10922
slab class   2: chunk size       120 perslab    8738
slab class   3: chunk size       152 perslab    6898
slab class   4: chunk size       192 perslab    5461
slab class   5: chunk size       240 perslab    4369
slab class   6: chunk size       304 perslab    3449
slab class   7: chunk size       384 perslab    2730
slab class   8: chunk size       480 perslab    2184
slab class   9: chunk size       600 perslab    1747
slab class  10: chunk size       752 perslab    1394
slab class  11: chunk size       944 perslab    1110
slab class  12: chunk size      1184 perslab     885
slab class  13: chunk size      1480 perslab     708
slab class  14: chunk size      1856 perslab     564
slab class  15: chunk size      2320 perslab     451
slab class  16: chunk size      2904 perslab     361
slab class  17: chunk size      3632 perslab     288
slab class  18: chunk size      4544 perslab     230
slab class  19: chunk size      5680 perslab     184
slab class  20: chunk size      7104 perslab     147
slab class  21: chunk size      8880 perslab     118
slab class  22: chunk size     11104 perslab      94
slab class  23: chunk size     16384 perslab      64
)";

constexpr std::string_view kChunkSize1Table =
    R"(slab class   1: chunk size        56 perslab   18724
slab class   2: chunk size        72 perslab   14563
slab class   3: chunk size        96 perslab   10922
slab class   4: chunk size       120 perslab    8738
slab class   5: chunk size       152 perslab    6898
slab class   6: chunk size       192 perslab    5461
slab class   7: chunk size       240 perslab    4369
slab class   8: chunk size       304 perslab    3449
slab class   9: chunk size       384 perslab    2730
slab class  10: chunk size       480 perslab    2184
slab class  11: chunk size       600 perslab    1747
slab class  12: chunk size       752 perslab    1394
slab class  13: chunk size       944 perslab    1110
slab class  14: chunk size      1184 perslab     885
slab class  15: chunk size      1480 perslab     708
slab class  16: chunk size      1856 perslab     564
slab class  17: chunk size      2320 perslab     451
slab class  18: chunk size      2904 perslab     361
slab class  19: chunk size      3632 perslab     288
slab class  20: chunk size      4544 perslab     230
slab class  21: chunk size      5680 perslab     184
slab class  22: chunk size      7104 perslab     147
slab class  23: chunk size      8880 perslab     118
slab class  24: chunk size     11104 perslab      94
slab class  25: chunk size     13880 perslab      75
slab class  26: chunk size     17352 perslab      60
slab class  27: chunk size     21696 perslab      48
slab class  28: chunk size     27120 perslab      38
slab class  29: chunk size     33904 perslab      30
slab class  30: chunk size     42384 perslab      24
slab class  31: chunk size     52984 perslab      19
slab class  32: chunk size     66232 perslab      15
slab class  33: chunk size     82792 perslab      12
slab class  34: chunk size    103496 perslab      10
slab class  35: chunk size    129376 perslab       8
slab class  36: chunk size    161720 perslab       6
slab class  37: chunk size    202152 perslab       5
slab class  38: chunk size    252696 perslab       4
slab class  39: chunk size    315872 perslab       3
slab class  40: chunk size    394840 perslab       2
slab class  41: chunk size    524288 perslab       2
)";

Settings FlagsToSettings(const std::vector<std::string>& flags) {
  FlagParseResult parsed = ParseServerFlags(flags);
  EXPECT_EQ(parsed.error, "");
  return parsed.settings;
}

// The class table in memcached's `-vv` format.
std::string Table(const std::vector<std::string>& flags) {
  const SlabAllocator slabs(FlagsToSettings(flags));
  std::string table;
  for (int id = 1; id <= slabs.largest_class(); ++id) {
    char line[80];
    std::snprintf(line, sizeof(line), "slab class %3d: chunk size %9u perslab %7u\n", id,
                  slabs.cls(id).size, slabs.cls(id).perslab);
    table += line;
  }
  return table;
}

TEST(SlabClasses, Default) {
  EXPECT_EQ(Table({}), kDefaultTable);
}

TEST(SlabClasses, NoModern) {
  EXPECT_EQ(Table({"-o", "no_modern"}), kNoModernTable);
}

TEST(SlabClasses, FactorAndChunkSize) {
  EXPECT_EQ(Table({"-f", "1.5", "-n", "100"}), kFactor15Chunk100Table);
  EXPECT_EQ(Table({"-o", "no_modern", "-f", "1.5", "-n", "100"}), kNoModernFactor15Chunk100Table);
  EXPECT_EQ(Table({"-f", "2"}), kFactor2Table);
  EXPECT_EQ(Table({"-n", "1"}), kChunkSize1Table);
}

TEST(SlabClasses, SlabChunkMax) {
  EXPECT_EQ(Table({"-o", "slab_chunk_max=16384"}), kSlabChunkMax16kTable);
}

TEST(SlabClasses, LargeItemSizeKeepsTheDefaultTable) {
  EXPECT_EQ(Table({"-I", "2m"}), kDefaultTable);
  EXPECT_EQ(Table({"-o", "no_modern", "-I", "2m"}), kDefaultTable);
}

TEST(SlabClasses, CasAndMemoryLimitDoNotChangeTheTable) {
  EXPECT_EQ(Table({"-C"}), kDefaultTable);
  EXPECT_EQ(Table({"-m", "2"}), kDefaultTable);
}

TEST(SlabClasses, TinyFactorNeverGrowsAndStopsAtSixtyThreeClasses) {
  const SlabAllocator slabs(FlagsToSettings({"-f", "1.01"}));
  ASSERT_EQ(slabs.largest_class(), 63);
  for (int id = 1; id < 63; ++id) {
    EXPECT_EQ(slabs.cls(id).size, 96u) << id;
    EXPECT_EQ(slabs.cls(id).perslab, 10922u) << id;
  }
  EXPECT_EQ(slabs.cls(63).size, 524288u);
  EXPECT_EQ(slabs.cls(63).perslab, 2u);
}

TEST(SlabClasses, ClassForPicksTheSmallestFittingClass) {
  const SlabAllocator slabs(FlagsToSettings({}));
  EXPECT_EQ(slabs.ClassFor(0), 0);
  EXPECT_EQ(slabs.ClassFor(1), 1);
  EXPECT_EQ(slabs.ClassFor(96), 1);
  EXPECT_EQ(slabs.ClassFor(97), 2);
  EXPECT_EQ(slabs.ClassFor(394840), 38);
  EXPECT_EQ(slabs.ClassFor(394841), 39);
  // Larger than slab_chunk_max: chunked, so the largest class.
  EXPECT_EQ(slabs.ClassFor(524289), 39);
  EXPECT_EQ(slabs.ClassFor(1048576), 39);
  EXPECT_EQ(slabs.ClassFor(1048577), 0);

  const SlabAllocator flat(FlagsToSettings({"-o", "no_modern"}));
  EXPECT_EQ(flat.ClassFor(493552), 39);
  EXPECT_EQ(flat.ClassFor(1048576), 42);
  EXPECT_EQ(flat.ClassFor(1048577), 0);
}

TEST(SlabPages, ChunksComeFromPagesTakenOnDemand) {
  SlabAllocator slabs(FlagsToSettings({"-o", "no_modern"}));
  EXPECT_EQ(slabs.malloced(), 0u);
  ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.cls(1).pages, 1u);
  EXPECT_EQ(slabs.cls(1).free_chunks, 10921u);
  for (int i = 1; i < 10922; ++i) ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.cls(1).pages, 1u);
  EXPECT_EQ(slabs.cls(1).free_chunks, 0u);
  ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.cls(1).pages, 2u);
}

TEST(SlabPages, FreedChunksAreReusedBeforeANewPage) {
  SlabAllocator slabs(FlagsToSettings({"-o", "no_modern"}));
  ChunkId last = kNoChunk;
  for (int i = 0; i < 10922; ++i) last = slabs.Allocate(1);
  ASSERT_NE(last, kNoChunk);
  slabs.Free(last);
  ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.cls(1).pages, 1u);
}

TEST(SlabPages, WithoutSlabReassignAPageIsChunkSizeTimesPerslab) {
  SlabAllocator slabs(FlagsToSettings({"-o", "no_modern"}));
  ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 96u * 10922);  // 1048512
  ASSERT_NE(slabs.Allocate(5), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 96u * 10922 + 240u * 4369);
  ASSERT_NE(slabs.Allocate(42), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 96u * 10922 + 240u * 4369 + 1048576);
}

TEST(SlabPages, WithSlabReassignEveryPageIsAMegabyte) {
  SlabAllocator slabs(FlagsToSettings({}));
  ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 1048576u);
  ASSERT_NE(slabs.Allocate(5), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 2u * 1048576);
}

TEST(SlabPages, ChunkMaxBelowThePageSizeAlsoMeansWholePages) {
  SlabAllocator slabs(FlagsToSettings({"-o", "no_modern", "-I", "2m"}));
  ASSERT_NE(slabs.Allocate(1), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 1048576u);
}

// Takes every chunk a class can get; returns how many.
int AllocateAll(SlabAllocator& slabs, int id) {
  int n = 0;
  while (slabs.Allocate(id) != kNoChunk) ++n;
  return n;
}

TEST(SlabPages, MemoryLimitStopsNewPages) {
  SlabAllocator slabs(FlagsToSettings({"-o", "no_modern", "-m", "2"}));
  EXPECT_EQ(slabs.limit(), 2u * 1048576);
  EXPECT_EQ(AllocateAll(slabs, 1), 2 * 10922);
  EXPECT_EQ(slabs.malloced(), 2u * 1048512);
  EXPECT_EQ(slabs.cls(1).pages, 2u);
}

TEST(SlabPages, MemoryLimitMayBeReachedExactly) {
  SlabAllocator slabs(FlagsToSettings({"-m", "2"}));
  EXPECT_EQ(AllocateAll(slabs, 1), 2 * 10922);
  EXPECT_EQ(slabs.malloced(), 2u * 1048576);
}

TEST(SlabPages, EveryClassGetsItsFirstPageBeyondTheLimit) {
  SlabAllocator slabs(FlagsToSettings({"-o", "no_modern", "-m", "2"}));
  AllocateAll(slabs, 1);
  EXPECT_EQ(AllocateAll(slabs, 5), 4369);
  EXPECT_EQ(slabs.cls(5).pages, 1u);
  EXPECT_EQ(slabs.malloced(), 2u * 1048512 + 240u * 4369);  // 3145584, as memcached reports
  EXPECT_NE(slabs.Allocate(42), kNoChunk);
  EXPECT_EQ(slabs.Allocate(42), kNoChunk);
}

TEST(SlabPages, ClassesOutsideTheTableAllocateNothing) {
  SlabAllocator slabs(FlagsToSettings({}));
  EXPECT_EQ(slabs.Allocate(0), kNoChunk);
  EXPECT_EQ(slabs.Allocate(40), kNoChunk);
  EXPECT_EQ(slabs.malloced(), 0u);
}

// memcached 1.6.18 -vv prints this table (default settings) at startup.
TEST(SlabClassTable, MatchesMemcachedVerboseOutput) {
  SlabAllocator slabs(FlagsToSettings({}));
  std::string table;
  slabs.AppendClassTable(&table);
  EXPECT_TRUE(
      table.starts_with("slab class   1: chunk size        96 perslab   10922\n"
                        "slab class   2: chunk size       120 perslab    8738\n"));
  EXPECT_NE(table.find("slab class  22: chunk size     11104 perslab      94\n"),
            std::string::npos);
  EXPECT_TRUE(
      table.ends_with("slab class  38: chunk size    394840 perslab       2\n"
                      "slab class  39: chunk size    524288 perslab       2\n"));
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 39);
}

}  // namespace
}  // namespace mcspec::ref
