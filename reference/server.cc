#include "server.h"

namespace mcspec::ref {

Server::Server(const Settings& settings)
    : settings_(settings),
      clock_(settings.process_started),
      cache_(settings_, clock_, counters_),
      prefix_stats_(settings.prefix_delimiter,
                    [this](std::string_view prefix) { return cache_.Key(prefix).hash; }),
      crawler_starts_(settings.lru_crawler ? 1 : 0) {}

void Server::ResetStats() {
  counters_ = CommandCounters{};
  cache_.ResetStats();
  prefix_stats_.Clear();
}

}  // namespace mcspec::ref
