// The state one reference server shares between its connections: settings,
// clock, item store and counters, plus what the host adapter reports.
//
// A Server is driven only through Sessions (session.h) and through its clock;
// it never reads the wall clock, a socket or any global. Figures the model
// cannot know (pid, CPU usage, connection bookkeeping) come from the adapter
// through `host`, whose defaults are fixed so that a run is reproducible.
#ifndef MCSPEC_REFERENCE_SERVER_H_
#define MCSPEC_REFERENCE_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "cache.h"
#include "clock.h"
#include "prefix_stats.h"
#include "settings.h"
#include "stats.h"
#include "verbose_log.h"
#include "watch_log.h"

namespace mcspec::ref {

// Process and connection figures for `stats`, as the adapter sees them.
struct HostFigures {
  uint64_t pid = 1;
  int64_t rusage_user_us = 0;
  int64_t rusage_system_us = 0;
  std::string libevent_version = "2.1.12-stable";
  // The defaults are what memcached -t 1 shows to its first TCP client.
  uint64_t curr_connections = 1;
  uint64_t total_connections = 3;
  uint64_t rejected_connections = 0;
  uint32_t connection_structures = 3;
  uint64_t response_obj_oom = 0;
  uint64_t response_obj_count = 1;
  uint64_t response_obj_bytes = 16384;
  uint64_t read_buf_count = 2;
  uint64_t read_buf_bytes = 32768;
  uint64_t read_buf_bytes_free = 0;
  uint64_t read_buf_oom = 0;
  uint32_t reserved_fds = 5;
  // Accepting stops while a server without maxconns_fast is out of file
  // descriptors; idle_timeout closes idle connections (idle_kicks).
  bool accepting_conns = true;
  uint64_t listen_disabled_num = 0;
  uint64_t time_in_listen_disabled_us = 0;
  uint64_t idle_kicks = 0;
};

class Session;

// A listening socket, as a network front end describes it for `stats conns`.
struct Listener {
  int fd = 0;
  std::string addr;  // memcached's form: "tcp:127.0.0.1:11211", "udp:...", "unix:PATH"
  bool udp = false;
};

class Server {
 public:
  explicit Server(const Settings& settings);

  Settings& settings() { return settings_; }
  const Settings& settings() const { return settings_; }
  Clock& clock() { return clock_; }
  const Clock& clock() const { return clock_; }
  Cache& cache() { return cache_; }
  const Cache& cache() const { return cache_; }
  CommandCounters& counters() { return counters_; }
  const CommandCounters& counters() const { return counters_; }
  PrefixStats& prefix_stats() { return prefix_stats_; }
  WatchLog& watch_log() { return watch_log_; }
  // memcached's -vv lines; the front end sets where they go (verbose_log.h).
  VerboseLog& verbose_log() { return verbose_log_; }
  const VerboseLog& verbose_log() const { return verbose_log_; }
  const WatchLog& watch_log() const { return watch_log_; }
  // The number a new session is known by in watch lines (1, 2, ...).
  int NextConnectionNumber() { return ++connections_; }
  // `stats conns`: the listeners a front end adds, and the live sessions,
  // which register themselves.
  void AddListener(Listener listener);
  void RegisterSession(int fd, const Session* session) { sessions_[fd] = session; }
  // A new session may already hold the number of one being destroyed.
  void UnregisterSession(int fd, const Session* session) {
    if (auto it = sessions_.find(fd); it != sessions_.end() && it->second == session) {
      sessions_.erase(it);
    }
  }
  // Lines for every listener and session in fd order; `asking` is the session
  // running the command (memcached shows it in conn_parse_cmd).
  void AppendConnsStats(const Session* asking, std::string* out) const;
  // Moves the clock (`debugtime`) and lets the background work that runs on
  // time catch up.
  void AdvanceClock(int64_t seconds);
  // A real-time adapter's once-a-second tick: like AdvanceClock, unless
  // `debugtime p` paused the clock.
  void Tick(uint32_t seconds);

  // Supplies the host figures; the default reports fixed values. `reset`,
  // when given, zeroes the adapter's counters that `stats reset` zeroes
  // (total and rejected connections, listen_disabled figures, idle_kicks).
  void set_host(std::function<HostFigures()> host, std::function<void()> reset = nullptr) {
    host_ = std::move(host);
    host_reset_ = std::move(reset);
  }
  HostFigures host() const { return host_ ? host_() : HostFigures{}; }

  // `stats reset`: every counter memcached resets (not the item totals).
  void ResetStats();

  // Set by `shutdown` (with -A); the adapter stops the server, gracefully
  // after `shutdown graceful` (memcached's SIGUSR1 path).
  bool shutdown_requested() const { return shutdown_requested_; }
  bool shutdown_graceful() const { return shutdown_graceful_; }
  void RequestShutdown(bool graceful) {
    shutdown_requested_ = true;
    shutdown_graceful_ = graceful;
  }

 private:
  Settings settings_;
  Clock clock_;
  CommandCounters counters_;
  Cache cache_;
  PrefixStats prefix_stats_;
  WatchLog watch_log_;
  VerboseLog verbose_log_{settings_};
  int connections_ = 0;
  std::map<int, Listener> listeners_;  // by fd
  std::map<int, RelTime> listener_since_;
  std::map<int, const Session*> sessions_;  // by fd
  std::function<HostFigures()> host_;
  std::function<void()> host_reset_;
  bool shutdown_requested_ = false;
  bool shutdown_graceful_ = false;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_SERVER_H_
