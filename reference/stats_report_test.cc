#include "stats_report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::ref {
namespace {

// Verbatim captures from memcached 1.6.18 (Debian build, with TLS and
// extstore compiled in), taken with the workload below.
// memcached -o no_modern -p 31001 -l 127.0.0.1 -t 1: `stats` on a fresh server...
constexpr std::string_view kFreshGeneralFlat = R"(STAT pid 5045
STAT uptime 2
STAT time 1795239872
STAT version 1.6.18
STAT libevent 2.1.12-stable
STAT pointer_size 64
STAT rusage_user 0.000000
STAT rusage_system 0.003120
STAT max_connections 1024
STAT curr_connections 1
STAT total_connections 3
STAT connection_structures 3
STAT response_obj_oom 0
STAT response_obj_count 1
STAT response_obj_bytes 16384
STAT read_buf_count 2
STAT read_buf_bytes 32768
STAT read_buf_bytes_free 0
STAT read_buf_oom 0
STAT reserved_fds 5
STAT cmd_get 0
STAT cmd_set 0
STAT cmd_flush 0
STAT cmd_touch 0
STAT cmd_meta 0
STAT get_hits 0
STAT get_misses 0
STAT get_expired 0
STAT get_flushed 0
STAT delete_misses 0
STAT delete_hits 0
STAT incr_misses 0
STAT incr_hits 0
STAT decr_misses 0
STAT decr_hits 0
STAT cas_misses 0
STAT cas_hits 0
STAT cas_badval 0
STAT touch_hits 0
STAT touch_misses 0
STAT store_too_large 0
STAT store_no_memory 0
STAT auth_cmds 0
STAT auth_errors 0
STAT bytes_read 7
STAT bytes_written 0
STAT limit_maxbytes 67108864
STAT accepting_conns 1
STAT listen_disabled_num 0
STAT time_in_listen_disabled_us 0
STAT threads 1
STAT conn_yields 0
STAT hash_power_level 16
STAT hash_bytes 524288
STAT hash_is_expanding 0
STAT malloc_fails 0
STAT log_worker_dropped 0
STAT log_worker_written 0
STAT log_watcher_skipped 0
STAT log_watcher_sent 0
STAT log_watchers 0
STAT unexpected_napi_ids 0
STAT round_robin_fallback 0
STAT bytes 0
STAT curr_items 0
STAT total_items 0
STAT slab_global_page_pool 0
STAT expired_unfetched 0
STAT evicted_unfetched 0
STAT evictions 0
STAT reclaimed 0
STAT crawler_reclaimed 0
STAT crawler_items_checked 0
STAT lrutail_reflocked 0
END
)";

// ...and after the workload (kWorkload).
constexpr std::string_view kGeneralFlat = R"(STAT pid 5045
STAT uptime 2
STAT time 1795239872
STAT version 1.6.18
STAT libevent 2.1.12-stable
STAT pointer_size 64
STAT rusage_user 0.000000
STAT rusage_system 0.003905
STAT max_connections 1024
STAT curr_connections 1
STAT total_connections 3
STAT connection_structures 3
STAT response_obj_oom 0
STAT response_obj_count 1
STAT response_obj_bytes 16384
STAT read_buf_count 2
STAT read_buf_bytes 32768
STAT read_buf_bytes_free 0
STAT read_buf_oom 0
STAT reserved_fds 5
STAT cmd_get 3
STAT cmd_set 3
STAT cmd_flush 0
STAT cmd_touch 0
STAT cmd_meta 0
STAT get_hits 2
STAT get_misses 1
STAT get_expired 0
STAT get_flushed 0
STAT delete_misses 0
STAT delete_hits 1
STAT incr_misses 0
STAT incr_hits 0
STAT decr_misses 0
STAT decr_hits 0
STAT cas_misses 0
STAT cas_hits 0
STAT cas_badval 0
STAT touch_hits 0
STAT touch_misses 0
STAT store_too_large 0
STAT store_no_memory 0
STAT auth_cmds 0
STAT auth_errors 0
STAT bytes_read 114
STAT bytes_written 1768
STAT limit_maxbytes 67108864
STAT accepting_conns 1
STAT listen_disabled_num 0
STAT time_in_listen_disabled_us 0
STAT threads 1
STAT conn_yields 0
STAT hash_power_level 16
STAT hash_bytes 524288
STAT hash_is_expanding 0
STAT malloc_fails 0
STAT log_worker_dropped 0
STAT log_worker_written 0
STAT log_watcher_skipped 0
STAT log_watcher_sent 0
STAT log_watchers 0
STAT unexpected_napi_ids 0
STAT round_robin_fallback 0
STAT bytes 140
STAT curr_items 2
STAT total_items 3
STAT slab_global_page_pool 0
STAT expired_unfetched 0
STAT evicted_unfetched 0
STAT evictions 0
STAT reclaimed 0
STAT crawler_reclaimed 0
STAT crawler_items_checked 0
STAT lrutail_reflocked 0
END
)";

