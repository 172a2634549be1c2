#include "settings.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace mcspec::ref {
namespace {

constexpr int kExitUsage = 64;

Settings Accepted(const std::vector<std::string>& flags) {
  FlagParseResult parsed = ParseServerFlags(flags);
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.exit_status, 0);
  return parsed.settings;
}

// memcached's message on stderr (without the newline) and its exit status.
void ExpectRefused(const std::vector<std::string>& flags, const std::string& message,
                   int exit_status) {
  FlagParseResult parsed = ParseServerFlags(flags);
  std::string joined;
  for (const std::string& flag : flags) joined += flag + " ";
  EXPECT_EQ(parsed.error, message) << joined;
  EXPECT_EQ(parsed.exit_status, exit_status) << joined;
}

TEST(ServerFlags, DefaultsAreMemcachedsDefaults) {
  const Settings s = Accepted({});
  EXPECT_EQ(s.maxbytes, 64u * 1024 * 1024);
  EXPECT_EQ(s.maxconns, 1024u);
  EXPECT_EQ(s.factor, 1.25);
  EXPECT_EQ(s.chunk_size, 48u);
  EXPECT_EQ(s.item_size_max, 1048576u);
  EXPECT_EQ(s.slab_page_size, 1048576u);
  EXPECT_EQ(s.slab_chunk_size_max, 524288u);
  EXPECT_TRUE(s.evict_to_free);
  EXPECT_TRUE(s.use_cas);
  EXPECT_TRUE(s.flush_enabled);
  EXPECT_FALSE(s.shutdown_command);
  EXPECT_EQ(s.reqs_per_event, 20u);
  EXPECT_EQ(s.num_threads, 4u);
  EXPECT_EQ(s.tcp_port, 11211u);
  EXPECT_EQ(s.udp_port, 0u);
  EXPECT_EQ(s.backlog, 1024u);
  EXPECT_EQ(s.prefix_delimiter, ':');
  EXPECT_FALSE(s.detail_enabled);
  EXPECT_TRUE(s.lru_segmented);
  EXPECT_TRUE(s.slab_reassign);
  EXPECT_EQ(s.slab_automove, 1u);
  EXPECT_TRUE(s.maxconns_fast);
  EXPECT_TRUE(s.lru_crawler);
  EXPECT_TRUE(s.lru_maintainer_thread);
  EXPECT_FALSE(s.hash_is_jenkins);
}

TEST(ServerFlags, ValueFlags) {
  const Settings s =
      Accepted({"-m", "8",  "-c",    "50", "-f",    "1.5", "-n",        "100", "-t", "1",  "-R",
                "7",  "-p", "31001", "-U", "31002", "-l",  "127.0.0.1", "-b",  "64", "-D", "#"});
  EXPECT_EQ(s.maxbytes, 8u * 1024 * 1024);
  EXPECT_EQ(s.maxconns, 50u);
  EXPECT_EQ(s.factor, 1.5);
  EXPECT_EQ(s.chunk_size, 100u);
  EXPECT_EQ(s.num_threads, 1u);
  EXPECT_EQ(s.reqs_per_event, 7u);
  EXPECT_EQ(s.tcp_port, 31001u);
  EXPECT_EQ(s.udp_port, 31002u);
  EXPECT_EQ(s.inter, "127.0.0.1");
  EXPECT_EQ(s.backlog, 64u);
  EXPECT_EQ(s.prefix_delimiter, '#');
  EXPECT_TRUE(s.detail_enabled);
}

TEST(ServerFlags, SwitchFlags) {
  const Settings s = Accepted({"-M", "-C", "-F", "-A", "-vv"});
  EXPECT_FALSE(s.evict_to_free);
  EXPECT_FALSE(s.use_cas);
  EXPECT_FALSE(s.flush_enabled);
  EXPECT_TRUE(s.shutdown_command);
  EXPECT_EQ(s.verbose, 2u);
}

