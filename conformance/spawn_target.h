// A server that mcconform starts itself (`--spawn 'CMD ... {port}'`), as a
// Target.
//
// The command runs with a free loopback port in place of `{port}`, followed
// by the flags of the case's settings (or the target's base flags for a case
// that names none); the server is restarted only when a case needs other
// flags than the running one has. A case that sends datagrams gets a server
// started with `-U` and the same port number for UDP. The server belongs to
// this target alone, so with -j every worker runs its own. It is reached and
// judged like any network server (network_target.h), including the check that
// its `stats settings` match what the case asks.
#ifndef MCSPEC_CONFORMANCE_SPAWN_TARGET_H_
#define MCSPEC_CONFORMANCE_SPAWN_TARGET_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "network_target.h"
#include "target.h"
#include "testing/child_process.h"

namespace mcspec::conformance {

class SpawnTarget : public Target {
 public:
  // nullptr with *error set when the command is empty or has no `{port}`.
  static std::unique_ptr<SpawnTarget> Create(const std::string& command,
                                             std::vector<std::string> base_flags, ClockMode clock,
                                             std::string* error);

  std::string name() const override;
  TargetCapabilities capabilities() override;
  bool private_server() const override { return true; }
  bool BeginCase(const CaseNeeds& needs, std::string* skip_reason, std::string* error) override;
  std::unique_ptr<Connection> Connect(std::string* error) override;
  std::unique_ptr<Connection> ConnectDatagram(std::string* error) override;
  ClockMove AdvanceClock(int64_t seconds, std::string* error) override;

 private:
  SpawnTarget(std::string command, std::vector<std::string> words,
              std::vector<std::string> base_flags, ClockMode clock)
      : command_(std::move(command)),
        words_(std::move(words)),
        base_flags_(std::move(base_flags)),
        clock_(clock) {}
  // Runs the server with these extra flags (and a UDP port) unless it
  // already does.
  bool EnsureServer(const std::vector<std::string>& flags, bool udp, std::string* error);
  // Starts the command once on a free port; false when it did not listen.
  bool Start(const std::vector<std::string>& flags, bool udp, std::string* error);

  std::string command_;
  std::vector<std::string> words_;  // the command split into arguments
  std::vector<std::string> base_flags_;
  ClockMode clock_;
  std::unique_ptr<testing::ChildProcess> process_;
  std::vector<std::string> running_flags_;
  bool running_udp_ = false;
  int cases_served_ = 0;  // by the running server
  std::unique_ptr<NetworkTarget> server_;
  std::optional<TargetCapabilities> capabilities_;
};

// Splits a command line into words: blanks separate them, single or double
// quotes group them. False when a quote is not closed.
bool SplitCommandLine(const std::string& command, std::vector<std::string>* words);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_SPAWN_TARGET_H_
