#include "stats_report.h"

#include <cinttypes>
#include <cstdio>

namespace mcspec::ref {
namespace {

// memcached's ITEM_UPDATE_INTERVAL: `uptime` is current_time minus it.
constexpr RelTime kUptimeOffset = 60;

class StatWriter {
 public:
  explicit StatWriter(std::string* out) : out_(out) {}

  void Add(std::string_view name, std::string_view value) {
    out_->append("STAT ");
    out_->append(name);
    out_->push_back(' ');
    out_->append(value);
    out_->append("\r\n");
  }
  void Add(std::string_view name, uint64_t value) { Add(name, std::to_string(value)); }
  void AddYesNo(std::string_view name, bool value) { Add(name, value ? "yes" : "no"); }
  // printf-style value, for the formats memcached uses ("%.2f", "%o", ...).
  template <typename... Args>
  void AddFormat(std::string_view name, const char* format, Args... args) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, args...);
    Add(name, buf);
  }

 private:
  std::string* out_;
};

LruCounters ClassLruTotals(const Cache& cache, int clsid) {
  LruCounters total;
  for (int lru = 0; lru < kLruTypes; ++lru)
    total += cache.lru_counters(clsid, static_cast<Lru>(lru));
  total.evicted_time = cache.lru_counters(clsid, kColdLru).evicted_time;
  return total;
}

SlabCommandCounters SlabTotals(const CommandCounters& counters) {
  SlabCommandCounters total;
  for (const SlabCommandCounters& c : counters.slab) {
    total.set_cmds += c.set_cmds;
    total.touch_hits += c.touch_hits;
    total.delete_hits += c.delete_hits;
    total.incr_hits += c.incr_hits;
    total.decr_hits += c.decr_hits;
    total.cas_hits += c.cas_hits;
    total.cas_badval += c.cas_badval;
  }
  return total;
}

}  // namespace