TEST(ServerFlags, MemoryLimitIsParsedLikeAtoi) {
  EXPECT_EQ(Accepted({"-m", "2"}).maxbytes, 2u * 1024 * 1024);
  EXPECT_EQ(Accepted({"-m", "16mb"}).maxbytes, 16u * 1024 * 1024);
}

TEST(ServerFlags, ItemSizeSuffixes) {
  EXPECT_EQ(Accepted({"-I", "1048576"}).item_size_max, 1048576u);
  EXPECT_EQ(Accepted({"-I", "1536k"}).item_size_max, 1536u * 1024);
  EXPECT_EQ(Accepted({"-I", "1536K"}).item_size_max, 1536u * 1024);
  EXPECT_EQ(Accepted({"-I", "2m"}).item_size_max, 2u * 1024 * 1024);
  EXPECT_EQ(Accepted({"-I", "2M"}).item_size_max, 2u * 1024 * 1024);
  EXPECT_EQ(Accepted({"-I", "32m", "-m", "64"}).item_size_max, 32u * 1024 * 1024);
}

TEST(ServerFlags, LargeItemSizeBringsBackHalfPageChunks) {
  EXPECT_EQ(Accepted({"-I", "2m"}).slab_chunk_size_max, 524288u);
  EXPECT_EQ(Accepted({"-o", "no_modern", "-I", "2m"}).slab_chunk_size_max, 524288u);
  EXPECT_EQ(Accepted({"-o", "no_modern", "-I", "4m"}).slab_chunk_size_max, 524288u);
  EXPECT_EQ(Accepted({"-o", "no_modern", "-I", "1m"}).slab_chunk_size_max, 1048576u);
}

TEST(ServerFlags, NoModernSelectsTheFlatLru) {
  const Settings s = Accepted({"-o", "no_modern"});
  EXPECT_EQ(s.slab_chunk_size_max, 1048576u);
  EXPECT_FALSE(s.slab_reassign);
  EXPECT_EQ(s.slab_automove, 0u);
  EXPECT_FALSE(s.maxconns_fast);
  EXPECT_FALSE(s.lru_segmented);
  EXPECT_TRUE(s.hash_is_jenkins);
  EXPECT_FALSE(s.lru_crawler);
  EXPECT_FALSE(s.lru_maintainer_thread);
  EXPECT_EQ(s.maxbytes, 64u * 1024 * 1024);
  EXPECT_EQ(s.item_size_max, 1048576u);
  EXPECT_TRUE(s.use_cas);
}

TEST(ServerFlags, ModernChangesNothing) {
  const Settings modern = Accepted({"-o", "modern"});
  const Settings plain = Accepted({});
  EXPECT_EQ(modern.slab_chunk_size_max, plain.slab_chunk_size_max);
  EXPECT_EQ(modern.lru_segmented, plain.lru_segmented);
  EXPECT_EQ(modern.slab_reassign, plain.slab_reassign);
}

TEST(ServerFlags, NoModernKeepsAnEarlierSlabChunkMax) {
  EXPECT_EQ(Accepted({"-o", "slab_chunk_max=16384,no_modern"}).slab_chunk_size_max, 16384u);
  EXPECT_EQ(Accepted({"-o", "slab_chunk_max=16384", "-o", "no_modern"}).slab_chunk_size_max,
            16384u);
  EXPECT_EQ(Accepted({"-o", "no_modern,slab_chunk_max=524288"}).slab_chunk_size_max, 524288u);
}

TEST(ServerFlags, SlabChunkMaxIsInBytes) {
  EXPECT_EQ(Accepted({"-o", "slab_chunk_max=16384"}).slab_chunk_size_max, 16384u);
  EXPECT_EQ(Accepted({"-o", "slab_chunk_max=1048576"}).slab_chunk_size_max, 1048576u);
}

