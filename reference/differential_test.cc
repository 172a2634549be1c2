// Differential test: a seeded random workload sent both to `mcref --stdio` and
// to a real memcached 1.6.18 (`-o no_modern -t 1 -m 8`) that the test starts
// on a free loopback port. Every response must be byte-identical, and so must
// the `stats`, `stats items`, `stats slabs`, `stats settings`, `stats sizes`
// and `stats detail dump` figures the model owns.
//
// memcached's clock cannot be driven, so the test follows it: it waits for
// memcached's once-a-second tick (seen through `stats`), moves the reference's
// virtual clock to the same second with `debugtime`, and sends commands only
// during the following 350 ms. Items therefore expire on both sides at the
// same command.
//
// One answer of memcached's is left to stale memory, and the test steers clear
// of it: incr, decr or ma on a stored value that strtoull reads as a number of
// 2^63 or more. safe_strtoull then searches the item's data for a '-' with
// strchr, but the data is not NUL-terminated, so the search runs past the
// value's "\r\n" into whatever bytes follow it in memory, and the command
// fails as non-numeric exactly when one of them is a '-' before the next NUL.
// Before each such command the test reads the key's value from both servers
// (`mg KEY v`, itself compared) and leaves the command out when it would land
// there; the run prints how many it left out.
//
// Environment: MCSPEC_DIFF_SEED (default 1), MCSPEC_DIFF_COMMANDS (default
// 100000). A failure prints the command that reproduces it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "testing/child_process.h"
#include "testing/memcached_oracle.h"

namespace mcspec {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kResponseTimeout{20000};
constexpr milliseconds kEpochBudget{350};
constexpr int kStatsEvery = 5000;
const std::vector<std::string> kServerFlags = {"-o", "no_modern", "-m", "8", "-t", "1"};

// Figures that belong to the process or the connections, not to the model.
const std::set<std::string> kHostStats = {"pid",
                                          "rusage_user",
                                          "rusage_system",
                                          "curr_connections",
                                          "total_connections",
                                          "connection_structures",
                                          "response_obj_oom",
                                          "response_obj_count",
                                          "response_obj_bytes",
                                          "read_buf_count",
                                          "read_buf_bytes",
                                          "read_buf_bytes_free",
                                          "read_buf_oom",
                                          "reserved_fds",
                                          "bytes_read",
                                          "bytes_written"};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value ? std::strtoull(value, nullptr, 10) : fallback;
}

