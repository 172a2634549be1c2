// The reference server in process as a Target: a fresh `ref::Server` for
// every case, built from the case's memcached flags (or the target's base
// flags for a case that names none), on a virtual clock that moves only by
// AdvanceClock. Connections are `ref::Session`s; nothing ever waits, so a run
// is fast and deterministic. A case that sends datagrams gets a server as if
// started with -U: one `ref::UdpConnection` shared by the case's UDP sockets.
// For tests of the cases mcsim shrinks, the servers may carry injected bugs
// (reference/injected_bugs.h; `mcconform --inject-bug NAME`).
#ifndef MCSPEC_CONFORMANCE_EMBEDDED_TARGET_H_
#define MCSPEC_CONFORMANCE_EMBEDDED_TARGET_H_

#include <memory>
#include <string>
#include <vector>

#include "injected_bugs.h"
#include "server.h"
#include "target.h"

namespace mcspec::conformance {

struct ConnectionCounts;
class EmbeddedUdpPort;

class EmbeddedTarget : public Target {
 public:
  // `base_flags`: the settings of cases that declare none.
  explicit EmbeddedTarget(std::vector<std::string> base_flags = {},
                          ref::InjectedBugs injected_bugs = {})
      : base_flags_(std::move(base_flags)), injected_bugs_(injected_bugs) {}

  std::string name() const override;
  TargetCapabilities capabilities() override { return {true, true, true, true}; }
  bool private_server() const override { return true; }
  bool BeginCase(const CaseNeeds& needs, std::string* skip_reason, std::string* error) override;
  std::unique_ptr<Connection> Connect(std::string* error) override;
  std::unique_ptr<Connection> ConnectDatagram(std::string* error) override;
  ClockMove AdvanceClock(int64_t seconds, std::string* error) override;

 private:
  std::vector<std::string> base_flags_;
  ref::InjectedBugs injected_bugs_;
  std::shared_ptr<ConnectionCounts> counts_;
  std::unique_ptr<ref::Server> server_;
  std::shared_ptr<EmbeddedUdpPort> udp_port_;  // after server_: it holds a Session of it
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_EMBEDDED_TARGET_H_
