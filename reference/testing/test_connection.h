// A reference server with one session over it, for tests: requests in, the
// bytes the server sends back out, and single statistics by name.
#ifndef MCSPEC_REFERENCE_TESTING_TEST_CONNECTION_H_
#define MCSPEC_REFERENCE_TESTING_TEST_CONNECTION_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace mcspec::testing {

class TestConnection {
 public:
  // `flags` are memcached's; flags the parser refuses fail the test.
  explicit TestConnection(const std::vector<std::string>& flags = {})
      : server_(Parse(flags)), session_(server_) {}

  std::string Send(std::string_view bytes) {
    std::string out;
    session_.Receive(bytes, &out);
    return out;
  }

  // Moves the virtual clock only, without the maintainer wake that
  // `debugtime` also causes.
  void AdvanceClock(int64_t seconds) { server_.clock().AdvanceDebug(seconds); }

  // The value of `name` in the reply to `family` (`stats`, `stats items`,
  // ...), or "" when the reply has no such line.
  std::string Stat(std::string_view name, std::string_view family = "stats") {
    const std::string report = Send(std::string(family) + "\r\n");
    const std::string prefix = "STAT " + std::string(name) + " ";
    const size_t at = report.find(prefix);
    if (at == std::string::npos) return "";
    const size_t start = at + prefix.size();
    return report.substr(start, report.find("\r\n", start) - start);
  }

  bool closed() const { return session_.closed(); }
  ref::Server& server() { return server_; }

 private:
  static ref::Settings Parse(const std::vector<std::string>& flags) {
    ref::FlagParseResult parsed = ref::ParseServerFlags(flags);
    EXPECT_EQ(parsed.error, "");
    return parsed.settings;
  }

  ref::Server server_;
  ref::Session session_;
};

}  // namespace mcspec::testing

#endif  // MCSPEC_REFERENCE_TESTING_TEST_CONNECTION_H_
