// `stats detail`: per-prefix counts of gets, hits, sets and deletes, kept
// while detail is on, and dumped in memcached 1.6.18's order.
//
// memcached keeps prefixes in a 256-bucket hash table (new prefixes first in
// their bucket) and dumps it bucket by bucket, so the dump's order depends on
// the key hash; a lookup matches a stored prefix that merely starts with the
// key's prefix. Both are reproduced.
#ifndef MCSPEC_REFERENCE_PREFIX_STATS_H_
#define MCSPEC_REFERENCE_PREFIX_STATS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::ref {

class PrefixStats {
 public:
  using Hash = std::function<uint32_t(std::string_view)>;
  PrefixStats(char delimiter, Hash hash) : delimiter_(delimiter), hash_(std::move(hash)) {}

  void RecordGet(std::string_view key, bool hit);
  void RecordSet(std::string_view key);
  void RecordDelete(std::string_view key);
  // "PREFIX <p> get <n> hit <n> set <n> del <n>\r\n" lines, then "END\r\n".
  void Dump(std::string* out) const;
  void Clear();

 private:
  struct Entry {
    std::string prefix;
    uint64_t gets = 0;
    uint64_t hits = 0;
    uint64_t sets = 0;
    uint64_t deletes = 0;
  };
  Entry* Find(std::string_view key);

  char delimiter_;
  Hash hash_;
  std::array<std::vector<Entry>, 256> buckets_;  // each bucket newest last
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_PREFIX_STATS_H_
