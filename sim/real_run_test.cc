// `mcsim run --target` against real servers on loopback: memcached 1.6.18
// and mcref pass for several seeds (with and without evictions), mcref with
// an injected bug fails, and a target nobody listens on is a connection
// failure. The servers are started on ports they choose themselves and
// stopped by pid when the test ends, also when it fails.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "real_connection.h"
#include "real_run_command.h"
#include "swarm.h"
#include "testing/child_process.h"
#include "testing/memcached_oracle.h"
#include "testing/server_process.h"

namespace mcspec::sim {
namespace {

using testing::ServerProcess;

// No slab page moves: a move relinks items with new CAS uniques.
const std::vector<std::string> kServerFlags = {"-t", "1", "-o", "slab_automove=0"};

struct Outcome {
  int status = 0;
  std::string out;
  std::string err;
};

Outcome RunTarget(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  Outcome outcome;
  outcome.status = RunTargetCommand(args, out, err);
  outcome.out = out.str();
  outcome.err = err.str();
  return outcome;
}

std::string Target(const ServerProcess& server) {
  return "127.0.0.1:" + std::to_string(server.tcp_port());
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The first seed from `from` whose drawn parameters satisfy `wanted`.
template <typename Predicate>
uint64_t FirstSeed(uint64_t from, Predicate wanted) {
  for (uint64_t seed = from;; ++seed) {
    Prng prng(seed);
    if (wanted(SwarmParameters::Draw(prng))) return seed;
  }
}

TEST(ParseHostPort, SplitsHostAndPort) {
  std::string host;
  std::string port;
  std::string error;
  ASSERT_TRUE(ParseHostPort("127.0.0.1:11211", &host, &port, &error));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, "11211");
  ASSERT_TRUE(ParseHostPort("[::1]:80", &host, &port, &error));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, "80");
  EXPECT_FALSE(ParseHostPort("localhost", &host, &port, &error));
  EXPECT_FALSE(ParseHostPort("localhost:http", &host, &port, &error));
  EXPECT_FALSE(ParseHostPort(":11211", &host, &port, &error));
}

TEST(RealRun, RefusesBadUsage) {
  const std::vector<std::vector<std::string>> cases = {
      {"--target", "127.0.0.1:1"},
      {"--seed", "1"},
      {"--target", "127.0.0.1:1", "--seed", "1", "--ops", "5", "--duration", "1"},
      {"--target", "127.0.0.1:1", "--seed", "1", "--inject-bug", "lost_append"},
      {"--target", "nowhere", "--seed", "1"},
  };
  for (const auto& args : cases) {
    const Outcome outcome = RunTarget(args);
    EXPECT_EQ(outcome.status, 2) << outcome.err;
    EXPECT_TRUE(Contains(outcome.err, "usage: mcsim run --target")) << outcome.err;
  }
}

TEST(RealRun, NoListenerIsAConnectionFailure) {
  const std::string target = "127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  const Outcome outcome = RunTarget({"--target", target, "--seed", "1", "--ops", "10"});
  EXPECT_EQ(outcome.status, 2) << outcome.out;
  EXPECT_TRUE(Contains(outcome.out, "connection failure")) << outcome.out;
}

TEST(RealRun, MemcachedIsLinearizable) {
  auto server = ServerProcess::Memcached(kServerFlags);
  ASSERT_EQ(server->error(), "");
  for (const char* seed : {"1", "2", "3"}) {
    const Outcome outcome =
        RunTarget({"--target", Target(*server), "--seed", seed, "--duration", "2"});
    EXPECT_EQ(outcome.status, 0) << outcome.out << outcome.err;
    EXPECT_TRUE(Contains(outcome.out, "result: linearizable")) << outcome.out;
    EXPECT_TRUE(Contains(outcome.out, "not applied to a real target")) << outcome.out;
  }
}

TEST(RealRun, McrefIsLinearizable) {
  auto server = ServerProcess::Mcref(kServerFlags);
  ASSERT_EQ(server->error(), "");
  for (const char* seed : {"1", "2", "3"}) {
    const Outcome outcome =
        RunTarget({"--target", Target(*server), "--seed", seed, "--duration", "2"});
    EXPECT_EQ(outcome.status, 0) << outcome.out << outcome.err;
    EXPECT_TRUE(Contains(outcome.out, "result: linearizable")) << outcome.out;
  }
}

// A small cache under a seed drawn for memory pressure evicts; the check
// then lets items vanish, and still passes.
TEST(RealRun, EvictingMemcachedIsLinearizable) {
  std::vector<std::string> flags = kServerFlags;
  flags.insert(flags.end(), {"-m", "8"});
  auto server = ServerProcess::Memcached(flags);
  ASSERT_EQ(server->error(), "");
  const uint64_t seed = FirstSeed(1, [](const SwarmParameters& p) {
    return p.memory_pressure && p.min_value_size > 0 &&
           p.op_weights[static_cast<size_t>(OpKind::kFlushAll)] == 0;
  });
  const Outcome outcome =
      RunTarget({"--target", Target(*server), "--seed", std::to_string(seed), "--duration", "2"});
  EXPECT_EQ(outcome.status, 0) << outcome.out << outcome.err;
  EXPECT_TRUE(Contains(outcome.out, ": evictions allowed")) << outcome.out;
  EXPECT_TRUE(Contains(outcome.out, "result: linearizable")) << outcome.out;
}

// mcref that answers STORED to append without appending: some later read
// shows the value without the appended data.
TEST(RealRun, FindsALostAppend) {
  auto server = ServerProcess::Mcref({"--inject-bug", "lost_append", "-t", "1"});
  ASSERT_EQ(server->error(), "");
  const uint64_t seed = FirstSeed(1, [](const SwarmParameters& p) {
    // Small values: no append can near the item size limit. Several keys
    // and no flush_all keep each key's history within the checker's budget.
    return !p.memory_pressure && p.key_count >= 4 && p.key_count < 100 && p.max_value_size < 1000 &&
           p.op_weights[static_cast<size_t>(OpKind::kAppend)] > 0 &&
           p.op_weights[static_cast<size_t>(OpKind::kFlushAll)] == 0 && p.noreply_share == 0;
  });
  const std::string html = ::testing::TempDir() + "real_run_test_lost_append.html";
  const std::string history = ::testing::TempDir() + "real_run_test_lost_append.jsonl";
  const Outcome outcome = RunTarget({"--target", Target(*server), "--seed", std::to_string(seed),
                                     "--ops", "20000", "--history", history, "--html", html});
  EXPECT_EQ(outcome.status, 1) << outcome.out << outcome.err;
  EXPECT_TRUE(Contains(outcome.out, "result: NOT linearizable")) << outcome.out;
  EXPECT_TRUE(Contains(outcome.out, "page: " + html)) << outcome.out;
  EXPECT_TRUE(std::filesystem::exists(history));
}

// The mcsim binary takes --target and exits with the check's status. Seed 4
// pipelines a get with a too-long key behind other requests, which memcached
// answers by discarding their unsent replies unless it waits for them.
TEST(RealRun, McsimBinaryRunsAgainstATarget) {
  auto server = ServerProcess::Memcached(kServerFlags);
  ASSERT_EQ(server->error(), "");
  testing::ChildProcess mcsim(
      {MCSIM_PATH, "run", "--target", Target(*server), "--seed", "4", "--ops", "10000"}, false);
  const int status = mcsim.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace mcspec::sim
