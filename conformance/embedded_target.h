// The reference server in process as a Target: a fresh `ref::Server` for
// every case, built from the case's memcached flags, on a virtual clock that
// moves only by AdvanceClock. Connections are `ref::Session`s; nothing ever
// waits, so a run is fast and deterministic.
#ifndef MCSPEC_CONFORMANCE_EMBEDDED_TARGET_H_
#define MCSPEC_CONFORMANCE_EMBEDDED_TARGET_H_

#include <memory>

#include "server.h"
#include "target.h"

namespace mcspec::conformance {

class EmbeddedTarget : public Target {
 public:
  std::string name() const override { return "embedded"; }
  TargetCapabilities capabilities() override { return {true, true, true}; }
  bool BeginCase(const std::vector<std::string>& flags, std::string* skip_reason,
                 std::string* error) override;
  std::unique_ptr<Connection> Connect(std::string* error) override;
  bool AdvanceClock(int64_t seconds, std::string* error) override;

 private:
  std::unique_ptr<ref::Server> server_;
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_EMBEDDED_TARGET_H_
