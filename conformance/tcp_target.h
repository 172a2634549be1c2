// A server reached over TCP at HOST:PORT (a real memcached, or any server of
// the protocol) as a Target.
//
// The server is shared by every case, so a case runs only when the server's
// `stats settings` match the case's flags (settings_check.h). Capabilities are
// probed on a control connection: `mn` for the meta commands, `debugtime 0`
// for clock control (then AdvanceClock sends `debugtime N`), `stats memory` for
// the reference's extensions.
#ifndef MCSPEC_CONFORMANCE_TCP_TARGET_H_
#define MCSPEC_CONFORMANCE_TCP_TARGET_H_

#include <memory>
#include <optional>
#include <string>

#include "target.h"

namespace mcspec::conformance {

class TcpTarget : public Target {
 public:
  // `address` is HOST:PORT; nullptr with *error set when it is not one.
  static std::unique_ptr<TcpTarget> Create(const std::string& address, std::string* error);

  std::string name() const override { return host_ + ":" + port_; }
  TargetCapabilities capabilities() override;
  bool BeginCase(const std::vector<std::string>& flags, std::string* skip_reason,
                 std::string* error) override;
  std::unique_ptr<Connection> Connect(std::string* error) override;
  bool AdvanceClock(int64_t seconds, std::string* error) override;

 private:
  TcpTarget(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}
  // Sends a request on the control connection and reads its answer until it
  // ends with one of the terminators; false with *error set on failure.
  bool Ask(std::string_view request, std::initializer_list<std::string_view> terminators,
           std::string* answer, std::string* error);

  std::string host_;
  std::string port_;
  std::unique_ptr<Connection> control_;
  std::optional<TargetCapabilities> capabilities_;
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_TCP_TARGET_H_