constexpr std::string_view kSettingsFlat = R"(STAT maxbytes 67108864
STAT maxconns 1024
STAT tcpport 31001
STAT udpport 0
STAT inter 127.0.0.1
STAT verbosity 0
STAT oldest 0
STAT evictions on
STAT domain_socket NULL
STAT umask 700
STAT shutdown_command no
STAT growth_factor 1.25
STAT chunk_size 48
STAT num_threads 1
STAT num_threads_per_udp 1
STAT stat_key_prefix :
STAT detail_enabled no
STAT reqs_per_event 20
STAT cas_enabled yes
STAT tcp_backlog 1024
STAT binding_protocol auto-negotiate
STAT auth_enabled_sasl no
STAT auth_enabled_ascii no
STAT item_size_max 1048576
STAT maxconns_fast no
STAT hashpower_init 0
STAT slab_reassign no
STAT slab_automove 0
STAT slab_automove_ratio 0.80
STAT slab_automove_window 30
STAT slab_chunk_max 1048576
STAT lru_crawler no
STAT lru_crawler_sleep 100
STAT lru_crawler_tocrawl 0
STAT tail_repair_time 0
STAT flush_enabled yes
STAT dump_enabled yes
STAT hash_algorithm jenkins
STAT lru_maintainer_thread no
STAT lru_segmented no
STAT hot_lru_pct 20
STAT warm_lru_pct 40
STAT hot_max_factor 0.20
STAT warm_max_factor 2.00
STAT temp_lru no
STAT temporary_ttl 61
STAT idle_timeout 0
STAT watcher_logbuf_size 262144
STAT worker_logbuf_size 65536
STAT read_buf_mem_limit 0
STAT track_sizes no
STAT inline_ascii_response no
STAT ext_item_size 512
STAT ext_item_age 4294967295
STAT ext_low_ttl 0
STAT ext_recache_rate 2000
STAT ext_wbuf_size 4194304
STAT ext_compact_under 0
STAT ext_drop_under 0
STAT ext_max_sleep 1000000
STAT ext_max_frag 0.80
STAT slab_automove_freeratio 0.010
STAT ext_drop_unread no
STAT ssl_enabled no
STAT ssl_chain_cert (null)
STAT ssl_key (null)
STAT ssl_verify_mode 0
STAT ssl_keyformat 1
STAT ssl_ciphers NULL
STAT ssl_ca_cert NULL
STAT ssl_wbuf_size 16384
STAT ssl_session_cache no
STAT ssl_kernel_tls no
STAT ssl_min_version tlsv1.2
STAT num_napi_ids (null)
STAT memory_file (null)
END
)";

constexpr std::string_view kItemsFlat = R"(STAT items:1:number 2
STAT items:1:age 0
STAT items:1:mem_requested 140
STAT items:1:evicted 0
STAT items:1:evicted_nonzero 0
STAT items:1:evicted_time 0
STAT items:1:outofmemory 0
STAT items:1:tailrepairs 0
STAT items:1:reclaimed 0
STAT items:1:expired_unfetched 0
STAT items:1:evicted_unfetched 0
STAT items:1:crawler_reclaimed 0
STAT items:1:crawler_items_checked 0
STAT items:1:lrutail_reflocked 0
END
)";

