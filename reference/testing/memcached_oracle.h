// The real memcached 1.6.18, started by a test on a free loopback port and
// stopped when the object goes away. It is the oracle the reference is
// compared with.
#ifndef MCSPEC_REFERENCE_TESTING_MEMCACHED_ORACLE_H_
#define MCSPEC_REFERENCE_TESTING_MEMCACHED_ORACLE_H_

#include <memory>
#include <string>
#include <vector>

#include "child_process.h"

namespace mcspec::testing {

class MemcachedOracle {
 public:
  // Starts `memcached -l 127.0.0.1 -p PORT` plus `flags` ($MCSPEC_MEMCACHED or
  // memcached from PATH). Check `error()` before use.
  explicit MemcachedOracle(const std::vector<std::string>& flags);

  const std::string& error() const { return error_; }
  int port() const { return port_; }
  // A new blocking TCP connection to the server (-1 on failure).
  int Connect() const;

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string error_;
};

// A loopback TCP port that was free a moment ago.
int FreeLoopbackPort();

}  // namespace mcspec::testing

#endif  // MCSPEC_REFERENCE_TESTING_MEMCACHED_ORACLE_H_
