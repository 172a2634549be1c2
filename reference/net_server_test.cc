// Integration tests of mcref's network front end (net_server.h): each test
// starts `mcref` (and, where the behaviour is memcached's, the real memcached
// 1.6.18 with the same flags) on loopback ports the servers choose, and
// compares what clients receive.
#include "net_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/child_process.h"
#include "testing/server_process.h"

namespace mcspec::ref {
namespace {

using testing::Exchange;
using testing::ReadFdUntil;
using testing::ServerProcess;
using testing::WriteFdAll;

ServerProcess::Options Udp() {
  ServerProcess::Options options;
  options.udp = true;
  return options;
}
ServerProcess::Options StderrTo(const std::string& path, bool udp = false) {
  ServerProcess::Options options;
  options.udp = udp;
  options.stderr_path = path;
  return options;
}
ServerProcess::Options NoListen() {
  ServerProcess::Options options;
  options.listen = false;
  return options;
}

// A blocking connection closed at the end of the scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Both servers with the same flags; a test skips when memcached is missing.
struct Pair {
  std::unique_ptr<ServerProcess> mcref;
  std::unique_ptr<ServerProcess> memcached;
};

Pair StartBoth(const std::vector<std::string>& flags, ServerProcess::Options options = {}) {
  Pair pair{ServerProcess::Mcref(flags, options), ServerProcess::Memcached(flags, options)};
  EXPECT_EQ(pair.mcref->error(), "");
  return pair;
}

#define SKIP_WITHOUT_MEMCACHED(pair)                                                 \
  if (!(pair).memcached->error().empty()) GTEST_SKIP() << (pair).memcached->error(); \
  ASSERT_EQ((pair).mcref->error(), "")

// Reads from `fd` until `needle` has appeared `count` times.
std::string ReadUntilCount(int fd, std::string_view needle, size_t count) {
  std::string text;
  auto occurrences = [&] {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  char buffer[4096];
  while (occurrences() < count) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 20000) <= 0) break;
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

// Replaces the port numbers a reply shows, which differ between servers.
std::string WithoutPorts(std::string text, const std::vector<int>& ports) {
  for (int port : ports) {
    text = std::regex_replace(text, std::regex(":" + std::to_string(port) + "\\b"), ":PORT");
  }
  text = std::regex_replace(text, std::regex("rport=[0-9]+"), "rport=PEER");
  return std::regex_replace(text, std::regex("127\\.0\\.0\\.1:[0-9]+\r"), "127.0.0.1:PEER\r");
}

// What a scripted session gets back, request by request on one connection.
std::string Script(const ServerProcess& server, const std::vector<std::string>& requests) {
  Fd fd(server.Connect());
  std::string all;
  for (const std::string& request : requests) {
    WriteFdAll(fd.get(), request);
    std::string reply;
    // Every scripted request ends with a version, so the reply ends with it.
    WriteFdAll(fd.get(), "version\r\n");
    ReadFdUntil(fd.get(), "VERSION 1.6.18\r\n", &reply, std::chrono::seconds(10));
    all += reply;
  }
  return all;
}

const std::vector<std::string> kProtocolScript = {
    "set a 0 0 1\r\nA\r\n",
    "get a b a\r\n",
    "gets a\r\n",
    "add a 0 0 1\r\nB\r\nappend a 0 0 2\r\nCD\r\nget a\r\n",
    "set n 5 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr a 1\r\n",
    "delete a\r\ndelete a\r\ndelete n noreply\r\nget a n\r\n",
    "touch x 10\r\nbogus\r\nget " + std::string(251, 'k') + "\r\n",
    "set big 0 0 3\r\nabcde\r\n",
    "mn\r\nms m 2\r\nhi\r\nmg m v t\r\nmg missing\r\n",
};

TEST(NetTcp, ProtocolMatchesMemcached) {
  Pair pair = StartBoth({"-t", "1"});
  SKIP_WITHOUT_MEMCACHED(pair);
  EXPECT_EQ(Script(*pair.mcref, kProtocolScript), Script(*pair.memcached, kProtocolScript));
}

TEST(NetTcp, PipelinedThousandsOfRequestsInOneWrite) {
  Pair pair = StartBoth({"-t", "1"});
  SKIP_WITHOUT_MEMCACHED(pair);
  std::string requests;
  for (int i = 0; i < 5000; ++i) {
    const std::string key = "key" + std::to_string(i % 700);
    requests += "set " + key + " 0 0 " + std::to_string(key.size()) + "\r\n" + key + "\r\n";
    requests += "get " + key + " nokey\r\n";
  }
  requests += "version\r\n";
  std::string replies[2];
  ServerProcess* servers[2] = {pair.mcref.get(), pair.memcached.get()};
  for (int i = 0; i < 2; ++i) {
    Fd fd(servers[i]->Connect());
    std::thread writer([&] { WriteFdAll(fd.get(), requests); });
    ReadFdUntil(fd.get(), "VERSION 1.6.18\r\n", &replies[i], std::chrono::seconds(30));
    writer.join();
  }
  EXPECT_EQ(replies[0].size(), replies[1].size());
  EXPECT_TRUE(replies[0] == replies[1]);
  EXPECT_TRUE(replies[0].starts_with("STORED\r\nVALUE key0 0 4\r\nkey0\r\nEND\r\n"));
}

TEST(NetTcp, RequestsSplitByteByByte) {
  std::unique_ptr<ServerProcess> server = ServerProcess::Mcref({});
  ASSERT_EQ(server->error(), "");
  auto requests = [](const std::string& n) {
    return "set k 1 0 5\r\nhello\r\nget k\r\nincr " + n + " 1\r\nset " + n +
           " 0 0 1\r\n7\r\nincr " + n + " 1\r\nversion\r\n";
  };
  Fd whole(server->Connect());
  const std::string expected = Exchange(whole.get(), requests("n1"), "VERSION 1.6.18\r\n");
  Fd split(server->Connect());
  for (char byte : requests("n2")) {
    ASSERT_TRUE(WriteFdAll(split.get(), std::string_view(&byte, 1)));
  }
  std::string reply;
  ReadFdUntil(split.get(), "VERSION 1.6.18\r\n", &reply, std::chrono::seconds(10));
  EXPECT_EQ(reply, expected);
  EXPECT_EQ(reply,
            "STORED\r\nVALUE k 1 5\r\nhello\r\nEND\r\nNOT_FOUND\r\nSTORED\r\n8\r\n"
            "VERSION 1.6.18\r\n");
}

TEST(NetTcp, OneMebibyteValues) {
  Pair pair = StartBoth({"-I", "2m", "-m", "64"});
  SKIP_WITHOUT_MEMCACHED(pair);
  std::string value(1 << 20, 'v');
  for (size_t i = 0; i < value.size(); i += 4096) value[i] = static_cast<char>('a' + i % 26);
  const std::string request =
      "set big 0 0 " + std::to_string(value.size()) + "\r\n" + value + "\r\nget big\r\nversion\r\n";
  std::string replies[2];
  ServerProcess* servers[2] = {pair.mcref.get(), pair.memcached.get()};
  for (int i = 0; i < 2; ++i) {
    Fd fd(servers[i]->Connect());
    replies[i] = Exchange(fd.get(), request, "VERSION 1.6.18\r\n");
  }
  EXPECT_TRUE(replies[0] ==
              "STORED\r\nVALUE big 0 1048576\r\n" + value + "\r\nEND\r\nVERSION 1.6.18\r\n");
  EXPECT_TRUE(replies[0] == replies[1]);
}

TEST(NetTcp, AThousandSimultaneousConnections) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 2048) {
    files.rlim_cur = std::min<rlim_t>(4096, files.rlim_max);
    setrlimit(RLIMIT_NOFILE, &files);
  }
  std::unique_ptr<ServerProcess> server = ServerProcess::Mcref({"-c", "2048", "-t", "1"});
  ASSERT_EQ(server->error(), "");
  std::vector<std::unique_ptr<Fd>> clients;
  for (int i = 0; i < 1000; ++i) {
    clients.push_back(std::make_unique<Fd>(server->Connect()));
    ASSERT_GE(clients.back()->get(), 0) << i;
  }
  for (size_t i = 0; i < clients.size(); ++i) {
    const std::string key = "c" + std::to_string(i);
    WriteFdAll(clients[i]->get(), "set " + key + " 0 0 1\r\nx\r\nget " + key + "\r\n");
  }
  for (size_t i = 0; i < clients.size(); ++i) {
    std::string reply;
    ReadFdUntil(clients[i]->get(), "END\r\n", &reply, std::chrono::seconds(10));
    ASSERT_EQ(reply, "STORED\r\nVALUE c" + std::to_string(i) + " 0 1\r\nx\r\nEND\r\n");
  }
  const std::string stats = Exchange(clients[0]->get(), "stats\r\n", "END\r\n");
  EXPECT_NE(stats.find("STAT curr_connections 1000\r\n"), std::string::npos);
}