constexpr std::string_view kSlabsFlat = R"(STAT 1:chunk_size 96
STAT 1:chunks_per_page 10922
STAT 1:total_pages 1
STAT 1:total_chunks 10922
STAT 1:used_chunks 2
STAT 1:free_chunks 10920
STAT 1:free_chunks_end 0
STAT 1:get_hits 2
STAT 1:cmd_set 3
STAT 1:delete_hits 1
STAT 1:incr_hits 0
STAT 1:decr_hits 0
STAT 1:cas_hits 0
STAT 1:cas_badval 0
STAT 1:touch_hits 0
STAT active_slabs 1
STAT total_malloced 1048512
END
)";

// The same with the default (modern) settings and -p 31002.
constexpr std::string_view kGeneralModern = R"(STAT pid 5090
STAT uptime 2
STAT time 1795239873
STAT version 1.6.18
STAT libevent 2.1.12-stable
STAT pointer_size 64
STAT rusage_user 0.000000
STAT rusage_system 0.004498
STAT max_connections 1024
STAT curr_connections 1
STAT total_connections 3
STAT rejected_connections 0
STAT connection_structures 2
STAT response_obj_oom 0
STAT response_obj_count 1
STAT response_obj_bytes 16384
STAT read_buf_count 2
STAT read_buf_bytes 32768
STAT read_buf_bytes_free 0
STAT read_buf_oom 0
STAT reserved_fds 5
STAT cmd_get 3
STAT cmd_set 3
STAT cmd_flush 0
STAT cmd_touch 0
STAT cmd_meta 0
STAT get_hits 2
STAT get_misses 1
STAT get_expired 0
STAT get_flushed 0
STAT delete_misses 0
STAT delete_hits 1
STAT incr_misses 0
STAT incr_hits 0
STAT decr_misses 0
STAT decr_hits 0
STAT cas_misses 0
STAT cas_hits 0
STAT cas_badval 0
STAT touch_hits 0
STAT touch_misses 0
STAT store_too_large 0
STAT store_no_memory 0
STAT auth_cmds 0
STAT auth_errors 0
STAT bytes_read 114
STAT bytes_written 2285
STAT limit_maxbytes 67108864
STAT accepting_conns 1
STAT listen_disabled_num 0
STAT time_in_listen_disabled_us 0
STAT threads 1
STAT conn_yields 0
STAT hash_power_level 16
STAT hash_bytes 524288
STAT hash_is_expanding 0
STAT slab_reassign_rescues 0
STAT slab_reassign_chunk_rescues 0
STAT slab_reassign_evictions_nomem 0
STAT slab_reassign_inline_reclaim 0
STAT slab_reassign_busy_items 0
STAT slab_reassign_busy_deletes 0
STAT slab_reassign_running 0
STAT slabs_moved 0
STAT lru_crawler_running 0
STAT lru_crawler_starts 1
STAT lru_maintainer_juggles 17
STAT malloc_fails 0
STAT log_worker_dropped 0
STAT log_worker_written 0
STAT log_watcher_skipped 0
STAT log_watcher_sent 0
STAT log_watchers 0
STAT unexpected_napi_ids 0
STAT round_robin_fallback 0
STAT bytes 140
STAT curr_items 2
STAT total_items 3
STAT slab_global_page_pool 0
STAT expired_unfetched 0
STAT evicted_unfetched 0
STAT evicted_active 0
STAT evictions 0
STAT reclaimed 0
STAT crawler_reclaimed 0
STAT crawler_items_checked 0
STAT lrutail_reflocked 0
STAT moves_to_cold 0
STAT moves_to_warm 0
STAT moves_within_lru 0
STAT direct_reclaims 0
STAT lru_bumps_dropped 0
END
)";

