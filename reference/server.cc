#include "server.h"

#include "session.h"

namespace mcspec::ref {

Server::Server(const Settings& settings)
    : settings_(settings),
      clock_(settings.process_started),
      cache_(settings_, clock_, counters_),
      prefix_stats_(settings.prefix_delimiter,
                    [this](std::string_view prefix) { return cache_.Key(prefix).hash; }) {
  cache_.set_watch_log(&watch_log_);
  cache_.set_verbose_log(&verbose_log_);
  // memcached's maintainer thread wakes as soon as the server starts.
  cache_.MaintainerWake();
}

void Server::AdvanceClock(int64_t seconds) {
  clock_.AdvanceDebug(seconds);
  cache_.MaintainerWake();
}

void Server::Tick(uint32_t seconds) {
  if (clock_.paused()) return;
  clock_.Tick(seconds);
  cache_.MaintainerWake();
}

void Server::ResetStats() {
  if (host_reset_) host_reset_();
  counters_ = CommandCounters{};
  cache_.ResetStats();
  prefix_stats_.Clear();
}

void Server::AddListener(Listener listener) {
  listener_since_[listener.fd] = clock_.now();
  listeners_[listener.fd] = std::move(listener);
}

void Server::AppendConnsStats(const Session* asking, std::string* out) const {
  auto line = [&](int fd, std::string_view name, std::string_view value) {
    out->append("STAT ").append(std::to_string(fd)).append(":").append(name);
    out->append(" ").append(value).append("\r\n");
  };
  auto listener_it = listeners_.begin();
  auto session_it = sessions_.begin();
  while (listener_it != listeners_.end() || session_it != sessions_.end()) {
    const bool take_listener =
        session_it == sessions_.end() ||
        (listener_it != listeners_.end() && listener_it->first <= session_it->first);
    if (take_listener) {
      const Listener& listener = listener_it->second;
      ++listener_it;
      // A UDP socket is also memcached's connection that serves it (its
      // session has the socket's number): while it answers, it shows its
      // requester like any connection, otherwise its socket.
      const Session* udp_session = nullptr;
      if (listener.udp && session_it != sessions_.end() && session_it->first == listener.fd) {
        udp_session = session_it->second;
        ++session_it;
      }
      if (listener.udp) line(listener.fd, "UDP", "UDP");
      if (udp_session != nullptr && udp_session == asking) {
        line(listener.fd, "addr", udp_session->peer_addr());
        line(listener.fd, "listen_addr", udp_session->listen_addr());
        line(listener.fd, "state", "conn_parse_cmd");
      } else {
        line(listener.fd, "addr", listener.addr);
        // memcached's UDP sockets wait in conn_read, TCP and unix in conn_listening.
        line(listener.fd, "state", listener.udp ? "conn_read" : "conn_listening");
      }
      const RelTime since = udp_session != nullptr ? udp_session->last_command_time()
                                                   : listener_since_.at(listener.fd);
      line(listener.fd, "secs_since_last_cmd",
           std::to_string(static_cast<int32_t>(clock_.now() - since)));
      continue;
    }
    const int fd = session_it->first;
    const Session& session = *session_it->second;
    if (!session.peer_addr().empty()) {
      line(fd, "addr", session.peer_addr());
      line(fd, "listen_addr", session.listen_addr());
    }
    line(fd, "state", &session == asking ? "conn_parse_cmd" : session.state_name());
    line(fd, "secs_since_last_cmd",
         std::to_string(static_cast<int32_t>(clock_.now() - session.last_command_time())));
    ++session_it;
  }
}

}  // namespace mcspec::ref
