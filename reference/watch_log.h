// memcached's log watchers (`watch`): connections that receive one line per
// fetch, mutation or eviction as the server performs them.
//
// Lines have memcached 1.6.18's formats: "ts=<sec>.<usec> gid=<n> type=..."
// with URI-encoded keys. The timestamp comes from the virtual clock (whole
// seconds, so usec is 0) and gid is one counter for the whole server, taken
// by every logged event and by every watcher registration, as in memcached.
// Each watcher buffers at most 256 KiB (memcached's watcher_logbuf_size);
// events that do not fit with 128 bytes to spare are counted and reported
// as "skipped=N" just before the next line that does.
#ifndef MCSPEC_REFERENCE_WATCH_LOG_H_
#define MCSPEC_REFERENCE_WATCH_LOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace mcspec::ref {

class WatchLog {
 public:
  // memcached's LOG_* event classes.
  enum Kind : uint16_t {
    kRawCommands = 1,
    kEvictions = 2,
    kFetchers = 4,
    kMutations = 8,
    kSysEvents = 16,
    kConnEvents = 32,
    kProxyRequests = 64,
    kProxyEvents = 128,
    kProxyUser = 256,
  };

  // A new watcher of `kinds`; its buffer starts with "OK\r\n".
  int AddWatcher(uint16_t kinds);
  void RemoveWatcher(int id);
  // Whether any watcher wants events of `kind` (memcached logs nothing else).
  bool Wants(Kind kind) const { return (wanted_ & kind) != 0; }
  // Logs one event whose text follows "ts=... gid=N "; `unix_seconds` is the
  // server's time.
  void Log(Kind kind, int64_t unix_seconds, std::string_view body);
  // Moves what watcher `id` has to send into *out.
  void Take(int id, std::string* out);

  size_t watchers() const { return watchers_.size(); }
  uint64_t events_logged() const { return events_logged_; }
  uint64_t lines_sent() const { return lines_sent_; }
  uint64_t lines_skipped() const { return lines_skipped_; }

 private:
  struct Watcher {
    uint16_t kinds;
    std::string pending;
    uint64_t skipped = 0;
  };
  void UpdateWanted();
  // Appends `line` to the watcher's buffer, after its "skipped=N" note if
  // it skipped lines, or skips it.
  void Buffer(const std::string& line, Watcher* watcher);

  std::map<int, Watcher> watchers_;  // ordered: deterministic delivery
  int next_id_ = 0;
  uint16_t wanted_ = 0;
  size_t pending_watchers_ = 0;  // watchers with something to send
  uint64_t gid_ = 0;
  uint64_t events_logged_ = 0;
  uint64_t lines_sent_ = 0;
  uint64_t lines_skipped_ = 0;
};

// memcached's URI encoding of keys in log and crawler lines.
void AppendUriEncoded(std::string_view key, std::string* out);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_WATCH_LOG_H_