// A client that pipelines gets of a large value and never reads: mcref stops
// reading from it once its replies back up, so its memory stays bounded; once
// the client reads, the replies flow again.
TEST(NetTcp, AClientThatNeverReadsDoesNotGrowMemory) {
  std::unique_ptr<ServerProcess> server = ServerProcess::Mcref({"-m", "64"});
  ASSERT_EQ(server->error(), "");
  const std::string value(64 * 1024, 'z');
  Fd setup(server->Connect());
  ASSERT_EQ(Exchange(setup.get(), "set v 0 0 65536\r\n" + value + "\r\n", "STORED\r\n"),
            "STORED\r\n");
  const long rss_before = server->ResidentKiB();
  Fd client(server->Connect());
  fcntl(client.get(), F_SETFL, O_NONBLOCK);
  std::string gets;
  for (int i = 0; i < 1000; ++i) gets += "get v\r\n";
  // Write until the socket stays full: every 7 bytes asks for 64 KiB.
  size_t sent = 0;
  for (int blocked_polls = 0; blocked_polls < 20;) {
    const size_t at = sent % gets.size();
    const ssize_t n = send(client.get(), gets.data() + at, gets.size() - at, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      blocked_polls = 0;
      continue;
    }
    pollfd p{client.get(), POLLOUT, 0};
    poll(&p, 1, 50);
    ++blocked_polls;
  }
  const long rss_blocked = server->ResidentKiB();
  ASSERT_GT(sent, 7000u);
  const double replies_asked_mib = static_cast<double>(sent) / 7 * 64 / 1024;
  EXPECT_GT(replies_asked_mib, 1000);
  EXPECT_LT(rss_blocked - rss_before, 32 * 1024)
      << "KiB grown, with " << replies_asked_mib << " MiB of replies asked for";
  // Reading, the client gets its replies, in order.
  fcntl(client.get(), F_SETFL, 0);
  const std::string reply_one = "VALUE v 0 65536\r\n" + value + "\r\nEND\r\n";
  std::string expected;
  while (expected.size() < 32u << 20) expected += reply_one;
  std::string replies;
  char buffer[65536];
  while (replies.size() < expected.size()) {
    const ssize_t n = read(client.get(), buffer, sizeof(buffer));
    ASSERT_GT(n, 0);
    replies.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_TRUE(replies.compare(0, expected.size(), expected) == 0);
}

TEST(NetTcp, ConnectionLimitMatchesMemcached) {
  // A limit with room for the descriptors a test runner may pass down.
  Pair pair = StartBoth({"-c", "40", "-t", "1"});
  SKIP_WITHOUT_MEMCACHED(pair);
  std::string results[2];
  ServerProcess* servers[2] = {pair.mcref.get(), pair.memcached.get()};
  for (int s = 0; s < 2; ++s) {
    std::vector<std::unique_ptr<Fd>> clients;
    for (int i = 0; i < 40; ++i) clients.push_back(std::make_unique<Fd>(servers[s]->Connect()));
    // The accepted ones answer; the rejected ones were told and closed.
    for (auto& client : clients) {
      std::string reply;
      WriteFdAll(client->get(), "version\r\n");
      ReadFdUntil(client->get(), "\r\n", &reply, std::chrono::seconds(10));
      results[s] += reply;
    }
    std::string stats = Exchange(clients[0]->get(), "stats\r\n", "END\r\n");
    for (const char* name : {"curr_connections", "total_connections", "rejected_connections",
                             "connection_structures"}) {
      const size_t at = stats.find(std::string("STAT ") + name + " ");
      results[s] += stats.substr(at, stats.find("\r\n", at) + 2 - at);
    }
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_NE(results[0].find("ERROR Too many open connections\r\n"), std::string::npos);
  EXPECT_NE(results[0].find("VERSION 1.6.18\r\n"), std::string::npos);
}

TEST(NetTcp, StatsConnsAndConnEventsMatchMemcached) {
  Pair pair = StartBoth({"-t", "1"}, Udp());
  SKIP_WITHOUT_MEMCACHED(pair);
  std::string results[2];
  ServerProcess* servers[2] = {pair.mcref.get(), pair.memcached.get()};
  for (int s = 0; s < 2; ++s) {
    Fd watcher(servers[s]->Connect());
    ASSERT_EQ(Exchange(watcher.get(), "watch connevents\r\n", "OK\r\n"), "OK\r\n");
    std::string events;
    {
      Fd reading(servers[s]->Connect());
      WriteFdAll(reading.get(), "set k 0 0 5\r\nab");
      {
        Fd asking(servers[s]->Connect());
        Exchange(asking.get(), "version\r\n", "\r\n");
        results[s] = Exchange(asking.get(), "stats conns\r\n", "END\r\n");
      }
      events = ReadUntilCount(watcher.get(), "conn_close", 1);
    }
    events += ReadUntilCount(watcher.get(), "conn_close", 1);
    // Drop the microsecond timestamps and global ids.
    results[s] += std::regex_replace(events, std::regex("ts=[0-9.]+ gid=[0-9]+ "), "");
    results[s] = WithoutPorts(results[s], {servers[s]->tcp_port(), servers[s]->udp_port()});
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_NE(results[0].find(":UDP UDP\r\n"), std::string::npos) << results[0];
  EXPECT_NE(results[0].find("type=conn_close rip=127.0.0.1"), std::string::npos) << results[0];
}

TEST(NetTcp, IdleConnectionsAreClosed) {
  std::unique_ptr<ServerProcess> server = ServerProcess::Mcref({"-o", "idle_timeout=1"});
  ASSERT_EQ(server->error(), "");
  Fd idle(server->Connect());
  Fd watcher(server->Connect());
  ASSERT_EQ(Exchange(watcher.get(), "watch connevents\r\n", "OK\r\n"), "OK\r\n");
  std::string reply;
  // The server closes the idle connection: reading sees the end of stream.
  EXPECT_FALSE(ReadFdUntil(idle.get(), "never", &reply, std::chrono::seconds(20)));
  EXPECT_EQ(reply, "");
  const std::string events = ReadUntilCount(watcher.get(), "reason=idle_timeout", 1);
  EXPECT_NE(events.find("reason=idle_timeout"), std::string::npos) << events;
}

TEST(NetUnix, SocketModeAndStatsMatchMemcached) {
  std::string results[2];
  mode_t modes[2] = {0, 0};
  for (int s = 0; s < 2; ++s) {
    // memcached shows only 26 bytes of a listener's path.
    const std::string path =
        "/tmp/mcspec-net-unix-socket-" + std::to_string(getpid()) + "-" + std::to_string(s);
    std::unique_ptr<ServerProcess> server =
        s == 0 ? ServerProcess::Mcref({"-s", path, "-a", "0766", "-t", "1"}, NoListen())
               : ServerProcess::Memcached({"-s", path, "-a", "0766", "-t", "1"}, NoListen());
    if (!testing::WaitForFile(path, std::chrono::seconds(10))) {
      if (s == 1) GTEST_SKIP() << "memcached did not start";
      FAIL() << "mcref did not create " << path;
    }
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
      fd = testing::ConnectUnix(path);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Fd client(fd);
    ASSERT_GE(client.get(), 0);
    struct stat st {};
    stat(path.c_str(), &st);
    modes[s] = st.st_mode & 0777;
    results[s] = Exchange(client.get(), "set u 0 0 1\r\nU\r\nget u\r\n", "END\r\n");
    results[s] += Exchange(client.get(), "stats conns\r\n", "END\r\n");
    results[s] = std::regex_replace(results[s], std::regex(path), "PATH");
    results[s] = std::regex_replace(results[s], std::regex(path.substr(0, 26)), "SHORT");
  }
  EXPECT_EQ(modes[0], 0766u);
  EXPECT_EQ(modes[0], modes[1]);
  EXPECT_EQ(results[0], results[1]);
  EXPECT_NE(results[0].find(":addr ?:<AF 0>\r\n"), std::string::npos) << results[0];
  EXPECT_NE(results[0].find(":addr unix:SHORT\r\n"), std::string::npos) << results[0];
}

// --- UDP ---------------------------------------------------------------------

std::vector<std::string> UdpExchange(int fd, std::string_view datagram, size_t expect) {
  send(fd, datagram.data(), datagram.size(), 0);
  std::vector<std::string> replies;
  char buffer[65536];
  while (replies.size() < expect) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0) break;
    replies.emplace_back(buffer, static_cast<size_t>(n));
  }
  return replies;
}

std::string Header(uint16_t id, uint16_t seq, uint16_t total) {
  std::string h;
  for (uint16_t v : {id, seq, total, uint16_t{0}}) {
    h.push_back(static_cast<char>(v >> 8));
    h.push_back(static_cast<char>(v & 0xff));
  }
  return h;
}

TEST(NetUdp, DatagramsMatchMemcached) {
  Pair pair = StartBoth({"-t", "1"}, Udp());
  SKIP_WITHOUT_MEMCACHED(pair);
  const std::string value(5000, 'u');
  // Each request with the number of datagrams memcached answers it with.
  const std::vector<std::pair<std::string, size_t>> script = {
      {Header(1, 0, 1) + "set a 0 0 1\r\nA\r\n", 1},
      {Header(2, 0, 1) + "get x a\r\n", 2},
      {Header(3, 0, 1) + "set b 0 0 1\r\nB\r\nget x a y\r\n", 3},
      {Header(4, 0, 1) + "set big 0 0 5000\r\n" + value + "\r\n", 1},
      {Header(5, 0, 1) + "get big a big\r\n", 9},
      {Header(6, 9, 1) + "quit\r\n", 1},
      {Header(7, 0, 1) + "version\r\nvers", 1},
      {Header(8, 0, 1) + "ion\r\nincr a 1\r\n", 2},
      {Header(9, 0, 1) + "set c 0 0 1 noreply\r\nC\r\nget c\r\n", 1},
  };
  std::vector<std::string> results[2];
  ServerProcess* servers[2] = {pair.mcref.get(), pair.memcached.get()};
  for (int s = 0; s < 2; ++s) {
    Fd fd(servers[s]->ConnectUdp());
    // A multi-datagram request is dropped without a reply.
    send(fd.get(), (Header(1, 0, 2) + "version\r\n").data(), 17, 0);
    for (const auto& [datagram, expect] : script) {
      for (std::string& reply : UdpExchange(fd.get(), datagram, expect)) {
        results[s].push_back(std::move(reply));
      }
    }
  }
  EXPECT_EQ(results[0].size(), 21u);
  EXPECT_TRUE(results[0] == results[1]);
  for (size_t i = 0; i < std::min(results[0].size(), results[1].size()); ++i) {
    EXPECT_EQ(results[0][i], results[1][i]) << "datagram " << i;
  }
}

// --- the process ------------------------------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Signals end mcref as they end memcached: status 0, and what it prints.
TEST(NetProcess, StopsOnSignalsAndShutdownLikeMemcached) {
  struct Case {
    std::vector<std::string> flags;
    int signal;  // 0: the shutdown command instead
    std::string command;
  };
  const std::vector<Case> cases = {
      {{}, SIGTERM, ""}, {{}, SIGINT, ""},        {{"-v"}, SIGTERM, ""},
      {{}, SIGUSR1, ""}, {{"-A"}, 0, "shutdown"}, {{"-A"}, 0, "shutdown graceful"},
  };
  for (const Case& c : cases) {
    std::string outputs[2];
    int statuses[2] = {0, 0};
    for (int s = 0; s < 2; ++s) {
      const std::string err = "/tmp/mcspec-net-err-" + std::to_string(getpid()) + ".txt";
      std::unique_ptr<ServerProcess> server =
          s == 0 ? ServerProcess::Mcref(c.flags, StderrTo(err))
                 : ServerProcess::Memcached(c.flags, StderrTo(err));
      if (!server->error().empty()) {
        if (s == 1) GTEST_SKIP() << server->error();
        FAIL() << server->error();
      }
      if (c.signal != 0) {
        server->process().Signal(c.signal);
      } else {
        Fd fd(server->Connect());
        WriteFdAll(fd.get(), c.command + "\r\n");
        std::string reply;
        EXPECT_FALSE(ReadFdUntil(fd.get(), "\n", &reply, std::chrono::seconds(10)));
        EXPECT_EQ(reply, "");
      }
      statuses[s] = server->process().Wait();
      outputs[s] = ReadFile(err);
      std::remove(err.c_str());
    }
    const std::string label = c.command.empty() ? "signal " + std::to_string(c.signal) : c.command;
    EXPECT_TRUE(WIFEXITED(statuses[0])) << label;
    EXPECT_EQ(statuses[0], statuses[1]) << label;
    EXPECT_EQ(outputs[0], outputs[1]) << label;
  }
}

TEST(NetProcess, VerboseStartupMatchesMemcached) {
  std::string outputs[2];
  for (int s = 0; s < 2; ++s) {
    const std::string err = "/tmp/mcspec-net-vv-" + std::to_string(getpid()) + ".txt";
    std::unique_ptr<ServerProcess> server =
        s == 0 ? ServerProcess::Mcref({"-vv", "-t", "1"}, StderrTo(err, true))
               : ServerProcess::Memcached({"-vv", "-t", "1"}, StderrTo(err, true));
    if (!server->error().empty()) {
      if (s == 1) GTEST_SKIP() << server->error();
      FAIL() << server->error();
    }
    // memcached's worker thread announces the UDP socket after the TCP port
    // already answers: the signal waits for it (on a loaded machine it came
    // too late), for both servers alike.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (ReadFile(err).find(" server listening (udp)\n") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    server->process().Signal(SIGTERM);
    server->process().Wait();
    outputs[s] = ReadFile(err);
    std::remove(err.c_str());
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_NE(outputs[0].find(" server listening (udp)\n"), std::string::npos) << outputs[0];
}

// -vv's per-request lines: each request line, each out_string reply (with
// NOREPLY), each get hit and END, CAS failures, verbosity changing mid-way,
// and, with the flat LRU, the crawler's reclaims with memcached's item flags.
TEST(NetProcess, VerboseRequestLinesMatchMemcached) {
  const std::vector<std::string> script = {"lru_crawler enable\r\n",
                                           "set a 5 0 3\r\nabc\r\n",
                                           "get a b a\r\n",
                                           "gets a\r\n",
                                           "cas a 0 0 1 999\r\nx\r\n",
                                           "set n 0 0 1 noreply\r\n5\r\n",
                                           "incr n 3\r\n",
                                           "delete zz\r\n",
                                           "bogus\r\n",
                                           "get " + std::string(251, 'k') + "\r\n",
                                           "mg a v\r\n",
                                           "mg miss v\r\n",
                                           "ms m 2 q\r\nhi\r\n",
                                           "mn\r\n",
                                           "me a\r\n",
                                           "me nokey\r\n",
                                           "md a q\r\n",
                                           "ma n\r\n",
                                           "mg a v x\r\n",
                                           "touch n 0\r\n",
                                           "gat 0 n\r\n",
                                           "set t 0 1 1\r\nz\r\n",
                                           "verbosity 1\r\n",
                                           "get n\r\n",
                                           "verbosity 2 noreply\r\n",
                                           "flush_all\r\n"};
  std::string outputs[2];
  for (int s = 0; s < 2; ++s) {
    const std::string err = "/tmp/mcspec-net-vv-requests-" + std::to_string(getpid()) + ".txt";
    const std::vector<std::string> flags = {"-vv", "-t", "1", "-o", "no_modern"};
    std::unique_ptr<ServerProcess> server = s == 0 ? ServerProcess::Mcref(flags, StderrTo(err))
                                                   : ServerProcess::Memcached(flags, StderrTo(err));
    if (!server->error().empty()) {
      if (s == 1) GTEST_SKIP() << server->error();
      FAIL() << server->error();
    }
    {
      Fd fd(server->Connect());
      for (const std::string& request : script) {
        std::string reply;
        WriteFdAll(fd.get(), request + "mn\r\n");
        ReadFdUntil(fd.get(), "MN\r\n", &reply, std::chrono::seconds(10));
      }
      // The crawl reclaims what flush_all made invisible; memcached's crawler
      // thread runs on its own, so wait for the reply that it has finished.
      std::string reply;
      WriteFdAll(fd.get(), "lru_crawler crawl all\r\n");
      ReadFdUntil(fd.get(), "OK\r\n", &reply, std::chrono::seconds(10));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server->process().Signal(SIGTERM);
    server->process().Wait();
    outputs[s] = ReadFile(err);
    std::remove(err.c_str());
  }
  // memcached's crawler thread races the worker's OK: compare the crawler's
  // lines, in their order, apart from the rest.
  std::string crawls[2];
  for (int s = 0; s < 2; ++s) {
    std::string rest;
    std::istringstream lines(outputs[s]);
    for (std::string line; std::getline(lines, line);) {
      (line.starts_with("LRU crawler found") ? crawls[s] : rest) += line + "\n";
    }
    outputs[s] = rest;
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(crawls[0], crawls[1]);
  EXPECT_NE(outputs[0].find("CAS:  failure: expected 1, got 999\n"), std::string::npos);
  EXPECT_NE(outputs[0].find(" NOREPLY OK\n"), std::string::npos);
  EXPECT_NE(crawls[0].find("LRU crawler found an expired item (flags: 3, slab: 129): t\n"),
            std::string::npos)
      << crawls[0];
}

TEST(NetProcess, RootNeedsAUserAndDaemonWritesPidFile) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  testing::ChildProcess refused({MCREF_PATH, "-p", "0"}, false,
                                testing::ChildProcess::Stderr::kDiscard);
  const int status = refused.Wait();
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 64);

  const std::string pid_file = "/tmp/mcspec-net-" + std::to_string(getpid()) + ".pid";
  testing::ChildProcess daemon(
      {MCREF_PATH, "-u", "root", "-d", "-P", pid_file, "-l", "127.0.0.1", "-p", "-1"}, false);
  EXPECT_EQ(daemon.Wait(), 0);  // the parent exits at once
  ASSERT_TRUE(testing::WaitForFile(pid_file, std::chrono::seconds(10)));
  std::string pid_text;
  for (int attempt = 0; attempt < 100 && pid_text.empty(); ++attempt) {
    pid_text = ReadFile(pid_file);
    if (pid_text.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  EXPECT_EQ(kill(pid, 0), 0);
  kill(pid, SIGTERM);
  // The daemon removes its pid file as it exits.
  for (int attempt = 0; attempt < 500 && access(pid_file.c_str(), F_OK) == 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(access(pid_file.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace mcspec::ref