constexpr std::string_view kSettingsModern = R"(STAT maxbytes 67108864
STAT maxconns 1024
STAT tcpport 31002
STAT udpport 0
STAT inter 127.0.0.1
STAT verbosity 0
STAT oldest 0
STAT evictions on
STAT domain_socket NULL
STAT umask 700
STAT shutdown_command no
STAT growth_factor 1.25
STAT chunk_size 48
STAT num_threads 1
STAT num_threads_per_udp 1
STAT stat_key_prefix :
STAT detail_enabled no
STAT reqs_per_event 20
STAT cas_enabled yes
STAT tcp_backlog 1024
STAT binding_protocol auto-negotiate
STAT auth_enabled_sasl no
STAT auth_enabled_ascii no
STAT item_size_max 1048576
STAT maxconns_fast yes
STAT hashpower_init 0
STAT slab_reassign yes
STAT slab_automove 1
STAT slab_automove_ratio 0.80
STAT slab_automove_window 30
STAT slab_chunk_max 524288
STAT lru_crawler yes
STAT lru_crawler_sleep 100
STAT lru_crawler_tocrawl 0
STAT tail_repair_time 0
STAT flush_enabled yes
STAT dump_enabled yes
STAT hash_algorithm murmur3
STAT lru_maintainer_thread yes
STAT lru_segmented yes
STAT hot_lru_pct 20
STAT warm_lru_pct 40
STAT hot_max_factor 0.20
STAT warm_max_factor 2.00
STAT temp_lru no
STAT temporary_ttl 61
STAT idle_timeout 0
STAT watcher_logbuf_size 262144
STAT worker_logbuf_size 65536
STAT read_buf_mem_limit 0
STAT track_sizes no
STAT inline_ascii_response no
STAT ext_item_size 512
STAT ext_item_age 4294967295
STAT ext_low_ttl 0
STAT ext_recache_rate 2000
STAT ext_wbuf_size 4194304
STAT ext_compact_under 0
STAT ext_drop_under 0
STAT ext_max_sleep 1000000
STAT ext_max_frag 0.80
STAT slab_automove_freeratio 0.010
STAT ext_drop_unread no
STAT ssl_enabled no
STAT ssl_chain_cert (null)
STAT ssl_key (null)
STAT ssl_verify_mode 0
STAT ssl_keyformat 1
STAT ssl_ciphers NULL
STAT ssl_ca_cert NULL
STAT ssl_wbuf_size 16384
STAT ssl_session_cache no
STAT ssl_kernel_tls no
STAT ssl_min_version tlsv1.2
STAT num_napi_ids (null)
STAT memory_file (null)
END
)";

constexpr std::string_view kItemsModern = R"(STAT items:1:number 2
STAT items:1:number_hot 2
STAT items:1:number_warm 0
STAT items:1:number_cold 0
STAT items:1:age_hot 0
STAT items:1:age_warm 0
STAT items:1:age 0
STAT items:1:mem_requested 140
STAT items:1:evicted 0
STAT items:1:evicted_nonzero 0
STAT items:1:evicted_time 0
STAT items:1:outofmemory 0
STAT items:1:tailrepairs 0
STAT items:1:reclaimed 0
STAT items:1:expired_unfetched 0
STAT items:1:evicted_unfetched 0
STAT items:1:evicted_active 0
STAT items:1:crawler_reclaimed 0
STAT items:1:crawler_items_checked 0
STAT items:1:lrutail_reflocked 0
STAT items:1:moves_to_cold 0
STAT items:1:moves_to_warm 0
STAT items:1:moves_within_lru 0
STAT items:1:direct_reclaims 0
STAT items:1:hits_to_hot 2
STAT items:1:hits_to_warm 0
STAT items:1:hits_to_cold 0
STAT items:1:hits_to_temp 0
END
)";

constexpr std::string_view kSlabsModern = R"(STAT 1:chunk_size 96
STAT 1:chunks_per_page 10922
STAT 1:total_pages 1
STAT 1:total_chunks 10922
STAT 1:used_chunks 2
STAT 1:free_chunks 10920
STAT 1:free_chunks_end 0
STAT 1:get_hits 2
STAT 1:cmd_set 3
STAT 1:delete_hits 1
STAT 1:incr_hits 0
STAT 1:decr_hits 0
STAT 1:cas_hits 0
STAT 1:cas_badval 0
STAT 1:touch_hits 0
STAT active_slabs 1
STAT total_malloced 1048576
END
)";

