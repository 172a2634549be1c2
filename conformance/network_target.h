// A server reached over TCP (HOST:PORT) or a unix socket (unix:PATH) as a
// Target: a real memcached, or any server of the protocol.
//
// The server is shared by every case, so a case that names settings runs only
// when the server's `stats settings` match them (settings_check.h).
// Capabilities are probed on a control connection: `mn` for the meta
// commands, `stats memory` for the reference's extensions, and `debugtime 0`
// for clock control, which AdvanceClock then uses.
//
// A server without `debugtime` can still run cases that move the clock when
// sleeping is allowed: the target waits for real seconds. memcached's clock
// ticks once a second, so to move it by exactly N a case starts right after a
// tick (its steps take milliseconds, all within that second), and each advance
// waits until the server's `time` stat reaches the case's start plus the
// seconds advanced so far.
#ifndef MCSPEC_CONFORMANCE_NETWORK_TARGET_H_
#define MCSPEC_CONFORMANCE_NETWORK_TARGET_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "target.h"

namespace mcspec::conformance {

// How a target without `debugtime` treats cases that move the clock.
enum class ClockMode { kSkip, kSleep };

class NetworkTarget : public Target {
 public:
  // The longest a case may make a sleeping target wait, in all.
  static constexpr int64_t kMaxSleepSeconds = 60;

  // `address` is HOST:PORT or unix:PATH; nullptr with *error set when it is
  // neither.
  static std::unique_ptr<NetworkTarget> Create(const std::string& address, ClockMode clock,
                                               std::string* error);

  std::string name() const override { return name_; }
  TargetCapabilities capabilities() override;
  bool private_server() const override { return false; }
  bool BeginCase(const CaseNeeds& needs, std::string* skip_reason, std::string* error) override;
  std::unique_ptr<Connection> Connect(std::string* error) override;
  // To the UDP port the server names in `stats settings` (udpport).
  std::unique_ptr<Connection> ConnectDatagram(std::string* error) override;
  ClockMove AdvanceClock(int64_t seconds, std::string* error) override;

  // Credentials the control connection authenticates with (for a server
  // started with -Y); the cases' own connections never do it for them.
  void set_credentials(std::string user, std::string password) {
    credentials_ = {std::move(user), std::move(password)};
  }

 private:
  NetworkTarget(std::string name, std::string host, std::string port, std::string unix_path,
                ClockMode clock);
  // Sends a request on the control connection and reads its answer until it
  // ends with one of the terminators; false with *error set on failure.
  bool Ask(std::string_view request, std::initializer_list<std::string_view> terminators,
           std::string* answer, std::string* error);
  // The server's `time` stat.
  bool ServerTime(int64_t* time, std::string* error);
  // Waits until the server's time is at least `time` (`after_change`: until
  // it differs from `time`).
  bool AwaitServerTime(int64_t time, bool after_change, int64_t* reached, std::string* error);

  std::string name_;
  std::string host_;
  std::string port_;
  std::string unix_path_;  // set for unix:PATH
  ClockMode clock_;
  std::optional<std::pair<std::string, std::string>> credentials_;
  std::unique_ptr<Connection> control_;
  std::optional<TargetCapabilities> capabilities_;
  bool debugtime_ = false;
  std::string udp_port_;  // the server's udpport, when it has one
  // Sleeping: the server time the case started at, and how far it has moved.
  int64_t case_start_time_ = 0;
  int64_t advanced_ = 0;
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_NETWORK_TARGET_H_
