// mcref: the reference memcached server. This front end runs one session over
// standard input and output (`--stdio`), on a virtual clock that moves only by
// `debugtime`. Server settings use memcached's own flags.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"

namespace {

constexpr const char* kUsage =
    "usage: mcref --stdio [--process-started UNIX_SECONDS] [memcached flags]\n"
    "\n"
    "Runs the mcspec reference server (memcached 1.6.18 text protocol) on one\n"
    "session over standard input/output. The clock is virtual: it starts at\n"
    "memcached's relative time 62 and moves only by `debugtime <N>|p|r`.\n"
    "\n"
    "  --stdio                  serve one session on stdin/stdout\n"
    "  --process-started SECS   unix time the virtual clock counts from\n"
    "                           (default 1700000000, for reproducible runs)\n"
    "  --help                   this text\n"
    "\n"
    "memcached flags: -m MB, -c N, -I SIZE[k|m], -f FACTOR, -n BYTES, -M, -C, -F,\n"
    "  -A, -R N, -t N, -p PORT, -U PORT, -l ADDR, -s PATH, -a MASK, -b N, -D CHAR,\n"
    "  -v[v[v]], -u USER (ignored), -o OPTIONS: modern, no_modern, slab_chunk_max=N,\n"
    "  no_chunked_items, hot_lru_pct=N, warm_lru_pct=N, hot_max_factor=F,\n"
    "  warm_max_factor=F, temporary_ttl=N, idle_timeout=N, lru_crawler,\n"
    "  no_lru_crawler, lru_maintainer, no_lru_maintainer, lru_crawler_sleep=N,\n"
    "  lru_crawler_tocrawl=N, hashpower=N, hash_algorithm=jenkins|murmur3,\n"
    "  slab_reassign, no_slab_reassign, slab_automove[=0|1|2], no_slab_automove,\n"
    "  slab_automove_ratio=F, slab_automove_window=N\n";

// The process figures of `stats` are this process's own; the connection
// figures are those memcached shows its first client.
mcspec::ref::HostFigures ProcessFigures() {
  mcspec::ref::HostFigures figures;
  figures.pid = static_cast<uint64_t>(getpid());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  figures.rusage_user_us = usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
  figures.rusage_system_us = usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
  return figures;
}

int ServeStdio(const mcspec::ref::Settings& settings) {
  mcspec::ref::Server server(settings);
  server.set_host(ProcessFigures);
  mcspec::ref::Session session(server);
  std::vector<char> buffer(16384);
  std::string out;
  while (!session.closed()) {
    const ssize_t n = read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0) {
      std::perror("mcref: read");
      return 1;
    }
    if (n == 0) break;
    out.clear();
    session.Receive(std::string_view(buffer.data(), static_cast<size_t>(n)), &out);
    size_t written = 0;
    while (written < out.size()) {
      const ssize_t w = write(STDOUT_FILENO, out.data() + written, out.size() - written);
      if (w <= 0) {
        std::perror("mcref: write");
        return 1;
      }
      written += static_cast<size_t>(w);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool stdio = false;
  mcspec::ref::Settings base;
  std::vector<std::string> flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--stdio") {
      stdio = true;
    } else if (arg == "--process-started") {
      if (i + 1 >= argc) {
        std::fputs("mcref: --process-started needs a value\n", stderr);
        return 64;
      }
      base.process_started = std::stoll(argv[++i]);
    } else {
      flags.push_back(arg);
    }
  }
  mcspec::ref::FlagParseResult parsed = mcspec::ref::ParseServerFlags(flags, base);
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "%s\n", parsed.error.c_str());
    return parsed.exit_status;
  }
  if (!stdio) {
    std::fputs("mcref: only --stdio is available in this build (see --help)\n", stderr);
    return 64;
  }
  return ServeStdio(parsed.settings);
}