// memcached -p 40118 -l 127.0.0.1 -t 1 -m 8 -M -C -F -A -vv -D # -R 7 -c 50 -f 1.5 -n 100 -b 64 -I
// 2m
//   -o idle_timeout=30,hot_lru_pct=30,hot_max_factor=0.5, after `verbosity 1`.
constexpr std::string_view kSettingsManyFlags = R"(STAT maxbytes 8388608
STAT maxconns 50
STAT tcpport 40118
STAT udpport 0
STAT inter 127.0.0.1
STAT verbosity 1
STAT oldest 0
STAT evictions off
STAT domain_socket NULL
STAT umask 700
STAT shutdown_command yes
STAT growth_factor 1.50
STAT chunk_size 100
STAT num_threads 1
STAT num_threads_per_udp 1
STAT stat_key_prefix #
STAT detail_enabled yes
STAT reqs_per_event 7
STAT cas_enabled no
STAT tcp_backlog 64
STAT binding_protocol auto-negotiate
STAT auth_enabled_sasl no
STAT auth_enabled_ascii no
STAT item_size_max 2097152
STAT maxconns_fast yes
STAT hashpower_init 0
STAT slab_reassign yes
STAT slab_automove 1
STAT slab_automove_ratio 0.80
STAT slab_automove_window 30
STAT slab_chunk_max 524288
STAT lru_crawler yes
STAT lru_crawler_sleep 100
STAT lru_crawler_tocrawl 0
STAT tail_repair_time 0
STAT flush_enabled no
STAT dump_enabled yes
STAT hash_algorithm murmur3
STAT lru_maintainer_thread yes
STAT lru_segmented yes
STAT hot_lru_pct 30
STAT warm_lru_pct 40
STAT hot_max_factor 0.50
STAT warm_max_factor 2.00
STAT temp_lru no
STAT temporary_ttl 61
STAT idle_timeout 30
STAT watcher_logbuf_size 262144
STAT worker_logbuf_size 65536
STAT read_buf_mem_limit 0
STAT track_sizes no
STAT inline_ascii_response no
STAT ext_item_size 512
STAT ext_item_age 4294967295
STAT ext_low_ttl 0
STAT ext_recache_rate 2000
STAT ext_wbuf_size 4194304
STAT ext_compact_under 0
STAT ext_drop_under 0
STAT ext_max_sleep 1000000
STAT ext_max_frag 0.80
STAT slab_automove_freeratio 0.010
STAT ext_drop_unread no
STAT ssl_enabled no
STAT ssl_chain_cert (null)
STAT ssl_key (null)
STAT ssl_verify_mode 0
STAT ssl_keyformat 1
STAT ssl_ciphers NULL
STAT ssl_ca_cert NULL
STAT ssl_wbuf_size 16384
STAT ssl_session_cache no
STAT ssl_kernel_tls no
STAT ssl_min_version tlsv1.2
STAT num_napi_ids (null)
STAT memory_file (null)
END
)";

constexpr std::string_view kWorkload[] = {
    "set a 0 0 1\r\n1\r\n",
    "set bb 5 0 3\r\nabc\r\n",
    "set ccc 0 100 10\r\n0123456789\r\n",
    "get a\r\n",
    "get bb\r\n",
    "get nope\r\n",
    "delete a\r\n",
};

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// The capture's lines as (name, value) pairs, in order.
std::vector<std::pair<std::string, std::string>> StatLines(std::string_view report) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::istringstream in{std::string(report)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.starts_with("STAT ")) continue;
    const size_t space = line.find(' ', 5);
    lines.emplace_back(line.substr(5, space - 5),
                       space == std::string::npos ? "" : line.substr(space + 1));
  }
  return lines;
}