void AppendGeneralStats(const Server& server, std::string* out) {
  const Settings& settings = server.settings();
  const CommandCounters& counters = server.counters();
  const Cache& cache = server.cache();
  const HostFigures host = server.host();
  const RelTime now = server.clock().now();
  const SlabCommandCounters slab = SlabTotals(counters);
  uint64_t get_hits = 0;
  for (int clsid = 0; clsid < kMaxSlabClasses; ++clsid) get_hits += counters.ClassGetHits(clsid);

  StatWriter w(out);
  w.Add("pid", host.pid);
  w.Add("uptime", static_cast<RelTime>(now - kUptimeOffset));
  w.Add("time", std::to_string(server.clock().unix_now()));
  w.Add("version", "1.6.18");
  w.Add("libevent", host.libevent_version);
  w.Add("pointer_size", 64);
  w.AddFormat("rusage_user", "%" PRId64 ".%06" PRId64, host.rusage_user_us / 1000000,
              host.rusage_user_us % 1000000);
  w.AddFormat("rusage_system", "%" PRId64 ".%06" PRId64, host.rusage_system_us / 1000000,
              host.rusage_system_us % 1000000);
  w.Add("max_connections", settings.maxconns);
  w.Add("curr_connections", host.curr_connections);
  w.Add("total_connections", host.total_connections);
  if (settings.maxconns_fast) w.Add("rejected_connections", host.rejected_connections);
  w.Add("connection_structures", host.connection_structures);
  w.Add("response_obj_oom", host.response_obj_oom);
  w.Add("response_obj_count", host.response_obj_count);
  w.Add("response_obj_bytes", host.response_obj_bytes);
  w.Add("read_buf_count", host.read_buf_count);
  w.Add("read_buf_bytes", host.read_buf_bytes);
  w.Add("read_buf_bytes_free", host.read_buf_bytes_free);
  w.Add("read_buf_oom", host.read_buf_oom);
  w.Add("reserved_fds", host.reserved_fds);
  w.Add("cmd_get", counters.get_cmds);
  w.Add("cmd_set", slab.set_cmds);
  w.Add("cmd_flush", counters.flush_cmds);
  w.Add("cmd_touch", counters.touch_cmds);
  w.Add("cmd_meta", counters.meta_cmds);
  w.Add("get_hits", get_hits);
  w.Add("get_misses", counters.get_misses);
  w.Add("get_expired", counters.get_expired);
  w.Add("get_flushed", counters.get_flushed);
  w.Add("delete_misses", counters.delete_misses);
  w.Add("delete_hits", slab.delete_hits);
  w.Add("incr_misses", counters.incr_misses);
  w.Add("incr_hits", slab.incr_hits);
  w.Add("decr_misses", counters.decr_misses);
  w.Add("decr_hits", slab.decr_hits);
  w.Add("cas_misses", counters.cas_misses);
  w.Add("cas_hits", slab.cas_hits);
  w.Add("cas_badval", slab.cas_badval);
  w.Add("touch_hits", slab.touch_hits);
  w.Add("touch_misses", counters.touch_misses);
  w.Add("store_too_large", counters.store_too_large);
  w.Add("store_no_memory", counters.store_no_memory);
  w.Add("auth_cmds", counters.auth_cmds);
  w.Add("auth_errors", counters.auth_errors);
  if (settings.idle_timeout != 0) w.Add("idle_kicks", host.idle_kicks);
  w.Add("bytes_read", counters.bytes_read);
  w.Add("bytes_written", counters.bytes_written);
  w.Add("limit_maxbytes", settings.maxbytes);
  w.Add("accepting_conns", host.accepting_conns ? 1 : 0);
  w.Add("listen_disabled_num", host.listen_disabled_num);
  w.Add("time_in_listen_disabled_us", host.time_in_listen_disabled_us);
  w.Add("threads", settings.num_threads);
  w.Add("conn_yields", counters.conn_yields);
  w.Add("hash_power_level", cache.hash_power());
  w.Add("hash_bytes", cache.hash_bytes());
  w.Add("hash_is_expanding", 0);
  if (settings.slab_reassign) {
    const SlabMoveStats& moves = cache.slab_move_stats();
    w.Add("slab_reassign_rescues", moves.rescues);
    w.Add("slab_reassign_chunk_rescues", moves.chunk_rescues);
    w.Add("slab_reassign_evictions_nomem", moves.evictions_nomem);
    w.Add("slab_reassign_inline_reclaim", moves.inline_reclaim);
    w.Add("slab_reassign_busy_items", moves.busy_items);
    w.Add("slab_reassign_busy_deletes", moves.busy_deletes);
    w.Add("slab_reassign_running", moves.running ? 1 : 0);
    w.Add("slabs_moved", moves.slabs_moved);
  }
  if (settings.lru_crawler) {
    w.Add("lru_crawler_running", 0);
    w.Add("lru_crawler_starts", cache.crawler_starts());
  }
  if (settings.lru_maintainer_thread) w.Add("lru_maintainer_juggles", cache.maintainer_juggles());
  const WatchLog& log = server.watch_log();
  w.Add("malloc_fails", 0);
  w.Add("log_worker_dropped", 0);
  w.Add("log_worker_written", log.events_logged());
  w.Add("log_watcher_skipped", log.lines_skipped());
  w.Add("log_watcher_sent", log.lines_sent());
  w.Add("log_watchers", log.watchers());
  w.Add("unexpected_napi_ids", 0);
  w.Add("round_robin_fallback", 0);
  w.Add("bytes", cache.totals().curr_bytes);
  w.Add("curr_items", cache.totals().curr_items);
  w.Add("total_items", cache.totals().total_items);
  w.Add("slab_global_page_pool", cache.slabs().global_pool_pages());

  LruCounters totals;
  for (int clsid = 0; clsid < kMaxSlabClasses; ++clsid) totals += ClassLruTotals(cache, clsid);
  w.Add("expired_unfetched", totals.expired_unfetched);
  w.Add("evicted_unfetched", totals.evicted_unfetched);
  if (settings.lru_maintainer_thread) w.Add("evicted_active", totals.evicted_active);
  w.Add("evictions", totals.evicted);
  w.Add("reclaimed", totals.reclaimed);
  w.Add("crawler_reclaimed", totals.crawler_reclaimed);
  w.Add("crawler_items_checked", totals.crawler_items_checked);
  w.Add("lrutail_reflocked", totals.lrutail_reflocked);
  if (settings.lru_maintainer_thread) {
    w.Add("moves_to_cold", totals.moves_to_cold);
    w.Add("moves_to_warm", totals.moves_to_warm);
    w.Add("moves_within_lru", totals.moves_within_lru);
    w.Add("direct_reclaims", totals.direct_reclaims);
    w.Add("lru_bumps_dropped", server.cache().lru_bumps_dropped());
  }
}

