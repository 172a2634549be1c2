#include "watch_log.h"

namespace mcspec::ref {
namespace {
constexpr size_t kWatcherBufferSize = size_t{256} * 1024;
constexpr size_t kSkippedNoteRoom = 128;
}  // namespace

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
    const bool had_nothing = watcher.pending.empty();
    Buffer(line, &watcher);
    if (had_nothing && !watcher.pending.empty()) ++pending_watchers_;
  }
}

void WatchLog::Buffer(const std::string& line, Watcher* watcher) {
  // memcached asks for the line's room and 128 bytes more (its note's
  // scratch) at once: without it the line is skipped and nothing written,
  // with it the note (if lines were skipped) and the line go in together.
  if (watcher->pending.size() + line.size() + kSkippedNoteRoom > kWatcherBufferSize) {
    ++watcher->skipped;
    ++lines_skipped_;
    return;
  }
  if (watcher->skipped > 0) {
    watcher->pending += "skipped=" + std::to_string(watcher->skipped) + "\n";
    watcher->skipped = 0;
  }
  watcher->pending += line;
  ++lines_sent_;
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