TEST(ServerFlags, ItemSizeChecks) {
  ExpectRefused({"-I", "1000"}, "Item max size cannot be less than 1024 bytes.", kExitUsage);
  ExpectRefused({"-I", "1023"}, "Item max size cannot be less than 1024 bytes.", kExitUsage);
  ExpectRefused({"-I", "1g"}, "Item max size cannot be less than 1024 bytes.", kExitUsage);
  ExpectRefused({"-I", "2m", "-m", "3"},
                "Cannot set item size limit higher than 1/2 of memory max.", kExitUsage);
  ExpectRefused({"-I", "33m"}, "Cannot set item size limit higher than 1/2 of memory max.",
                kExitUsage);
  ExpectRefused({"-m", "0"}, "Cannot set item size limit higher than 1/2 of memory max.",
                kExitUsage);
  ExpectRefused({"-m", "1", "-I", "1m"},
                "Cannot set item size limit higher than 1/2 of memory max.", kExitUsage);
  ExpectRefused({"-I", "1025m", "-m", "4096"}, "Cannot set item size limit higher than a gigabyte.",
                kExitUsage);
}

TEST(ServerFlags, SlabChunkMaxChecks) {
  ExpectRefused({"-I", "5k"},
                "slab_chunk_max (bytes: 524288) cannot be larger than -I (item_size_max 5120)",
                kExitUsage);
  ExpectRefused({"-I", "1024"},
                "slab_chunk_max (bytes: 524288) cannot be larger than -I (item_size_max 1024)",
                kExitUsage);
  ExpectRefused({"-o", "no_modern", "-I", "512k"},
                "slab_chunk_max (bytes: 1048576) cannot be larger than -I (item_size_max 524288)",
                kExitUsage);
  ExpectRefused(
      {"-I", "2000k"},
      "-I (item_size_max: 2048000) must be evenly divisible by slab_chunk_max (bytes: 524288)",
      kExitUsage);
  ExpectRefused(
      {"-o", "slab_chunk_max=1000"},
      "-I (item_size_max: 1048576) must be evenly divisible by slab_chunk_max (bytes: 1000)",
      kExitUsage);
  ExpectRefused({"-o", "slab_chunk_max=2097152", "-I", "2m"},
                "slab_chunk_max (bytes: 2097152) must divide evenly into 1048576 (slab_page_size)",
                kExitUsage);
}

TEST(ServerFlags, ChecksDuringParsingExitWithOne) {
  ExpectRefused({"-f", "1.0"}, "Factor must be greater than 1", 1);
  ExpectRefused({"-f", "0.5"}, "Factor must be greater than 1", 1);
  ExpectRefused({"-f", "abc"}, "Factor must be greater than 1", 1);
  ExpectRefused({"-n", "0"}, "Chunk size must be greater than 0", 1);
  ExpectRefused({"-n", "abc"}, "Chunk size must be greater than 0", 1);
  ExpectRefused({"-t", "0"}, "Number of threads must be greater than 0", 1);
  ExpectRefused({"-c", "0"}, "Maximum connections must be greater than 0", 1);
  ExpectRefused({"-c", "-5"}, "Maximum connections must be greater than 0", 1);
  ExpectRefused({"-R", "0"}, "Number of requests per event must be greater than 0", 1);
  ExpectRefused({"-o", "bogus"}, "Illegal suboption \"bogus\"", 1);
  ExpectRefused({"-o", "no_modern,bogus"}, "Illegal suboption \"bogus\"", 1);
}

TEST(ServerFlags, EmptyDelimiterIsRefused) {
  ExpectRefused({"-D", ""}, "No delimiter specified", 1);
}

TEST(ServerFlags, HashpowerSuboption) {
  Accepted({"-o", "hashpower=20"});
  ExpectRefused({"-o", "hashpower=11"}, "Initial hashtable multiplier of 11 is too low", 1);
}