std::vector<std::string> StatNames(std::string_view report) {
  std::vector<std::string> names;
  for (const auto& [name, value] : StatLines(report)) names.push_back(name);
  return names;
}

class StatsConnection {
 public:
  StatsConnection(const std::vector<std::string>& flags, int64_t unix_time_at_start)
      : server_(Parse(flags, unix_time_at_start)), session_(server_) {
    server_.set_host([this] { return host; });
  }

  std::string Send(std::string_view bytes) {
    std::string out;
    session_.Receive(bytes, &out);
    return out;
  }
  void RunWorkload() {
    for (std::string_view request : kWorkload) Send(request);
  }

  HostFigures host;

 private:
  static Settings Parse(const std::vector<std::string>& flags, int64_t unix_time_at_start) {
    Settings base;
    base.process_started = unix_time_at_start - Clock::kStartOffset;
    FlagParseResult parsed = ParseServerFlags(flags, base);
    EXPECT_EQ(parsed.error, "");
    return parsed.settings;
  }

  Server server_;
  Session session_;
};

const std::vector<std::string> kFlatFlags = {"-o", "no_modern", "-p", "31001",
                                             "-l", "127.0.0.1", "-t", "1"};
const std::vector<std::string> kModernFlags = {"-p", "31002", "-l", "127.0.0.1", "-t", "1"};

// The no_modern capture, reproduced byte for byte once the host figures
// (pid, CPU time, clock) are those of the captured process.
class FlatCapture : public ::testing::Test {
 protected:
  FlatCapture() : c_(kFlatFlags, 1795239872) {
    c_.host.pid = 5045;
    c_.host.rusage_system_us = 3120;
  }
  StatsConnection c_;
};

TEST_F(FlatCapture, GeneralStatsOfAFreshServer) {
  EXPECT_EQ(c_.Send("stats\r\n"), Crlf(kFreshGeneralFlat));
}

TEST_F(FlatCapture, GeneralStatsAfterTheWorkload) {
  c_.Send("stats\r\n");
  c_.RunWorkload();
  c_.host.rusage_system_us = 3905;
  EXPECT_EQ(c_.Send("stats\r\n"), Crlf(kGeneralFlat));
}

TEST_F(FlatCapture, SettingsItemsAndSlabs) {
  c_.Send("stats\r\n");
  c_.RunWorkload();
  EXPECT_EQ(c_.Send("stats settings\r\n"), Crlf(kSettingsFlat));
  EXPECT_EQ(c_.Send("stats items\r\n"), Crlf(kItemsFlat));
  EXPECT_EQ(c_.Send("stats slabs\r\n"), Crlf(kSlabsFlat));
}

class ModernCapture : public ::testing::Test {
 protected:
  ModernCapture() : c_(kModernFlags, 1795239873) {
    c_.host.pid = 5090;
    c_.host.rusage_system_us = 3653;
    c_.host.connection_structures = 2;
  }
  StatsConnection c_;
};

TEST_F(ModernCapture, GeneralStatsNamesAndOrder) {
  c_.Send("stats\r\n");
  c_.RunWorkload();
  EXPECT_EQ(StatNames(c_.Send("stats\r\n")), StatNames(kGeneralModern));
}

TEST_F(ModernCapture, GeneralStatsValues) {
  // The LRU maintainer's juggles count grows with time in memcached, and the
  // byte count of the replies carries it.
  const std::set<std::string> varying = {"lru_maintainer_juggles", "bytes_written"};
  c_.Send("stats\r\n");
  c_.RunWorkload();
  c_.host.rusage_system_us = 4498;
  auto without_varying = [&](std::string_view report) {
    std::string text;
    for (const auto& [name, value] : StatLines(report)) {
      if (!varying.contains(name)) text.append(name).append(" ").append(value).append("\n");
    }
    return text;
  };
  EXPECT_EQ(without_varying(c_.Send("stats\r\n")), without_varying(kGeneralModern));
}