void AppendSettingsStats(const Server& server, std::string* out) {
  const Settings& s = server.settings();
  StatWriter w(out);
  w.Add("maxbytes", s.maxbytes);
  w.Add("maxconns", s.maxconns);
  w.Add("tcpport", std::to_string(s.tcp_port));
  w.Add("udpport", std::to_string(s.udp_port));
  w.Add("inter", s.inter.empty() ? "NULL" : s.inter);
  w.Add("verbosity", s.verbose);
  w.Add("oldest", server.cache().oldest_live());
  w.Add("evictions", s.evict_to_free ? "on" : "off");
  w.Add("domain_socket", s.socketpath.empty() ? "NULL" : s.socketpath);
  w.AddFormat("umask", "%o", s.access);
  w.AddYesNo("shutdown_command", s.shutdown_command);
  w.AddFormat("growth_factor", "%.2f", s.factor);
  w.Add("chunk_size", s.chunk_size);
  w.Add("num_threads", s.num_threads);
  w.Add("num_threads_per_udp", s.num_threads);
  w.Add("stat_key_prefix", std::string(1, s.prefix_delimiter));
  w.AddYesNo("detail_enabled", s.detail_enabled);
  w.Add("reqs_per_event", s.reqs_per_event);
  w.AddYesNo("cas_enabled", s.use_cas);
  w.Add("tcp_backlog", s.backlog);
  // memcached speaks only the text protocol when -Y is given.
  w.Add("binding_protocol", s.auth_file.empty() ? "auto-negotiate" : "ascii");
  w.Add("auth_enabled_sasl", "no");
  w.Add("auth_enabled_ascii", s.auth_file.empty() ? "no" : s.auth_file);
  w.Add("item_size_max", s.item_size_max);
  w.AddYesNo("maxconns_fast", s.maxconns_fast);
  w.Add("hashpower_init", s.hashpower_init);
  w.AddYesNo("slab_reassign", s.slab_reassign);
  w.Add("slab_automove", s.slab_automove);
  w.AddFormat("slab_automove_ratio", "%.2f", s.slab_automove_ratio);
  w.Add("slab_automove_window", s.slab_automove_window);
  w.Add("slab_chunk_max", s.slab_chunk_size_max);
  w.AddYesNo("lru_crawler", s.lru_crawler);
  w.Add("lru_crawler_sleep", s.lru_crawler_sleep);
  w.Add("lru_crawler_tocrawl", s.lru_crawler_tocrawl);
  w.Add("tail_repair_time", 0);
  w.AddYesNo("flush_enabled", s.flush_enabled);
  w.Add("dump_enabled", "yes");
  w.Add("hash_algorithm", s.hash_is_jenkins ? "jenkins" : "murmur3");
  w.AddYesNo("lru_maintainer_thread", s.lru_maintainer_thread);
  w.AddYesNo("lru_segmented", s.lru_segmented);
  w.Add("hot_lru_pct", s.hot_lru_pct);
  w.Add("warm_lru_pct", s.warm_lru_pct);
  w.AddFormat("hot_max_factor", "%.2f", s.hot_max_factor);
  w.AddFormat("warm_max_factor", "%.2f", s.warm_max_factor);
  w.AddYesNo("temp_lru", s.temp_lru);
  w.Add("temporary_ttl", s.temporary_ttl);
  w.Add("idle_timeout", s.idle_timeout);
  w.Add("watcher_logbuf_size", 262144);
  w.Add("worker_logbuf_size", 65536);
  w.Add("read_buf_mem_limit", 0);
  w.AddYesNo("track_sizes", server.cache().sizes_enabled());
  w.Add("inline_ascii_response", "no");
  // Debian's memcached 1.6.18 is built with extstore and TLS; these lines are
  // part of its `stats settings` even when neither is in use.
  w.Add("ext_item_size", s.ext_item_size);
  w.Add("ext_item_age", s.ext_item_age);
  w.Add("ext_low_ttl", s.ext_low_ttl);
  w.Add("ext_recache_rate", s.ext_recache_rate);
  w.Add("ext_wbuf_size", 4194304);
  w.Add("ext_compact_under", s.ext_compact_under);
  w.Add("ext_drop_under", s.ext_drop_under);
  w.Add("ext_max_sleep", s.ext_max_sleep);
  w.AddFormat("ext_max_frag", "%.2f", s.ext_max_frag);
  w.Add("slab_automove_freeratio", "0.010");
  w.AddYesNo("ext_drop_unread", s.ext_drop_unread);
  w.Add("ssl_enabled", "no");
  w.Add("ssl_chain_cert", "(null)");
  w.Add("ssl_key", "(null)");
  w.Add("ssl_verify_mode", 0);
  w.Add("ssl_keyformat", 1);
  w.Add("ssl_ciphers", "NULL");
  w.Add("ssl_ca_cert", "NULL");
  w.Add("ssl_wbuf_size", 16384);
  w.Add("ssl_session_cache", "no");
  w.Add("ssl_kernel_tls", "no");
  w.Add("ssl_min_version", "tlsv1.2");
  // memcached 1.6.18 prints these two with "%s" of a non-string: "(null)".
  w.Add("num_napi_ids", "(null)");
  w.Add("memory_file", "(null)");
}

