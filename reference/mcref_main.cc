// mcref: the reference memcached server. By default a network server like
// memcached 1.6.18 (net_server.h) on a real clock; `--stdio` runs one session
// over standard input and output instead, on a virtual clock. Server settings
// use memcached's own flags, and the process starts up as memcached's does:
// file limit from -c, root only with -u, -d and -P, -vv's slab table.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "net_server.h"
#include "server.h"
#include "session.h"
#include "settings.h"

namespace {

constexpr int kExitUsage = 64;   // EX_USAGE
constexpr int kExitNoUser = 67;  // EX_NOUSER
constexpr int kExitOsErr = 71;   // EX_OSERR

constexpr const char* kUsage =
    "usage: mcref [--clock real|virtual] [--process-started UNIX_SECONDS] [memcached flags]\n"
    "       mcref --stdio [--process-started UNIX_SECONDS] [memcached flags]\n"
    "\n"
    "Runs the mcspec reference server (memcached 1.6.18 text protocol). By default it\n"
    "serves the network as memcached does: TCP on -p (11211) at the -l addresses, UDP on\n"
    "-U (off), or only the unix socket -s. Its clock ticks every second from relative\n"
    "time 62; `debugtime <N>|p|r` moves, pauses and resumes it.\n"
    "\n"
    "  --stdio                  serve one session on stdin/stdout (virtual clock)\n"
    "  --clock real|virtual     network server's clock: real (default) or moved only\n"
    "                           by debugtime\n"
    "  --process-started SECS   unix time the clock counts from (default: now - 62\n"
    "                           on the network, 1700000000 with --stdio)\n"
    "  --help                   this text\n"
    "\n"
    "memcached flags:\n"
    "  -p, -U PORT      TCP, UDP port (0: off, -1: any free port; MEMCACHED_PORT_FILENAME\n"
    "                   names a file that receives the ports)\n"
    "  -l ADDRS         listen addresses, comma-separated (host, host:port, [v6]:port, *)\n"
    "  -s PATH, -a MASK unix socket instead of TCP/UDP, and its mode (octal, 0700)\n"
    "  -c N             connection limit (1024); -b N listen backlog (1024)\n"
    "  -m MB, -I SIZE[k|m], -f FACTOR, -n BYTES, -M, -C, -F, -A, -R N, -t N, -D CHAR\n"
    "  -v, -vv, -vvv    verbosity (-vv prints the slab class table and connections)\n"
    "  -d               run as a daemon; -P FILE writes the pid file\n"
    "  -u USER          user to run as when started as root (required then)\n"
    "  -o OPTIONS       modern, no_modern, slab_chunk_max=N, no_chunked_items,\n"
    "                   hot_lru_pct=N, warm_lru_pct=N, hot_max_factor=F, warm_max_factor=F,\n"
    "                   temporary_ttl=N, idle_timeout=N, lru_crawler, no_lru_crawler,\n"
    "                   lru_maintainer, no_lru_maintainer, lru_crawler_sleep=N,\n"
    "                   lru_crawler_tocrawl=N, hashpower=N, hash_algorithm=jenkins|murmur3,\n"
    "                   slab_reassign, no_slab_reassign, slab_automove[=0|1|2],\n"
    "                   no_slab_automove, slab_automove_ratio=F, slab_automove_window=N\n"
    "Any other memcached flag is refused.\n";

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

// memcached's user switch: root must name a user with -u; others keep theirs.
int SwitchUser(const std::string& username) {
  if (getuid() != 0 && geteuid() != 0) return 0;
  if (username.empty()) {
    std::fputs("can't run as root without the -u switch\n", stderr);
    return kExitUsage;
  }
  const passwd* pw = getpwnam(username.c_str());
  if (pw == nullptr) {
    std::fprintf(stderr, "can't find the user %s to switch to\n", username.c_str());
    return kExitNoUser;
  }
  if (setgroups(0, nullptr) < 0) {
    const int error = errno;
    std::fprintf(stderr, "failed to drop supplementary groups: %s\n", std::strerror(error));
    if (error != EPERM) return kExitOsErr;
  }
  if (setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
    std::fprintf(stderr, "failed to assume identity of user %s\n", username.c_str());
    return kExitOsErr;
  }
  return 0;
}

// memcached's daemon(): the parent exits, the child leaves the session and
// the working directory, and drops its standard streams unless verbose.
bool Daemonize(bool keep_streams) {
  switch (fork()) {
    case -1:
      return false;
    case 0:
      break;
    default:
      _exit(EXIT_SUCCESS);
  }
  if (setsid() == -1) return false;
  if (chdir("/") != 0) {
    std::perror("chdir");
    return false;
  }
  if (!keep_streams) {
    const int fd = open("/dev/null", O_RDWR);
    if (fd < 0) return false;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  return true;
}

// memcached's save_pid: written under a temporary name, then renamed.
void SavePid(const std::string& pid_file) {
  if (FILE* old = std::fopen(pid_file.c_str(), "r")) {
    unsigned pid = 0;
    if (std::fscanf(old, "%u", &pid) == 1 && kill(static_cast<pid_t>(pid), 0) == 0) {
      std::fprintf(stderr, "WARNING: The pid file contained the following (running) pid: %u\n",
                   pid);
    }
    std::fclose(old);
  }
  const std::string tmp = pid_file + ".tmp";
  FILE* fp = std::fopen(tmp.c_str(), "w");
  if (fp == nullptr) {
    std::fprintf(stderr, "Could not open the pid file %s for writing: %s\n", tmp.c_str(),
                 std::strerror(errno));
    return;
  }
  std::fprintf(fp, "%ld\n", static_cast<long>(getpid()));
  std::fclose(fp);
  if (std::rename(tmp.c_str(), pid_file.c_str()) != 0) {
    std::fprintf(stderr, "Could not rename the pid file from %s to %s: %s\n", tmp.c_str(),
                 pid_file.c_str(), std::strerror(errno));
  }
}

int ServeNetwork(mcspec::ref::Settings settings, bool real_clock, bool process_started_given) {
  // memcached sets the file limit to the connection limit.
  rlimit files{settings.maxconns, settings.maxconns};
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) {
    std::fputs(
        "failed to set rlimit for open files. Try starting as root or requesting smaller "
        "maxconns value.\n",
        stderr);
    return kExitOsErr;
  }
  if (const int status = SwitchUser(settings.username); status != 0) return status;
  if (settings.daemonize) {
    std::signal(SIGHUP, SIG_IGN);
    if (!Daemonize(settings.verbose > 0)) {
      std::fputs("failed to daemon() in order to daemonize\n", stderr);
      return EXIT_FAILURE;
    }
  }
  // memcached's clock starts at 62 seconds past process_started.
  if (!process_started_given) settings.process_started = std::time(nullptr) - 62;
  mcspec::ref::Server server(settings);
  if (settings.verbose > 1) {
    std::string table;
    server.cache().slabs().AppendClassTable(&table);
    std::fputs(table.c_str(), stderr);
  }
  std::signal(SIGPIPE, SIG_IGN);
  mcspec::ref::NetServer net(server, real_clock);
  std::string error;
  int status = 0;
  if (!net.Listen(&error, &status)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return status;
  }
  if (!settings.pid_file.empty()) SavePid(settings.pid_file);
  status = net.Run();
  if (settings.daemonize && !settings.pid_file.empty() && unlink(settings.pid_file.c_str()) != 0) {
    std::fprintf(stderr, "Could not remove the pid file %s: %s\n", settings.pid_file.c_str(),
                 std::strerror(errno));
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  bool stdio = false;
  bool real_clock = true;
  bool process_started_given = false;
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
    } else if (arg == "--clock") {
      const std::string mode = i + 1 < argc ? argv[++i] : "";
      if (mode != "real" && mode != "virtual") {
        std::fputs("mcref: --clock takes real or virtual\n", stderr);
        return kExitUsage;
      }
      real_clock = mode == "real";
    } else if (arg == "--process-started") {
      if (i + 1 >= argc) {
        std::fputs("mcref: --process-started needs a value\n", stderr);
        return kExitUsage;
      }
      base.process_started = std::stoll(argv[++i]);
      process_started_given = true;
    } else if (arg == "--inject-bug") {
      // Test-only and left out of the usage text: a faulty server for the
      // tests of `mcsim run --target` to find over the network.
      if (i + 1 >= argc || !base.injected_bugs.Enable(argv[++i])) {
        std::fputs("mcref: --inject-bug needs a bug's name (injected_bugs.h)\n", stderr);
        return kExitUsage;
      }
    } else {
      flags.push_back(arg);
    }
  }
  mcspec::ref::FlagParseResult parsed = mcspec::ref::ParseServerFlags(flags, base);
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "%s\n", parsed.error.c_str());
    return parsed.exit_status;
  }
  if (stdio) return ServeStdio(parsed.settings);
  return ServeNetwork(parsed.settings, real_clock, process_started_given);
}