TEST(ServerFlags, LruSuboptions) {
  const Settings flat_with_maintainer = Accepted({"-o", "no_modern,lru_maintainer"});
  EXPECT_TRUE(flat_with_maintainer.lru_maintainer_thread);
  EXPECT_TRUE(flat_with_maintainer.lru_segmented);
  const Settings without_maintainer = Accepted({"-o", "no_lru_maintainer"});
  EXPECT_FALSE(without_maintainer.lru_maintainer_thread);
  EXPECT_FALSE(without_maintainer.lru_segmented);
  EXPECT_TRUE(Accepted({"-o", "no_modern,lru_crawler"}).lru_crawler);
  EXPECT_FALSE(Accepted({"-o", "no_lru_crawler"}).lru_crawler);
  const Settings tuned =
      Accepted({"-o", "hot_lru_pct=30,warm_lru_pct=50,hot_max_factor=0.5,warm_max_factor=3"});
  EXPECT_EQ(tuned.hot_lru_pct, 30u);
  EXPECT_EQ(tuned.warm_lru_pct, 50u);
  EXPECT_EQ(tuned.hot_max_factor, 0.5);
  EXPECT_EQ(tuned.warm_max_factor, 3.0);
  EXPECT_TRUE(Accepted({"-o", "hash_algorithm=jenkins"}).hash_is_jenkins);
  EXPECT_EQ(Accepted({"-o", "idle_timeout=30"}).idle_timeout, 30u);
}

TEST(ServerFlags, TemporaryTtlTurnsOnTheTemporaryLru) {
  const Settings s = Accepted({"-o", "temporary_ttl=30"});
  EXPECT_TRUE(s.temp_lru);
  EXPECT_EQ(s.temporary_ttl, 30u);
  ExpectRefused({"-o", "temp_lru"}, "Illegal suboption \"temp_lru\"", 1);
  ExpectRefused({"-o", "no_modern,temporary_ttl=30"},
                "temporary_ttl requires lru_maintainer to be enabled", kExitUsage);
}

