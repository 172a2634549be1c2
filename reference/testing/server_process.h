// A memcached-compatible server for network tests: mcref (MCREF_PATH) or the
// real memcached, started on 127.0.0.1 with ports chosen by the server itself
// (`-p -1`, `-U -1`) and learnt from MEMCACHED_PORT_FILENAME, so tests never
// race for a port. Stopped when the object goes away.
#ifndef MCSPEC_REFERENCE_TESTING_SERVER_PROCESS_H_
#define MCSPEC_REFERENCE_TESTING_SERVER_PROCESS_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.h"

namespace mcspec::testing {

struct ServerOptions {
  bool udp = false;  // also listen on UDP
  // Standard error goes to this file when set (else it is discarded).
  std::string stderr_path;
  // False: the test gives its own -l/-p/-s and no port file is read.
  bool listen = true;
};

class ServerProcess {
 public:
  using Options = ServerOptions;
  // `binary` is MCREF_PATH or "memcached". Check error() before use.
  ServerProcess(const std::string& binary, const std::vector<std::string>& flags, Options options);
  static std::unique_ptr<ServerProcess> Mcref(const std::vector<std::string>& flags,
                                              Options options = {});
  static std::unique_ptr<ServerProcess> Memcached(const std::vector<std::string>& flags,
                                                  Options options = {});

  const std::string& error() const { return error_; }
  int tcp_port() const { return tcp_port_; }
  int udp_port() const { return udp_port_; }
  int pid() const { return process_->pid(); }
  ChildProcess& process() { return *process_; }

  // A new blocking TCP connection (-1 on failure).
  int Connect() const;
  // A UDP socket connected to the server's UDP port.
  int ConnectUdp() const;
  // Resident memory of the server (VmRSS, KiB).
  long ResidentKiB() const;

 private:
  std::unique_ptr<ChildProcess> process_;
  int tcp_port_ = 0;
  int udp_port_ = 0;
  std::string error_;
};

// Sends `request` on a fresh connection and reads until the reply ends with
// `terminator`.
std::string Exchange(int fd, std::string_view request, std::string_view terminator);
// A unix-socket connection to `path` (-1 on failure).
int ConnectUnix(const std::string& path);
// Waits up to `timeout` for `path` to exist.
bool WaitForFile(const std::string& path, std::chrono::milliseconds timeout);

}  // namespace mcspec::testing

#endif  // MCSPEC_REFERENCE_TESTING_SERVER_PROCESS_H_