TEST_F(ModernCapture, SettingsItemsAndSlabs) {
  c_.Send("stats\r\n");
  c_.RunWorkload();
  EXPECT_EQ(c_.Send("stats settings\r\n"), Crlf(kSettingsModern));
  EXPECT_EQ(c_.Send("stats items\r\n"), Crlf(kItemsModern));
  EXPECT_EQ(c_.Send("stats slabs\r\n"), Crlf(kSlabsModern));
}

TEST(StatsSettings, ReflectFlagsAndVerbosity) {
  StatsConnection c({"-p",
                     "40118",
                     "-l",
                     "127.0.0.1",
                     "-t",
                     "1",
                     "-m",
                     "8",
                     "-M",
                     "-C",
                     "-F",
                     "-A",
                     "-vv",
                     "-D",
                     "#",
                     "-R",
                     "7",
                     "-c",
                     "50",
                     "-f",
                     "1.5",
                     "-n",
                     "100",
                     "-b",
                     "64",
                     "-I",
                     "2m",
                     "-o",
                     "idle_timeout=30,hot_lru_pct=30,hot_max_factor=0.5"},
                    1700000062);
  EXPECT_EQ(c.Send("verbosity 1\r\nflush_all 100\r\n"),
            "OK\r\nCLIENT_ERROR flush_all not allowed\r\n");
  EXPECT_EQ(c.Send("stats settings\r\n"), Crlf(kSettingsManyFlags));
}

TEST(StatsSettings, OldestIsTheDelayedFlushTime) {
  StatsConnection c({}, 1700000062);
  EXPECT_EQ(c.Send("flush_all 100\r\n"), "OK\r\n");
  EXPECT_NE(c.Send("stats settings\r\n").find("STAT oldest 161\r\n"), std::string::npos);
}

TEST(StatsGeneral, IdleTimeoutAddsIdleKicks) {
  StatsConnection plain({}, 1700000062);
  StatsConnection idle({"-o", "idle_timeout=30"}, 1700000062);
  EXPECT_EQ(plain.Send("stats\r\n").find("STAT idle_kicks"), std::string::npos);
  EXPECT_NE(
      idle.Send("stats\r\n").find("STAT auth_errors 0\r\nSTAT idle_kicks 0\r\nSTAT bytes_read"),
      std::string::npos);
}

std::string Stat(std::string_view name, std::string_view value) {
  return "STAT " + std::string(name) + " " + std::string(value) + "\r\n";
}