// Messages and settings as memcached 1.6.18 gives them for the same flags.
TEST(ServerFlags, SlabMoveSuboptions) {
  ExpectRefused({"-o", "slab_automove=3"}, "slab_automove must be between 0 and 2", 1);
  ExpectRefused({"-o", "slab_automove_ratio=0"}, "slab_automove_ratio must be > 0 and < 1", 1);
  ExpectRefused({"-o", "slab_automove_ratio"}, "Missing slab_automove_ratio argument", 1);
  ExpectRefused({"-o", "slab_automove_window=2"}, "slab_automove_window must be > 2", 1);
  const FlagParseResult parsed = ParseServerFlags(
      {"-o", "slab_automove=2,slab_automove_ratio=0.5,slab_automove_window=10,no_slab_reassign"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_FALSE(parsed.settings.slab_reassign);
  EXPECT_EQ(parsed.settings.slab_automove, 2u);
  EXPECT_EQ(parsed.settings.slab_automove_ratio, 0.5);
  EXPECT_EQ(parsed.settings.slab_automove_window, 10u);
  EXPECT_EQ(ParseServerFlags({"-o", "no_modern,slab_automove"}).settings.slab_automove, 1u);
}

TEST(ServerFlags, LruSuboptionChecks) {
  ExpectRefused({"-o", "hot_lru_pct=0"}, "hot_lru_pct must be > 1 and < 80", 1);
  ExpectRefused({"-o", "warm_lru_pct=80"}, "warm_lru_pct must be > 1 and < 80", 1);
  ExpectRefused({"-o", "hot_max_factor=0"}, "hot_max_factor must be > 0", 1);
  ExpectRefused({"-o", "warm_max_factor=0"}, "warm_max_factor must be > 0", 1);
  ExpectRefused({"-o", "hot_lru_pct"}, "Missing hot_lru_pct argument", 1);
  ExpectRefused({"-o", "lru_crawler_sleep=2000000"},
                "LRU crawler sleep must be between 0 and 1 second", 1);
  ExpectRefused({"-o", "hash_algorithm=sha"},
                "Unknown hash_algorithm option (jenkins, murmur3, xxh3)", 1);
  ExpectRefused({"-o", "hot_lru_pct=50,warm_lru_pct=40"},
                "hot_lru_pct + warm_lru_pct cannot be more than 80% combined", kExitUsage);
}

TEST(ServerFlags, ParsingChecksComeBeforeTheSettingsChecks) {
  // -m 0 alone fails a post-parse check (exit 64); -f fails while parsing.
  ExpectRefused({"-m", "0", "-f", "1"}, "Factor must be greater than 1", 1);
}

TEST(ServerFlags, ManyThreadsOnlyWarn) {
  EXPECT_EQ(Accepted({"-t", "65"}).num_threads, 65u);
}

TEST(ServerFlags, UnknownOrIncompleteFlagsExitWithOne) {
  EXPECT_EQ(ParseServerFlags({"-Q"}).exit_status, 1);
  const FlagParseResult missing_value = ParseServerFlags({"-m"});
  EXPECT_EQ(missing_value.exit_status, 1);
  EXPECT_NE(missing_value.error.find("option requires an argument -- 'm'"), std::string::npos);
}

// -Y: the file is read when the flags are parsed, with memcached's messages.
TEST(ServerFlags, AuthFile) {
  const std::string path = ::testing::TempDir() + "mcspec-auth-users.txt";
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs("alice:secret\r\nbob:\nc:d\ne:f\ng:h\ni:j\nk:l\nm:n\no:p\n", file);
    std::fclose(file);
  }
  const Settings settings = Accepted({"-Y", path});
  EXPECT_EQ(settings.auth_file, path);
  ASSERT_EQ(settings.auth_entries.size(), 8u);  // memcached reads at most 8
  EXPECT_EQ(settings.auth_entries[0], (std::pair<std::string, std::string>{"alice", "secret"}));
  EXPECT_EQ(settings.auth_entries[1], (std::pair<std::string, std::string>{"bob", ""}));

  ExpectRefused({"-Y", "/nonexistent/users"},
                "Could not open authfile [/nonexistent/users] for reading, error No such file or "
                "directory: No such file or directory",
                1);
  ExpectRefused({"-U", "11211", "-Y", path},
                "Cannot use UDP with ascii authentication enabled (-U 0 to disable)", kExitUsage);
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs("alice:secret\nnocolon\n", file);
    std::fclose(file);
  }
  ExpectRefused({"-Y", path},
                "Authfile [" + path + "] has a malformed entry. Should be 'user:password'", 1);
  std::remove(path.c_str());
}

TEST(ServerFlags, ProcessFlags) {
  const Settings s = Accepted({"-d", "-P", "/tmp/x.pid", "-u", "nobody"});
  EXPECT_TRUE(s.daemonize);
  EXPECT_EQ(s.pid_file, "/tmp/x.pid");
  EXPECT_EQ(s.username, "nobody");
}

// memcached 1.6.18: a UDP port given without -p becomes the TCP port too;
// -1 asks for any free port.
TEST(ServerFlags, Ports) {
  EXPECT_EQ(Accepted({"-U", "11300"}).tcp_port, 11300);
  EXPECT_EQ(Accepted({"-p", "11400", "-U", "11300"}).tcp_port, 11400);
  EXPECT_EQ(Accepted({"-U", "0"}).tcp_port, 11211);
  EXPECT_EQ(Accepted({"-p", "-1"}).tcp_port, -1);
  const FlagParseResult bad = ParseServerFlags({"-p", "70000"});
  EXPECT_EQ(bad.error, "ERROR: Invalid port number 70000.");
  EXPECT_EQ(bad.exit_status, 64);
}

}  // namespace
}  // namespace mcspec::ref
