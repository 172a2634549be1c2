#include "memcached_oracle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace mcspec::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

MemcachedOracle::MemcachedOracle(const std::vector<std::string>& flags) {
  const char* binary = std::getenv("MCSPEC_MEMCACHED");
  // Another process may take the port between the probe and memcached's bind;
  // then memcached exits and a new port is tried.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreeLoopbackPort();
    std::vector<std::string> argv = {binary ? binary : "memcached", "-l", "127.0.0.1", "-p",
                                     std::to_string(port_)};
    if (geteuid() == 0) argv.insert(argv.end(), {"-u", "root"});
    argv.insert(argv.end(), flags.begin(), flags.end());
    // memcached logs every request at -vv, and tests may raise its verbosity.
    process_ = std::make_unique<ChildProcess>(argv, false, ChildProcess::Stderr::kDiscard);
    for (int wait = 0; wait < 100 && process_->Running(); ++wait) {
      const int fd = Connect();
      if (fd >= 0) {
        close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    process_.reset();
  }
  error_ = "could not start memcached (install it with ci/install-deps.sh)";
}

int MemcachedOracle::Connect() const {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = Loopback(port_);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace mcspec::testing
