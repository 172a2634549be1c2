#include "server.h"

namespace mcspec::ref {

Server::Server(const Settings& settings)
    : settings_(settings),
      clock_(settings.process_started),
      cache_(settings_, clock_, counters_) {}

void Server::ResetStats() {
  counters_ = CommandCounters{};
  cache_.ResetStats();
}

}  // namespace mcspec::ref