TEST(StatsReset, ZeroesCountersButNotItems) {
  StatsConnection c({"-o", "no_modern", "-m", "2"}, 1700000062);
  std::string fill;
  for (int i = 0; i < 21844; ++i) {
    char request[32];
    std::snprintf(request, sizeof(request), "set k%05d 0 0 1\r\nx\r\n", i);
    fill += request;
  }
  c.Send(fill);
  EXPECT_EQ(
      c.Send(
          "get k00001 nope\r\nset z 0 0 1\r\nx\r\nset e 0 -1 1\r\nx\r\nget e\r\nincr k00002 1\r\n"
          "touch k00003 0\r\ndelete k00004\r\ncas k00005 0 0 1 1\r\nx\r\n"),
      "VALUE k00001 0 1\r\nx\r\nEND\r\nSTORED\r\nSTORED\r\nEND\r\n"
      "CLIENT_ERROR cannot increment or decrement non-numeric "
      "value\r\nTOUCHED\r\nDELETED\r\nEXISTS\r\n");
  EXPECT_EQ(c.Send("stats reset\r\n"), "RESET\r\n");

  const std::string general = c.Send("stats\r\n");
  for (const char* counter :
       {"cmd_get",     "cmd_set",      "cmd_flush",   "cmd_touch",         "get_hits",
        "get_misses",  "get_expired",  "get_flushed", "delete_misses",     "delete_hits",
        "incr_misses", "incr_hits",    "cas_misses",  "cas_hits",          "cas_badval",
        "touch_hits",  "touch_misses", "total_items", "expired_unfetched", "evicted_unfetched",
        "evictions",   "reclaimed"}) {
    EXPECT_NE(general.find(Stat(counter, "0")), std::string::npos) << counter;
  }
  // The reset request itself is not counted; its reply is.
  EXPECT_NE(general.find(Stat("bytes_read", "7") + Stat("bytes_written", "7")), std::string::npos)
      << general;
  EXPECT_NE(general.find(Stat("bytes", "1441567") + Stat("curr_items", "21842") +
                         Stat("total_items", "0")),
            std::string::npos)
      << general;

  EXPECT_EQ(
      c.Send("stats items\r\n"),
      "STAT items:1:number 21842\r\nSTAT items:1:age 0\r\nSTAT items:1:mem_requested 1441567\r\n"
      "STAT items:1:evicted 0\r\nSTAT items:1:evicted_nonzero 0\r\nSTAT items:1:evicted_time 0\r\n"
      "STAT items:1:outofmemory 0\r\nSTAT items:1:tailrepairs 0\r\nSTAT items:1:reclaimed 0\r\n"
      "STAT items:1:expired_unfetched 0\r\nSTAT items:1:evicted_unfetched 0\r\n"
      "STAT items:1:crawler_reclaimed 0\r\nSTAT items:1:crawler_items_checked 0\r\n"
      "STAT items:1:lrutail_reflocked 0\r\nEND\r\n");
  EXPECT_EQ(
      c.Send("stats slabs\r\n"),
      "STAT 1:chunk_size 96\r\nSTAT 1:chunks_per_page 10922\r\nSTAT 1:total_pages 2\r\n"
      "STAT 1:total_chunks 21844\r\nSTAT 1:used_chunks 21842\r\nSTAT 1:free_chunks 2\r\n"
      "STAT 1:free_chunks_end 0\r\nSTAT 1:get_hits 0\r\nSTAT 1:cmd_set 0\r\nSTAT 1:delete_hits "
      "0\r\n"
      "STAT 1:incr_hits 0\r\nSTAT 1:decr_hits 0\r\nSTAT 1:cas_hits 0\r\nSTAT 1:cas_badval 0\r\n"
      "STAT 1:touch_hits 0\r\nSTAT active_slabs 1\r\nSTAT total_malloced 2097024\r\nEND\r\n");
}

TEST(StatsSubcommands, EmptyStoreHasNoItemsOrSlabs) {
  StatsConnection c({"-o", "no_modern"}, 1700000062);
  EXPECT_EQ(c.Send("stats items\r\n"), "END\r\n");
  EXPECT_EQ(c.Send("stats slabs\r\n"), "STAT active_slabs 0\r\nSTAT total_malloced 0\r\nEND\r\n");
}

TEST(StatsSubcommands, ExtraWordsAreIgnored) {
  StatsConnection c({"-o", "no_modern"}, 1700000062);
  EXPECT_EQ(c.Send("stats slabs 1\r\n"), "STAT active_slabs 0\r\nSTAT total_malloced 0\r\nEND\r\n");
  EXPECT_EQ(c.Send("stats reset now\r\n"), "RESET\r\n");
  EXPECT_EQ(c.Send("stats settings x\r\n"), c.Send("stats settings\r\n"));
  EXPECT_TRUE(c.Send("stats  \r\n").starts_with("STAT pid "));
}

TEST(StatsSubcommands, UnknownSubcommandIsError) {
  StatsConnection c({}, 1700000062);
  EXPECT_EQ(c.Send("stats foo\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("stats SETTINGS\r\n"), "ERROR\r\n");
}

TEST(StatsSubcommands, Sizes) {
  StatsConnection c({}, 1700000062);
  EXPECT_EQ(c.Send("stats sizes\r\n"), "STAT sizes_status disabled\r\nEND\r\n");
}

TEST(StatsSubcommands, Detail) {
  StatsConnection c({}, 1700000062);
  EXPECT_EQ(c.Send("stats detail on\r\nstats detail off\r\nstats detail dump\r\n"),
            "OK\r\nOK\r\nEND\r\n");
  EXPECT_EQ(c.Send("stats detail\r\n"), "CLIENT_ERROR usage: stats detail on|off|dump\r\n");
}

}  // namespace
}  // namespace mcspec::ref
