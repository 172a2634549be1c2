#include "watch_log.h"

namespace mcspec::ref {
namespace {
constexpr size_t kWatcherBufferSize = size_t{256} * 1024;
}

void AppendUriEncoded(std::string_view key, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
                       (byte >= 'A' && byte <= 'Z') || byte == '-' || byte == '.' || byte == '_' ||
                       byte == '~';
    if (plain) {
      out->push_back(c);
    } else {
      out->push_back('%');
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 15]);
    }
  }
}

int WatchLog::AddWatcher(uint16_t kinds) {
  const int id = next_id_++;
  ++gid_;  // memcached takes a gid for the watcher's starting point
  watchers_[id] = Watcher{kinds, "OK\r\n"};
  ++pending_watchers_;
  UpdateWanted();
  return id;
}

void WatchLog::RemoveWatcher(int id) {
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return;
  if (!it->second.pending.empty()) --pending_watchers_;
  watchers_.erase(it);
  UpdateWanted();
}

void WatchLog::UpdateWanted() {
  wanted_ = 0;
  for (const auto& [id, watcher] : watchers_) wanted_ |= watcher.kinds;
}

void WatchLog::Log(Kind kind, int64_t unix_seconds, std::string_view body) {
  const std::string line = "ts=" + std::to_string(unix_seconds) +
                           ".0 gid=" + std::to_string(++gid_) + " " + std::string(body) + "\n";
  ++events_logged_;
  for (auto& [id, watcher] : watchers_) {
    if ((watcher.kinds & kind) == 0) continue;
    if (watcher.skipped > 0) {
      const std::string note = "skipped=" + std::to_string(watcher.skipped) + "\n";
      if (watcher.pending.size() + note.size() > kWatcherBufferSize) {
        ++watcher.skipped;
        ++lines_skipped_;
        continue;
      }
      watcher.pending += note;
      watcher.skipped = 0;
    }
    if (watcher.pending.size() + line.size() > kWatcherBufferSize) {
      ++watcher.skipped;
      ++lines_skipped_;
      continue;
    }
    watcher.pending += line;
    ++lines_sent_;
  }
  pending_watchers_ = 0;
  for (const auto& [id, watcher] : watchers_) pending_watchers_ += !watcher.pending.empty();
}

void WatchLog::Take(int id, std::string* out) {
  // The simulator polls every watcher after every delivery: most find nothing.
  if (pending_watchers_ == 0) return;
  auto it = watchers_.find(id);
  if (it == watchers_.end() || it->second.pending.empty()) return;
  out->append(it->second.pending);
  it->second.pending.clear();
  --pending_watchers_;
}

}  // namespace mcspec::ref
