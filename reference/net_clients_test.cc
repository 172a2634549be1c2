// Well-known memcached clients against mcref: the libmemcached tools
// (Debian's libmemcached-tools: memccp, memccat, memcrm, memcexist,
// memctouch, memcflush, memcstat) and the pymemcache library
// (python3-pymemcache). Each scenario runs against mcref and against the real
// memcached 1.6.18, and what the client prints must be the same.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testing/server_process.h"

namespace mcspec::ref {
namespace {

using testing::ServerProcess;

struct ShellRun {
  int status = -1;
  std::string output;
};

// Runs a shell command, standard output and error together.
ShellRun Shell(const std::string& command) {
  ShellRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

bool Installed(const std::string& program) {
  return Shell("command -v " + program).status == 0;
}

std::string TempDir() {
  const std::string dir = "/tmp/mcspec-clients-" + std::to_string(getpid());
  Shell("mkdir -p " + dir);
  return dir;
}

// The libmemcached tools' session: copy files in, read them back, check,
// touch, remove, flush; every command's output and exit status.
std::string ToolsSession(int port, const std::string& dir) {
  const std::string servers = " --servers=127.0.0.1:" + std::to_string(port) + " ";
  std::string transcript;
  auto step = [&](const std::string& command) {
    const ShellRun run = Shell("cd " + dir + " && " + command);
    transcript +=
        "$ " + command + "\n" + run.output + "[exit " + std::to_string(run.status) + "]\n";
  };
  step("memccp" + servers + "alpha.txt beta.bin");
  step("memccat" + servers + "alpha.txt beta.bin");
  step("memcexist" + servers + "alpha.txt");
  step("memcexist" + servers + "missing");
  step("memctouch" + servers + "--expire=300 alpha.txt");
  step("memctouch" + servers + "--expire=300 missing");
  step("memcrm" + servers + "alpha.txt");
  step("memccat" + servers + "alpha.txt");
  step("memccp" + servers + "--set alpha.txt");
  step("memcflush" + servers);
  step("memccat" + servers + "beta.bin");
  return std::regex_replace(transcript, std::regex(std::to_string(port)), "PORT");
}

TEST(Clients, LibmemcachedToolsWorkAsWithMemcached) {
  for (const char* tool :
       {"memccp", "memccat", "memcrm", "memcexist", "memctouch", "memcflush", "memcstat"}) {
    if (!Installed(tool)) GTEST_SKIP() << tool << " missing: run ci/install-deps.sh";
  }
  const std::string dir = TempDir();
  std::ofstream(dir + "/alpha.txt") << "alpha contents\n";
  std::ofstream(dir + "/beta.bin") << std::string(100000, 'b');
  std::unique_ptr<ServerProcess> mcref = ServerProcess::Mcref({});
  std::unique_ptr<ServerProcess> memcached = ServerProcess::Memcached({});
  ASSERT_EQ(mcref->error(), "");
  if (!memcached->error().empty()) GTEST_SKIP() << memcached->error();
  const std::string with_mcref = ToolsSession(mcref->tcp_port(), dir);
  const std::string with_memcached = ToolsSession(memcached->tcp_port(), dir);
  EXPECT_EQ(with_mcref, with_memcached);
  EXPECT_NE(with_mcref.find("alpha contents"), std::string::npos) << with_mcref;

  // memcstat lists the same statistics (the values are the process's own).
  auto names = [](const std::string& report) {
    return std::regex_replace(report, std::regex(": [^\n]*"), "");
  };
  const ShellRun stat_mcref =
      Shell("memcstat --servers=127.0.0.1:" + std::to_string(mcref->tcp_port()));
  const ShellRun stat_memcached =
      Shell("memcstat --servers=127.0.0.1:" + std::to_string(memcached->tcp_port()));
  EXPECT_EQ(stat_mcref.status, 0);
  EXPECT_EQ(names(stat_mcref.output), names(stat_memcached.output));
  Shell("rm -rf " + dir);
}

// pymemcache (Debian's python3-pymemcache) through its main calls.
constexpr char kPymemcacheScript[] = R"(
import sys
from pymemcache.client.base import Client
c = Client(('127.0.0.1', int(sys.argv[1])), connect_timeout=10, timeout=10)
out = []
out.append(c.set('k', b'v1'))
out.append(c.get('k'))
out.append(c.add('k', b'v2'))
out.append(c.replace('k', b'v3'))
out.append(c.append('k', b'+'))
out.append(c.prepend('k', b'-'))
out.append(c.get('k'))
value, cas = c.gets('k')
out.append(value)
out.append(c.cas('k', b'swapped', cas))
out.append(c.cas('k', b'stale', cas))
out.append(c.set_many({'a': b'1', 'b': b'2', 'c': b'3'}))
out.append(sorted(c.get_many(['a', 'b', 'c', 'nope']).items()))
out.append(c.incr('a', 41))
out.append(c.decr('a', 2))
out.append(c.incr('nope', 1))
out.append(c.touch('a', 100))
out.append(c.delete('b'))
out.append(c.delete('b', noreply=False))
out.append(c.get('b'))
out.append(c.set('big', b'x' * 500000))
out.append(len(c.get('big')))
out.append(c.version())
out.append(sorted(k for k in c.stats() if not k.startswith(b'rusage')))
out.append(c.flush_all())
out.append(c.get('a'))
for line in out:
    print(repr(line))
)";

TEST(Clients, PymemcacheWorksAsWithMemcached) {
  if (Shell("/usr/bin/python3 -c 'import pymemcache'").status != 0) {
    GTEST_SKIP() << "python3-pymemcache missing: run ci/install-deps.sh";
  }
  const std::string dir = TempDir();
  const std::string script = dir + "/client.py";
  std::ofstream(script) << kPymemcacheScript;
  std::unique_ptr<ServerProcess> mcref = ServerProcess::Mcref({});
  std::unique_ptr<ServerProcess> memcached = ServerProcess::Memcached({});
  ASSERT_EQ(mcref->error(), "");
  if (!memcached->error().empty()) GTEST_SKIP() << memcached->error();
  const ShellRun with_mcref =
      Shell("/usr/bin/python3 " + script + " " + std::to_string(mcref->tcp_port()));
  const ShellRun with_memcached =
      Shell("/usr/bin/python3 " + script + " " + std::to_string(memcached->tcp_port()));
  EXPECT_EQ(with_mcref.status, 0) << with_mcref.output;
  EXPECT_EQ(with_mcref.output, with_memcached.output);
  EXPECT_NE(with_mcref.output.find("b'-v3+'"), std::string::npos) << with_mcref.output;
  Shell("rm -rf " + dir);
}

}  // namespace
}  // namespace mcspec::ref
