#include "prefix_stats.h"

namespace mcspec::ref {

PrefixStats::Entry* PrefixStats::Find(std::string_view key) {
  size_t length = 0;
  while (length < key.size() && key[length] != '\0' && key[length] != delimiter_) ++length;
  if (length == key.size() || key[length] != delimiter_) return nullptr;
  const std::string_view prefix = key.substr(0, length);
  std::vector<Entry>& bucket = buckets_[hash_(prefix) % buckets_.size()];
  // memcached compares the first `length` bytes only, newest entry first.
  for (auto it = bucket.rbegin(); it != bucket.rend(); ++it) {
    if (it->prefix.size() >= length && std::string_view(it->prefix).substr(0, length) == prefix) {
      return &*it;
    }
  }
  bucket.push_back(Entry{std::string(prefix)});
  return &bucket.back();
}

void PrefixStats::RecordGet(std::string_view key, bool hit) {
  if (Entry* entry = Find(key)) {
    entry->gets++;
    if (hit) entry->hits++;
  }
}

void PrefixStats::RecordSet(std::string_view key) {
  if (Entry* entry = Find(key)) entry->sets++;
}

void PrefixStats::RecordDelete(std::string_view key) {
  if (Entry* entry = Find(key)) entry->deletes++;
}

void PrefixStats::Dump(std::string* out) const {
  for (const std::vector<Entry>& bucket : buckets_) {
    for (auto it = bucket.rbegin(); it != bucket.rend(); ++it) {
      out->append("PREFIX ").append(it->prefix);
      out->append(" get ").append(std::to_string(it->gets));
      out->append(" hit ").append(std::to_string(it->hits));
      out->append(" set ").append(std::to_string(it->sets));
      out->append(" del ").append(std::to_string(it->deletes));
      out->append("\r\n");
    }
  }
  out->append("END\r\n");
}

void PrefixStats::Clear() {
  for (std::vector<Entry>& bucket : buckets_) bucket.clear();
}

}  // namespace mcspec::ref
