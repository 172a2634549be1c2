// memcached's diagnostic lines (-vv: each request line, each out_string
// reply, each get hit, CAS failures, hash table growth, crawler reclaims), as
// the core produces them, for the front end to write where memcached writes
// them (stderr).
//
// Nothing is produced unless a sink is set and the server's current
// verbosity (-v flags, or the `verbosity` command) reaches the line's level,
// so embedded users that never set a sink pay nothing and keep nothing.
#ifndef MCSPEC_REFERENCE_VERBOSE_LOG_H_
#define MCSPEC_REFERENCE_VERBOSE_LOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "settings.h"

namespace mcspec::ref {

class VerboseLog {
 public:
  explicit VerboseLog(const Settings& settings) : settings_(settings) {}

  void set_sink(std::function<void(std::string_view)> sink) { sink_ = std::move(sink); }
  // Whether lines of this level (2 for -vv) are wanted now.
  bool enabled(uint32_t level) const { return sink_ && settings_.verbose >= level; }
  void Write(std::string_view text) const { sink_(text); }
  // Lines of work memcached hands to a background thread (a requested
  // crawl), which it logs after the request's reply: between
  // DeferBackground and FlushBackground they wait for that reply.
  void WriteBackground(std::string_view text) {
    if (deferring_) {
      deferred_.append(text);
    } else {
      Write(text);
    }
  }
  void DeferBackground() { deferring_ = true; }
  void FlushBackground() {
    deferring_ = false;
    if (!deferred_.empty()) Write(deferred_);
    deferred_.clear();
  }

 private:
  const Settings& settings_;
  std::function<void(std::string_view)> sink_;
  bool deferring_ = false;
  std::string deferred_;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_VERBOSE_LOG_H_