std::string Escape(std::string_view bytes, size_t limit = 600) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && out.size() < limit; ++i) {
    const unsigned char c = bytes[i];
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (out.size() >= limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseStats(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> stats;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // "STAT name value", or `stats detail dump`'s "PREFIX name get ...".
    if (line.starts_with("STAT ")) {
      const size_t space = line.find(' ', 5);
      stats.emplace_back(line.substr(5, space - 5), line.substr(space + 1));
    } else if (line.starts_with("PREFIX ")) {
      const size_t space = line.find(' ', 7);
      stats.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
  }
  return stats;
}

// True when memcached's answer to incr, decr or ma on a stored `value` depends
// on the memory after the item (see the file comment): safe_strtoull accepts
// it as a number that is negative as a signed one, and no '-' in the value
// decides the answer before strchr leaves it. Read with the C library's own
// strtoull, as memcached reads it, rather than with the reference's parser.
bool DeltaDependsOnStaleMemory(const std::string& value) {
  const std::string data = value + "\r\n";
  char* end = nullptr;
  errno = 0;
  const unsigned long long number = std::strtoull(data.c_str(), &end, 10);
  if (errno == ERANGE || end == data.c_str()) return false;
  if (std::isspace(static_cast<unsigned char>(*end)) == 0) return false;
  return static_cast<long long>(number) < 0 && value.find('-') == std::string::npos;
}

// A generated request, and the key it adds a delta to when it is an incr, decr
// or ma that reaches a stored value.
struct Request {
  Request(std::string text_in, std::string delta_key_in = "")
      : text(std::move(text_in)), delta_key(std::move(delta_key_in)) {}
  std::string text;
  std::string delta_key;
};

// The seeded request generator: storage commands over value sizes spanning the
// slab classes (enough data to evict at -m 8), reads, counters, expiry in
// every form, and malformed requests.
class Workload {
 public:
  Workload(uint64_t seed, int64_t process_started)
      : rng_(seed), process_started_(process_started) {}

  Request Next(uint32_t now) {
    const int roll = Uniform(0, 999);
    if (roll < 220) return Store("set", now);
    if (roll < 260) return Store("add", now);
    if (roll < 290) return Store("replace", now);
    if (roll < 330) return Store("append", now);
    if (roll < 350) return Store("prepend", now);
    if (roll < 390) return Cas(now);
    if (roll < 580) return Get(Uniform(0, 1) == 0 ? "gets" : "get");
    if (roll < 630) return Delete();
    if (roll < 700) return Arithmetic();
    if (roll < 740) return Touch(now);
    if (roll < 770) return GetAndTouch(now);
    // Rare, so that memory fills up and the LRU has to evict.
    if (roll < 773) return Uniform(0, 19) == 0 ? FlushAll() : Get("get");
    if (roll < 776) return Uniform(0, 1) ? "version\r\n" : "verbosity " + Number(0, 3) + "\r\n";
    if (roll < 856) return Meta(now);
    return Malformed(now);
  }

  // Remembers the cas values memcached returned, so that cas requests can hit.
  void Observe(std::string_view response) {
    size_t pos = 0;
    while ((pos = response.find("VALUE ", pos)) != std::string_view::npos) {
      const size_t end = response.find("\r\n", pos);
      std::istringstream line{std::string(response.substr(pos + 6, end - pos - 6))};
      std::string key, flags, bytes, cas;
      line >> key >> flags >> bytes >> cas;
      if (!cas.empty()) cas_[key] = cas;
      pos = end;
    }
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string Number(int lo, int hi) { return std::to_string(Uniform(lo, hi)); }

  std::string Key() {
    // A hot set of keys and a long tail.
    const int id = Uniform(0, 2) ? Uniform(0, 299) : Uniform(0, 9999);
    // Several prefixes, for `stats detail`.
    return "k" + std::to_string(id % 7) + ":" + std::to_string(id);
  }

  size_t ValueSize() {
    const int roll = Uniform(0, 999);
    if (roll < 600) return static_cast<size_t>(Uniform(0, 100));
    if (roll < 850) return static_cast<size_t>(Uniform(100, 4000));
    if (roll < 980) return static_cast<size_t>(Uniform(4000, 100000));
    return static_cast<size_t>(Uniform(100000, 900000));
  }

  std::string Value(size_t size) {
    if (Uniform(0, 3) == 0) {
      std::string digits =
          std::to_string(std::uniform_int_distribution<uint64_t>()(rng_) >> Uniform(0, 63));
      if (Uniform(0, 4) == 0)
        digits = std::string(static_cast<size_t>(Uniform(1, 3)), ' ') + digits;
      return digits;
    }
    std::string value(size, 'a');
    for (size_t i = 0; i < size; i += 64) value[i] = static_cast<char>('a' + Uniform(0, 25));
    return value;
  }

  // Relative, absolute (including before the server started) and negative
  // expiry times; mostly none.
  std::string Exptime(uint32_t now) {
    const int roll = Uniform(0, 99);
    if (roll < 60) return "0";
    if (roll < 80) return Number(1, 4);
    if (roll < 85) return Number(100, 100000);
    if (roll < 92) return std::to_string(process_started_ + now + Uniform(-3, 4));
    if (roll < 95) return std::to_string(process_started_ - Uniform(0, 5));
    return Number(-3, -1);
  }

  std::string Noreply() { return Uniform(0, 9) == 0 ? " noreply" : ""; }

  std::string Store(const std::string& command, uint32_t now) {
    const std::string value = Value(ValueSize());
    return command + " " + Key() + " " + Number(0, 3) + " " + Exptime(now) + " " +
           std::to_string(value.size()) + Noreply() + "\r\n" + value + "\r\n";
  }

  std::string Cas(uint32_t now) {
    const std::string key = Key();
    std::string unique = Number(0, 5);
    auto seen = cas_.find(key);
    if (seen != cas_.end() && Uniform(0, 3) != 0) unique = seen->second;
    const std::string value = Value(ValueSize());
    return "cas " + key + " " + Number(0, 3) + " " + Exptime(now) + " " +
           std::to_string(value.size()) + " " + unique + Noreply() + "\r\n" + value + "\r\n";
  }

  std::string Get(const std::string& command) {
    std::string line = command;
    const int keys = Uniform(0, 9) == 0 ? Uniform(2, 40) : Uniform(1, 3);
    for (int i = 0; i < keys; ++i) line.append(" ").append(Key());
    return line.append("\r\n");
  }

  std::string Delete() {
    const int roll = Uniform(0, 9);
    const std::string key = Key();
    if (roll < 7) return "delete " + key + Noreply() + "\r\n";
    if (roll < 9) return "delete " + key + " 0" + Noreply() + "\r\n";
    return "delete " + key + " " + Number(1, 9) + "\r\n";
  }

  Request Arithmetic() {
    const std::string command = Uniform(0, 1) ? "incr " : "decr ";
    std::string delta =
        std::to_string(std::uniform_int_distribution<uint64_t>()(rng_) >> Uniform(0, 63));
    const bool valid = Uniform(0, 29) != 0;
    if (!valid) delta = Uniform(0, 1) ? "-1" : "abc";
    const std::string key = Key();
    return {command + key + " " + delta + Noreply() + "\r\n", valid ? key : ""};
  }

  std::string Touch(uint32_t now) {
    return "touch " + Key() + " " + Exptime(now) + Noreply() + "\r\n";
  }

  std::string GetAndTouch(uint32_t now) {
    std::string line = Uniform(0, 1) ? "gat " : "gats ";
    line += Exptime(now);
    for (int i = Uniform(1, 3); i > 0; --i) line.append(" ").append(Key());
    return line.append("\r\n");
  }

  std::string FlushAll() {
    const int roll = Uniform(0, 3);
    if (roll == 0) return "flush_all\r\n";
    if (roll == 1) return "flush_all " + Number(0, 3) + "\r\n";
    if (roll == 2) return "flush_all " + Number(1, 3) + " noreply\r\n";
    return "flush_all noreply\r\n";
  }

  // A cas for C: usually one memcached gave out for the key, if any.
  std::string CasFor(const std::string& key) {
    auto seen = cas_.find(key);
    if (seen != cas_.end() && Uniform(0, 3) != 0) return seen->second;
    return Number(0, 5);
  }

  // Flags appended in random order, each with the given chance in 10.
  std::string MetaFlags(std::vector<std::pair<int, std::string>> flags) {
    for (size_t i = flags.size(); i > 1; --i) {
      std::swap(flags[i - 1], flags[static_cast<size_t>(Uniform(0, static_cast<int>(i) - 1))]);
    }
    std::string line;
    for (const auto& [chance, flag] : flags) {
      if (Uniform(0, 9) < chance) line.append(" ").append(flag);
    }
    return line;
  }

  // mg ms md ma with their common flags. The flags whose answers depend on
  // time (t, T, N, R) use whole seconds, which both servers share per epoch.
  Request Meta(uint32_t now) {
    const std::string key = Key();
    const std::string opaque = "O" + Number(0, 999);
    switch (Uniform(0, 9)) {
      case 0:
      case 1:
      case 2:
        return "mg " + key +
               MetaFlags({{7, "v"},
                          {3, "k"},
                          {3, "c"},
                          {3, "f"},
                          {2, "s"},
                          {2, "t"},
                          {2, "h"},
                          {2, "q"},
                          {2, opaque},
                          {1, "u"},
                          {1, "T" + Exptime(now)},
                          {1, "N" + Exptime(now)},
                          {1, "R" + Number(0, 30)}}) +
               "\r\n";
      case 3:
      case 4:
      case 5: {
        const std::string value = Value(ValueSize());
        const std::string mode = "M" + std::string(1, "SEAPRS"[Uniform(0, 5)]);
        return "ms " + key + " " + std::to_string(value.size()) +
               MetaFlags({{4, "T" + Exptime(now)},
                          {3, "F" + Number(0, 3)},
                          {3, "c"},
                          {2, "k"},
                          {2, "q"},
                          {2, opaque},
                          {3, mode},
                          {2, "C" + CasFor(key)},
                          {1, "I"}}) +
               "\r\n" + value + "\r\n";
      }
      case 6:
      case 7:
        return "md " + key +
               MetaFlags({{2, "q"},
                          {2, "k"},
                          {2, opaque},
                          {2, "C" + CasFor(key)},
                          {2, "I"},
                          {1, "T" + Exptime(now)}}) +
               "\r\n";
      default:
        return {"ma " + key +
                    MetaFlags({{5, "v"},
                               {3, "c"},
                               {2, "k"},
                               {2, "q"},
                               {2, opaque},
                               {3, "N" + Exptime(now)},
                               {2, "J" + Number(0, 100)},
                               {3, "D" + Number(0, 1000)},
                               {3, Uniform(0, 1) ? "MD" : "MI"},
                               {1, "C" + CasFor(key)},
                               {1, "t"}}) +
                    "\r\n",
                key};
    }
  }

  std::string Malformed(uint32_t now) {
    const std::string long_key(251, 'k');
    switch (Uniform(0, 19)) {
      case 0:
        return "set " + long_key + " 0 0 1\r\nA\r\n";
      case 1:
        return "get " + Key() + " " + long_key + " " + Key() + "\r\n";
      case 2:
        return "set " + Key() + " " + (Uniform(0, 1) ? "abc" : "-1") + " 0 1\r\nx\r\n";
      case 3:
        return "set " + Key() + " 4294967297 " + Exptime(now) + " 3\r\nxyz\r\n";
      case 4:
        return "set " + Key() + " 0 0 4294967299\r\nabc\r\n";
      case 5:
        return "set " + Key() + " 0 0 -1\r\n";
      case 6:
        return "set " + Key() + " 0 0 3\r\nabcde\r\n";
      case 7:
        return "set " + Key() + " 0 x 1 noreply\r\nz\r\n";
      case 8:
        return "foo bar\r\n";
      case 9:
        return Uniform(0, 1) ? "set " + Key() + " 0 0\r\n" : "incr " + Key() + "\r\n";
      case 10:
        return "get " + Key() + std::string("\0tail", 5) + "\r\n";
      case 11:
        return "get " + Key() + "\n";
      case 12:
        return "\r\n";
      case 13:
        return "touch " + Key() + " soon\r\n";
      case 14:
        return "delete " + Key() + " 0 extra\r\n";
      case 15:
        return "flush_all later\r\n";
      case 16:
        return "gat x " + Key() + "\r\n";
      case 17:
        return "incr " + long_key + " 1\r\n";
      case 18: {
        // Larger than any slab class: refused, the data swallowed; rare
        // because of its size.
        if (Uniform(0, 9) != 0) return "verbosity x\r\n";
        const std::string value(1048577, 'z');
        return "set " + Key() + " 0 0 1048577\r\n" + value + "\r\n";
      }
      default:
        return "cas " + Key() + " 0 0 1 abc\r\nq\r\n";
    }
  }

  std::mt19937_64 rng_;
  int64_t process_started_;
  std::map<std::string, std::string> cas_;
};

class Differential {
 public:
  Differential(uint64_t seed, uint64_t commands) : seed_(seed), commands_(commands) {}

  void Run() {
    testing::MemcachedOracle oracle(kServerFlags);
    ASSERT_EQ(oracle.error(), "");
    memcached_ = oracle.Connect();
    ASSERT_GE(memcached_, 0);

    const auto stats = ParseStats(MemcachedStats("stats"));
    const uint32_t uptime = std::stoul(Find(stats, "uptime"));
    const int64_t time = std::stoll(Find(stats, "time"));
    const int64_t process_started = time - (uptime + 60);
    reference_now_ = 62;

    std::vector<std::string> argv = {MCREF_PATH, "--stdio", "--process-started",
                                     std::to_string(process_started)};
    argv.insert(argv.end(), kServerFlags.begin(), kServerFlags.end());
    // The oracle's listening address, so that `stats settings` must match too.
    argv.insert(argv.end(), {"-l", "127.0.0.1", "-p", std::to_string(oracle.port())});
    testing::ChildProcess mcref(argv, true);
    mcref_ = &mcref;

    Workload workload(seed_, process_started);
    // Per-prefix and item size statistics, compared with the other families.
    RunCommand(0, "stats detail on\r\n", &workload);
    RunCommand(0, "stats sizes_enable\r\n", &workload);
    uint64_t done = 0;
    while (done < commands_ && !::testing::Test::HasFailure()) {
      const uint32_t now = WaitForTick();
      SyncReferenceClock(now);
      const auto epoch_start = SteadyClock::now();
      while (done < commands_ && SteadyClock::now() - epoch_start < kEpochBudget &&
             !::testing::Test::HasFailure()) {
        const Request request = workload.Next(now);
        if (request.delta_key.empty() || !LeftToStaleMemory(done, request.delta_key, &workload)) {
          RunCommand(done, request.text, &workload);
        }
        ++done;
        if (done % kStatsEvery == 0) CompareStats(done);
      }
      if (MemcachedNow() != now) ++late_epochs_;
    }
    if (!::testing::Test::HasFailure()) CompareStats(done);
    std::printf(
        "differential: seed %llu, %llu commands (%d left out: a delta on a number memcached reads "
        "past its end), %llu bytes sent, %d late epochs\n",
        static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(done),
        left_to_stale_memory_, static_cast<unsigned long long>(sent_to_memcached_), late_epochs_);
    // What the run exercised, as memcached counted it.
    const auto final_stats = ParseStats(MemcachedStats("stats"));
    std::printf("differential: memcached counted");
    for (const char* name :
         {"cmd_get", "get_hits", "get_expired", "get_flushed", "cmd_set", "cas_hits", "cas_badval",
          "incr_hits", "decr_hits", "touch_hits", "evictions", "reclaimed", "expired_unfetched",
          "evicted_unfetched", "store_too_large", "total_items"}) {
      std::printf(" %s=%s", name, Find(final_stats, name).c_str());
    }
    std::printf("\n");
    close(memcached_);
  }

 private:
  static std::string Find(const std::vector<std::pair<std::string, std::string>>& stats,
                          const std::string& name) {
    for (const auto& [key, value] : stats) {
      if (key == name) return value;
    }
    return "";
  }

  std::string Reproduce() const {
    return "reproduce: MCSPEC_DIFF_SEED=" + std::to_string(seed_) +
           " MCSPEC_DIFF_COMMANDS=" + std::to_string(commands_) +
           " build/<preset>/reference/differential_test";
  }

  std::string ExchangeMemcached(std::string_view request, std::string_view terminator) {
    sent_to_memcached_ += request.size();
    EXPECT_TRUE(testing::WriteFdAll(memcached_, request));
    std::string response;
    EXPECT_TRUE(testing::ReadFdUntil(memcached_, terminator, &response, kResponseTimeout))
        << "memcached did not answer " << Escape(request) << "\n"
        << Reproduce();
    received_from_memcached_ += response.size();
    return response;
  }

  std::string ExchangeReference(std::string_view request, std::string_view terminator) {
    sent_to_reference_ += request.size();
    EXPECT_TRUE(mcref_->Write(request));
    std::string response;
    EXPECT_TRUE(mcref_->ReadUntil(terminator, &response, kResponseTimeout))
        << "mcref did not answer " << Escape(request) << "\n"
        << Reproduce();
    received_from_reference_ += response.size();
    return response;
  }

  std::string MemcachedStats(const std::string& command) {
    return ExchangeMemcached(command + "\r\n", "END\r\n");
  }

  uint32_t MemcachedNow() {
    return static_cast<uint32_t>(std::stoul(Find(ParseStats(MemcachedStats("stats")), "uptime")) +
                                 60);
  }

  // Polls memcached's uptime until it changes: right after its clock ticked.
  uint32_t WaitForTick() {
    const uint32_t before = MemcachedNow();
    uint32_t now = before;
    while (now == before) {
      std::this_thread::sleep_for(milliseconds(5));
      now = MemcachedNow();
    }
    return now;
  }

  void SyncReferenceClock(uint32_t now) {
    if (now == reference_now_) return;
    const std::string response = ExchangeReference(
        "debugtime " + std::to_string(static_cast<int64_t>(now) - reference_now_) + "\r\nmn\r\n",
        "MN\r\n");
    EXPECT_EQ(response, "OK\r\nMN\r\n");
    reference_now_ = now;
  }

  // Sends `request` to both servers and returns memcached's answer.
  std::string RunCommand(uint64_t index, const std::string& request, Workload* workload) {
    const std::string fenced = request + "mn\r\n";
    std::string expected = ExchangeMemcached(fenced, "MN\r\n");
    const std::string actual = ExchangeReference(fenced, "MN\r\n");
    workload->Observe(expected);
    if (actual != expected) {
      ADD_FAILURE() << "command #" << index << " differs\n  request:   " << Escape(request)
                    << "\n  memcached: " << Escape(expected) << "\n  mcref:     " << Escape(actual)
                    << "\n  recent requests:\n"
                    << RecentRequests() << "\n"
                    << Reproduce();
    }
    recent_.push_back(request);
    if (recent_.size() > 8) recent_.erase(recent_.begin());
    return expected;
  }

  // Reads `key` from both servers (compared as any command) and says whether
  // a delta on its value would be decided by memcached's stale memory.
  bool LeftToStaleMemory(uint64_t index, const std::string& key, Workload* workload) {
    const std::string response = RunCommand(index, "mg " + key + " v\r\n", workload);
    if (!response.starts_with("VA ")) return false;
    const size_t data = response.find("\r\n") + 2;
    const std::string value = response.substr(data, std::stoul(response.substr(3)));
    if (!DeltaDependsOnStaleMemory(value)) return false;
    ++left_to_stale_memory_;
    return true;
  }

  std::string RecentRequests() const {
    std::string out;
    for (const std::string& request : recent_) out += "    " + Escape(request, 200) + "\n";
    return out;
  }

  void CompareStats(uint64_t done) {
    for (const std::string command : {"stats", "stats items", "stats slabs", "stats settings",
                                      "stats sizes", "stats detail dump"}) {
      // The byte counters must equal what this test sent and received before
      // the request.
      const uint64_t memcached_written = received_from_memcached_;
      const uint64_t reference_written = received_from_reference_;
      const auto expected = ParseStats(MemcachedStats(command));
      const auto actual = ParseStats(ExchangeReference(command + "\r\n", "END\r\n"));
      ASSERT_EQ(expected.size(), actual.size()) << command << " after " << done << " commands\n"
                                                << Reproduce();
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(expected[i].first, actual[i].first) << command << " line " << i;
        if (kHostStats.contains(expected[i].first)) continue;
        EXPECT_EQ(expected[i].second, actual[i].second)
            << command << " " << expected[i].first << " after " << done << " commands\n"
            << Reproduce();
      }
      if (command == "stats") {
        EXPECT_EQ(Find(expected, "bytes_read"), std::to_string(sent_to_memcached_));
        EXPECT_EQ(Find(expected, "bytes_written"), std::to_string(memcached_written));
        EXPECT_EQ(Find(actual, "bytes_read"), std::to_string(sent_to_reference_));
        EXPECT_EQ(Find(actual, "bytes_written"), std::to_string(reference_written));
      }
    }
  }

  uint64_t seed_;
  uint64_t commands_;
  int memcached_ = -1;
  testing::ChildProcess* mcref_ = nullptr;
  int64_t reference_now_ = 0;
  uint64_t sent_to_memcached_ = 0;
  uint64_t received_from_memcached_ = 0;
  uint64_t sent_to_reference_ = 0;
  uint64_t received_from_reference_ = 0;
  int late_epochs_ = 0;
  int left_to_stale_memory_ = 0;
  std::vector<std::string> recent_;
};

TEST(Differential, ReferenceMatchesMemcachedByteForByte) {
  Differential(EnvOr("MCSPEC_DIFF_SEED", 1), EnvOr("MCSPEC_DIFF_COMMANDS", 100000)).Run();
}

}  // namespace
}  // namespace mcspec
