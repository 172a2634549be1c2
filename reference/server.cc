#include "server.h"

namespace mcspec::ref {

Server::Server(const Settings& settings)
    : settings_(settings),
      clock_(settings.process_started),
      cache_(settings_, clock_, counters_),
      prefix_stats_(settings.prefix_delimiter,
                    [this](std::string_view prefix) { return cache_.Key(prefix).hash; }) {
  cache_.set_watch_log(&watch_log_);
  // memcached's maintainer thread wakes as soon as the server starts.
  cache_.MaintainerWake();
}

void Server::AdvanceClock(int64_t seconds) {
  clock_.AdvanceDebug(seconds);
  cache_.MaintainerWake();
}

void Server::ResetStats() {
  counters_ = CommandCounters{};
  cache_.ResetStats();
  prefix_stats_.Clear();
}

}  // namespace mcspec::ref
