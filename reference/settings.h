// The reference server's settings: memcached 1.6.18's settings that the model
// implements, with memcached's defaults, and the command-line flags that set
// them.
//
// `ParseServerFlags` accepts memcached's own flag syntax (`-m 64`, `-o
// no_modern`, `-I 2m`, ...) and applies memcached's validation with its exact
// messages. A flag the reference does not implement is refused with a clear
// message rather than ignored.
#ifndef MCSPEC_REFERENCE_SETTINGS_H_
#define MCSPEC_REFERENCE_SETTINGS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "injected_bugs.h"

namespace mcspec::ref {

struct Settings {
  uint64_t maxbytes = 64ull * 1024 * 1024;  // -m (megabytes)
  uint32_t maxconns = 1024;                 // -c
  double factor = 1.25;                     // -f
  uint32_t chunk_size = 48;                 // -n
  uint32_t item_size_max = 1024 * 1024;     // -I
  uint32_t slab_page_size = 1024 * 1024;
  uint32_t slab_chunk_size_max = 512 * 1024;  // -o slab_chunk_max
  bool evict_to_free = true;                  // -M turns it off
  bool use_cas = true;                        // -C turns it off
  bool flush_enabled = true;                  // -F turns it off
  bool shutdown_command = false;              // -A
  uint32_t reqs_per_event = 20;               // -R
  uint32_t num_threads = 4;                   // -t (accepted; the model is single-threaded)
  uint32_t verbose = 0;                       // -v, and the `verbosity` command
  int32_t tcp_port = 11211;                   // -p (0: no TCP; -1: any free port)
  int32_t udp_port = 0;                       // -U (0: no UDP; -1: any free port)
  std::string inter;                          // -l (empty: all interfaces, "NULL" in stats)
  std::string socketpath;                     // -s (empty: none)
  // -Y: the file of "user:password" lines a text connection must
  // authenticate against before anything else (empty: no authentication),
  // and the entries read from it when the flags were parsed (memcached reads
  // at most 8).
  std::string auth_file;
  std::vector<std::pair<std::string, std::string>> auth_entries;
  uint32_t access = 0700;                     // -a
  uint32_t backlog = 1024;                    // -b
  char prefix_delimiter = ':';                // -D
  bool detail_enabled = false;                // `stats detail on|off`
  // Process options, which only a network front end acts on.
  bool daemonize = false;  // -d
  std::string pid_file;    // -P
  std::string username;    // -u

  // Modern (segmented) LRU options; `-o no_modern` selects the flat LRU.
  bool lru_segmented = true;
  bool slab_reassign = true;
  uint32_t slab_automove = 1;
  double slab_automove_ratio = 0.8;  // `slabs automove ratio`
  uint32_t slab_automove_window = 30;
  bool maxconns_fast = true;
  bool lru_crawler = true;
  uint32_t lru_crawler_sleep = 100;
  uint32_t lru_crawler_tocrawl = 0;
  bool lru_maintainer_thread = true;
  bool temp_lru = false;
  uint32_t hot_lru_pct = 20;
  uint32_t warm_lru_pct = 40;
  double hot_max_factor = 0.2;
  double warm_max_factor = 2.0;
  uint32_t temporary_ttl = 61;
  uint32_t idle_timeout = 0;
  uint32_t hashpower_init = 0;  // -o hashpower=N (0: memcached's default of 16)
  // Debian's memcached is built with extstore; these tunables exist (and show
  // in `stats settings`) even without a store.
  uint32_t ext_item_size = 512;
  uint32_t ext_item_age = UINT32_MAX;
  uint32_t ext_low_ttl = 0;
  uint32_t ext_recache_rate = 2000;
  uint32_t ext_compact_under = 0;
  uint32_t ext_drop_under = 0;
  uint32_t ext_max_sleep = 1000000;
  double ext_max_frag = 0.8;
  bool ext_drop_unread = false;
  bool hash_is_jenkins = false;  // murmur3 by default; no_modern picks jenkins

  // The unix time the server counts from (memcached: its start time minus 62
  // seconds). Fixed by default so that a run is reproducible.
  int64_t process_started = 1700000000;

  // Test-only faults (injected_bugs.h); no memcached flag sets them (mcref's
  // hidden --inject-bug does, for tests).
  InjectedBugs injected_bugs;
};

// Result of parsing flags: either settings, or memcached's error message (and
// the exit status memcached uses for it).
struct FlagParseResult {
  Settings settings;
  std::string error;  // empty when the flags were accepted
  int exit_status = 0;
};

FlagParseResult ParseServerFlags(const std::vector<std::string>& args, Settings base = {});

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SETTINGS_H_