void AppendItemsStats(const Server& server, std::string* out) {
  const Settings& settings = server.settings();
  const Cache& cache = server.cache();
  const CommandCounters& counters = server.counters();
  const RelTime now = server.clock().now();
  StatWriter w(out);
  for (int clsid = 0; clsid < kMaxSlabClasses; ++clsid) {
    uint32_t number = 0;
    uint64_t mem_requested = 0;
    for (int lru = 0; lru < kLruTypes; ++lru) {
      number += cache.lru_items(clsid, static_cast<Lru>(lru));
      mem_requested += cache.lru_bytes(clsid, static_cast<Lru>(lru));
    }
    if (number == 0) continue;
    auto age = [&](Lru lru) -> RelTime {
      ItemId tail = cache.lru_tail(clsid, lru);
      return tail == kNoItem ? 0 : static_cast<RelTime>(now - cache.item(tail).time);
    };
    const LruCounters c = ClassLruTotals(cache, clsid);
    const std::string prefix = "items:" + std::to_string(clsid) + ":";
    auto add = [&](std::string_view name, uint64_t value) {
      w.Add(prefix + std::string(name), value);
    };
    add("number", number);
    if (settings.lru_maintainer_thread) {
      add("number_hot", cache.lru_items(clsid, kHotLru));
      add("number_warm", cache.lru_items(clsid, kWarmLru));
      add("number_cold", cache.lru_items(clsid, kColdLru));
      if (settings.temp_lru) add("number_temp", cache.lru_items(clsid, kTempLru));
      add("age_hot", age(kHotLru));
      add("age_warm", age(kWarmLru));
    }
    add("age", age(kColdLru));
    add("mem_requested", mem_requested);
    add("evicted", c.evicted);
    add("evicted_nonzero", c.evicted_nonzero);
    add("evicted_time", c.evicted_time);
    add("outofmemory", c.outofmemory);
    add("tailrepairs", c.tailrepairs);
    add("reclaimed", c.reclaimed);
    add("expired_unfetched", c.expired_unfetched);
    add("evicted_unfetched", c.evicted_unfetched);
    if (settings.lru_maintainer_thread) add("evicted_active", c.evicted_active);
    add("crawler_reclaimed", c.crawler_reclaimed);
    add("crawler_items_checked", c.crawler_items_checked);
    add("lrutail_reflocked", c.lrutail_reflocked);
    if (settings.lru_maintainer_thread) {
      add("moves_to_cold", c.moves_to_cold);
      add("moves_to_warm", c.moves_to_warm);
      add("moves_within_lru", c.moves_within_lru);
      add("direct_reclaims", c.direct_reclaims);
      add("hits_to_hot", counters.lru_hits[clsid][kHotLru]);
      add("hits_to_warm", counters.lru_hits[clsid][kWarmLru]);
      add("hits_to_cold", counters.lru_hits[clsid][kColdLru]);
      add("hits_to_temp", counters.lru_hits[clsid][kTempLru]);
    }
  }
}

void AppendSlabsStats(const Server& server, std::string* out) {
  const SlabAllocator& slabs = server.cache().slabs();
  const CommandCounters& counters = server.counters();
  StatWriter w(out);
  int active = 0;
  for (int clsid = 1; clsid <= slabs.largest_class(); ++clsid) {
    const SlabClass& cls = slabs.cls(clsid);
    if (cls.pages == 0) continue;
    const std::string prefix = std::to_string(clsid) + ":";
    auto add = [&](std::string_view name, uint64_t value) {
      w.Add(prefix + std::string(name), value);
    };
    const SlabCommandCounters& c = counters.slab[clsid];
    const uint32_t total_chunks = cls.pages * cls.perslab;
    add("chunk_size", cls.size);
    add("chunks_per_page", cls.perslab);
    add("total_pages", cls.pages);
    add("total_chunks", total_chunks);
    add("used_chunks", total_chunks - cls.free_chunks);
    add("free_chunks", cls.free_chunks);
    add("free_chunks_end", 0);
    add("get_hits", counters.ClassGetHits(clsid));
    add("cmd_set", c.set_cmds);
    add("delete_hits", c.delete_hits);
    add("incr_hits", c.incr_hits);
    add("decr_hits", c.decr_hits);
    add("cas_hits", c.cas_hits);
    add("cas_badval", c.cas_badval);
    add("touch_hits", c.touch_hits);
    ++active;
  }
  w.Add("active_slabs", active);
  w.Add("total_malloced", slabs.malloced());
}

}  // namespace mcspec::ref
