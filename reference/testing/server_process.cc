#include "server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace mcspec::testing {
namespace {

int ConnectLoopback(int port, int type) {
  const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool WaitForFile(const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  struct stat st {};
  while (stat(path.c_str(), &st) != 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

ServerProcess::ServerProcess(const std::string& binary, const std::vector<std::string>& flags,
                             Options options) {
  static int counter = 0;
  const std::string port_file =
      "/tmp/mcspec-ports-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  std::remove(port_file.c_str());
  std::vector<std::string> argv = {binary};
  if (options.listen) {
    argv.insert(argv.end(), {"-l", "127.0.0.1", "-p", "-1"});
    if (options.udp) argv.insert(argv.end(), {"-U", "-1"});
  }
  if (geteuid() == 0) argv.insert(argv.end(), {"-u", "root"});
  argv.insert(argv.end(), flags.begin(), flags.end());
  // The child inherits the variable; tests are single-threaded here.
  setenv("MEMCACHED_PORT_FILENAME", port_file.c_str(), 1);
  process_ = std::make_unique<ChildProcess>(
      argv, false,
      options.stderr_path.empty() ? ChildProcess::Stderr::kDiscard : ChildProcess::Stderr::kFile,
      options.stderr_path);
  unsetenv("MEMCACHED_PORT_FILENAME");
  if (!options.listen) return;
  if (!WaitForFile(port_file, std::chrono::seconds(10))) {
    error_ = "server did not start: " + binary;
    return;
  }
  std::ifstream in(port_file);
  std::string line;
  while (std::getline(in, line)) {
    unsigned port = 0;
    if (std::sscanf(line.c_str(), "TCP INET: %u", &port) == 1) tcp_port_ = static_cast<int>(port);
    if (std::sscanf(line.c_str(), "UDP INET: %u", &port) == 1) udp_port_ = static_cast<int>(port);
  }
  std::remove(port_file.c_str());
  if (tcp_port_ == 0) error_ = "no TCP port in the port file of " + binary;
}

std::unique_ptr<ServerProcess> ServerProcess::Mcref(const std::vector<std::string>& flags,
                                                    Options options) {
  return std::make_unique<ServerProcess>(MCREF_PATH, flags, options);
}

std::unique_ptr<ServerProcess> ServerProcess::Memcached(const std::vector<std::string>& flags,
                                                        Options options) {
  const char* binary = std::getenv("MCSPEC_MEMCACHED");
  return std::make_unique<ServerProcess>(binary ? binary : "memcached", flags, options);
}

int ServerProcess::Connect() const {
  const int fd = ConnectLoopback(tcp_port_, SOCK_STREAM);
  const int one = 1;
  if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

int ServerProcess::ConnectUdp() const {
  return ConnectLoopback(udp_port_, SOCK_DGRAM);
}

long ServerProcess::ResidentKiB() const {
  std::ifstream status("/proc/" + std::to_string(process_->pid()) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::string Exchange(int fd, std::string_view request, std::string_view terminator) {
  std::string reply;
  if (!WriteFdAll(fd, request)) return reply;
  ReadFdUntil(fd, terminator, &reply, std::chrono::seconds(10));
  return reply;
}

int ConnectUnix(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace mcspec::testing
