#include "settings.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include "number_parse.h"

namespace mcspec::ref {
namespace {

constexpr int kExitUsage = 64;  // EX_USAGE, which memcached uses for bad settings
constexpr uint32_t kItemSizeMaxLowerLimit = 1024;
constexpr uint64_t kItemSizeMaxUpperLimit = 1024ull * 1024 * 1024;

// C's atoi, which memcached uses for most numeric flags: no error, just the
// leading number (0 when there is none).
long long Atoi(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  long long value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && value < (1ll << 40)) {
    value = value * 10 + (text[i++] - '0');
  }
  return negative ? -value : value;
}

// -I accepts a k/K or m/M suffix.
long long ParseItemSize(std::string_view text) {
  if (text.empty()) return 0;
  const char unit = text.back();
  if (unit == 'k' || unit == 'K') return Atoi(text.substr(0, text.size() - 1)) * 1024;
  if (unit == 'm' || unit == 'M') return Atoi(text.substr(0, text.size() - 1)) * 1024 * 1024;
  return Atoi(text);
}

struct Parser {
  Settings settings;
  bool slab_chunk_size_changed = false;
  bool tcp_specified = false;
  bool udp_specified = false;
  std::string error;
  int exit_status = 0;

  bool Fail(std::string message, int status) {
    error = std::move(message);
    exit_status = status;
    return false;
  }

  bool Suboption(std::string_view option) {
    const size_t eq = option.find('=');
    const std::string_view name = option.substr(0, eq);
    const bool has_value = eq != std::string_view::npos;
    const std::string value(has_value ? option.substr(eq + 1) : "");
    Settings& s = settings;
    // memcached's message for a valued suboption given without its value.
    auto need = [&](const std::string& message) {
      if (has_value) return true;
      return Fail(message, 1);
    };
    if (name == "modern") {
      // memcached 1.6.18: "currently no new defaults".
    } else if (name == "no_modern") {
      if (!slab_chunk_size_changed) s.slab_chunk_size_max = s.slab_page_size;
      s.slab_reassign = false;
      s.slab_automove = 0;
      s.maxconns_fast = false;
      s.lru_segmented = false;
      s.hash_is_jenkins = true;
      s.lru_crawler = false;
      s.lru_maintainer_thread = false;
    } else if (name == "slab_chunk_max") {
      // memcached only warns about a missing or bad value here.
      s.slab_chunk_size_max = static_cast<uint32_t>(Atoi(value));
      slab_chunk_size_changed = true;
    } else if (name == "slab_reassign" || name == "no_slab_reassign") {
      s.slab_reassign = name == "slab_reassign";
    } else if (name == "no_slab_automove") {
      s.slab_automove = 0;
    } else if (name == "slab_automove") {
      if (!has_value) {
        s.slab_automove = 1;
      } else {
        const long long mode = Atoi(value);
        if (mode < 0 || mode > 2) return Fail("slab_automove must be between 0 and 2", 1);
        s.slab_automove = static_cast<uint32_t>(mode);
      }
    } else if (name == "slab_automove_ratio") {
      if (!need("Missing slab_automove_ratio argument")) return false;
      const double ratio = std::strtod(value.c_str(), nullptr);
      if (ratio <= 0 || ratio > 1) return Fail("slab_automove_ratio must be > 0 and < 1", 1);
      s.slab_automove_ratio = ratio;
    } else if (name == "slab_automove_window") {
      if (!need("Missing slab_automove_window argument")) return false;
      const long long window = Atoi(value);
      if (window < 3) return Fail("slab_automove_window must be > 2", 1);
      s.slab_automove_window = static_cast<uint32_t>(window);
    } else if (name == "no_chunked_items") {
      s.slab_chunk_size_max = s.slab_page_size;
    } else if (name == "hashpower") {
      if (!need("Missing numeric argument for hashpower")) return false;
      const long long power = Atoi(value);
      if (power < 12) {
        return Fail("Initial hashtable multiplier of " + std::to_string(power) + " is too low", 1);
      }
      if (power > 32) {
        return Fail("Initial hashtable multiplier of " + std::to_string(power) +
                        " is too high\nChoose a value based on \"STAT hash_power_level\" from a "
                        "running instance",
                    1);
      }
      s.hashpower_init = static_cast<uint32_t>(power);
    } else if (name == "hot_lru_pct" || name == "warm_lru_pct") {
      if (!need("Missing " + std::string(name) + " argument")) return false;
      const long long pct = Atoi(value);
      if (pct < 1 || pct >= 80) return Fail(std::string(name) + " must be > 1 and < 80", 1);
      (name == "hot_lru_pct" ? s.hot_lru_pct : s.warm_lru_pct) = static_cast<uint32_t>(pct);
    } else if (name == "hot_max_factor" || name == "warm_max_factor") {
      if (!need("Missing " + std::string(name) + " argument")) return false;
      const double factor = std::strtod(value.c_str(), nullptr);
      if (factor <= 0) return Fail(std::string(name) + " must be > 0", 1);
      (name == "hot_max_factor" ? s.hot_max_factor : s.warm_max_factor) = factor;
    } else if (name == "temporary_ttl") {
      if (!need("Missing temporary_ttl argument")) return false;
      s.temp_lru = true;
      s.temporary_ttl = static_cast<uint32_t>(Atoi(value));
    } else if (name == "idle_timeout") {
      if (!need("Missing numeric argument for idle_timeout")) return false;
      s.idle_timeout = static_cast<uint32_t>(Atoi(value));
    } else if (name == "lru_crawler") {
      s.lru_crawler = true;
    } else if (name == "no_lru_crawler") {
      s.lru_crawler = false;
    } else if (name == "lru_maintainer") {
      s.lru_maintainer_thread = true;
      s.lru_segmented = true;
    } else if (name == "no_lru_maintainer") {
      s.lru_maintainer_thread = false;
      s.lru_segmented = false;
    } else if (name == "lru_crawler_sleep") {
      if (!need("Missing lru_crawler_sleep value")) return false;
      const long long sleep = Atoi(value);
      if (sleep > 1000000 || sleep < 0) {
        return Fail("LRU crawler sleep must be between 0 and 1 second", 1);
      }
      s.lru_crawler_sleep = static_cast<uint32_t>(sleep);
    } else if (name == "lru_crawler_tocrawl") {
      if (!need("Missing lru_crawler_tocrawl value")) return false;
      std::optional<uint32_t> tocrawl = ParseU32(value);
      if (!tocrawl) return Fail("lru_crawler_tocrawl takes a numeric 32bit value", 1);
      s.lru_crawler_tocrawl = *tocrawl;
    } else if (name == "hash_algorithm") {
      if (!need("Missing hash_algorithm argument")) return false;
      if (value == "jenkins") {
        s.hash_is_jenkins = true;
      } else if (value == "murmur3") {
        s.hash_is_jenkins = false;
      } else if (value == "xxh3") {
        return Fail("hash_algorithm=xxh3 is not supported by the reference server", 1);
      } else {
        return Fail("Unknown hash_algorithm option (jenkins, murmur3, xxh3)", 1);
      }
    } else {
      return Fail("Illegal suboption \"" + std::string(option) + "\"", 1);
    }
    return true;
  }

  bool Flag(char flag, std::string_view arg) {
    Settings& s = settings;
    switch (flag) {
      case 'm':
        s.maxbytes = static_cast<uint64_t>(Atoi(arg)) * 1024 * 1024;
        return true;
      case 'M':
        s.evict_to_free = false;
        return true;
      case 'c':
        if (Atoi(arg) <= 0) return Fail("Maximum connections must be greater than 0", 1);
        s.maxconns = static_cast<uint32_t>(Atoi(arg));
        return true;
      case 'f': {
        s.factor = std::strtod(std::string(arg).c_str(), nullptr);
        if (s.factor <= 1.0) return Fail("Factor must be greater than 1", 1);
        return true;
      }
      case 'n':
        s.chunk_size = static_cast<uint32_t>(Atoi(arg));
        if (s.chunk_size == 0) return Fail("Chunk size must be greater than 0", 1);
        return true;
      case 't':
        if (Atoi(arg) <= 0) return Fail("Number of threads must be greater than 0", 1);
        s.num_threads = static_cast<uint32_t>(Atoi(arg));
        return true;
      case 'R':
        s.reqs_per_event = static_cast<uint32_t>(Atoi(arg));
        if (s.reqs_per_event == 0) {
          return Fail("Number of requests per event must be greater than 0", 1);
        }
        return true;
      case 'I':
        s.item_size_max = static_cast<uint32_t>(ParseItemSize(arg));
        return true;
      case 'C':
        s.use_cas = false;
        return true;
      case 'F':
        s.flush_enabled = false;
        return true;
      case 'A':
        s.shutdown_command = true;
        return true;
      case 'p':
        s.tcp_port = static_cast<int32_t>(Atoi(arg));
        tcp_specified = true;
        return true;
      case 'U':
        s.udp_port = static_cast<int32_t>(Atoi(arg));
        udp_specified = true;
        return true;
      case 'l':
        s.inter = std::string(arg);
        return true;
      case 's':
        s.socketpath = std::string(arg);
        return true;
      case 'a':
        s.access = static_cast<uint32_t>(std::strtol(std::string(arg).c_str(), nullptr, 8));
        return true;
      case 'b':
        s.backlog = static_cast<uint32_t>(Atoi(arg));
        return true;
      case 'D':
        if (arg.empty()) return Fail("No delimiter specified", 1);
        s.prefix_delimiter = arg[0];
        s.detail_enabled = true;
        return true;
      case 'v':
        s.verbose++;
        return true;
      case 'u':
        s.username = std::string(arg);
        return true;
      case 'd':
        s.daemonize = true;
        return true;
      case 'P':
        s.pid_file = std::string(arg);
        return true;
      case 'Y':
        s.auth_file = std::string(arg);
        return true;
      case 'o': {
        std::string_view rest = arg;
        while (!rest.empty()) {
          const size_t comma = rest.find(',');
          if (!Suboption(rest.substr(0, comma))) return false;
          if (comma == std::string_view::npos) break;
          rest = rest.substr(comma + 1);
        }
        return true;
      }
      default:
        return Fail(std::string("-") + flag + " is not supported by the reference server", 1);
    }
  }

  // -Y: memcached reads the file at start and refuses to run without it.
  // Each line is "user:password" (the password ends at '\r', '\n' or NUL); a
  // line without ':' is malformed; entries after the 8th are ignored.
  bool LoadAuthFile() {
    Settings& s = settings;
    if (s.auth_file.empty()) return true;
    if (s.udp_port != 0) {
      return Fail("Cannot use UDP with ascii authentication enabled (-U 0 to disable)", kExitUsage);
    }
    std::ifstream file(s.auth_file, std::ios::binary);
    if (!file) {
      const std::string reason = std::strerror(errno);
      return Fail("Could not open authfile [" + s.auth_file + "] for reading, error " + reason +
                      ": " + reason,
                  1);
    }
    constexpr size_t kMaxEntries = 8;
    s.auth_entries.clear();
    for (std::string line; s.auth_entries.size() < kMaxEntries && std::getline(file, line);) {
      line = line.substr(0, line.find('\0'));
      const size_t colon = line.find(':');
      if (colon == std::string::npos) {
        return Fail("Authfile [" + s.auth_file + "] has a malformed entry. Should be 'user:password'",
                    1);
      }
      const size_t end = line.find_first_of("\r", colon + 1);
      s.auth_entries.emplace_back(line.substr(0, colon),
                                  line.substr(colon + 1, end == std::string::npos
                                                             ? std::string::npos
                                                             : end - colon - 1));
    }
    return true;
  }

  // memcached's checks after option parsing, in its order.
  bool Validate() {
    Settings& s = settings;
    if (s.item_size_max < kItemSizeMaxLowerLimit) {
      return Fail("Item max size cannot be less than 1024 bytes.", kExitUsage);
    }
    if (s.item_size_max > s.maxbytes / 2) {
      return Fail("Cannot set item size limit higher than 1/2 of memory max.", kExitUsage);
    }
    if (s.item_size_max > kItemSizeMaxUpperLimit) {
      return Fail("Cannot set item size limit higher than a gigabyte.", kExitUsage);
    }
    if (s.item_size_max > 1024 * 1024 && !slab_chunk_size_changed) {
      s.slab_chunk_size_max = s.slab_page_size / 2;
    }
    if (s.slab_chunk_size_max > s.item_size_max) {
      return Fail("slab_chunk_max (bytes: " + std::to_string(s.slab_chunk_size_max) +
                      ") cannot be larger than -I (item_size_max " +
                      std::to_string(s.item_size_max) + ")",
                  kExitUsage);
    }
    if (s.slab_chunk_size_max == 0 || s.item_size_max % s.slab_chunk_size_max != 0) {
      return Fail("-I (item_size_max: " + std::to_string(s.item_size_max) +
                      ") must be evenly divisible by slab_chunk_max (bytes: " +
                      std::to_string(s.slab_chunk_size_max) + ")",
                  kExitUsage);
    }
    if (s.slab_page_size % s.slab_chunk_size_max != 0) {
      return Fail("slab_chunk_max (bytes: " + std::to_string(s.slab_chunk_size_max) +
                      ") must divide evenly into " + std::to_string(s.slab_page_size) +
                      " (slab_page_size)",
                  kExitUsage);
    }
    if (s.hot_lru_pct + s.warm_lru_pct > 80) {
      return Fail("hot_lru_pct + warm_lru_pct cannot be more than 80% combined", kExitUsage);
    }
    if (s.temp_lru && !s.lru_maintainer_thread) {
      return Fail("temporary_ttl requires lru_maintainer to be enabled", kExitUsage);
    }
    // A UDP port given alone moves the TCP port along.
    if (udp_specified && s.udp_port != 0 && !tcp_specified) s.tcp_port = s.udp_port;
    if (s.tcp_port > 65535) {
      return Fail("ERROR: Invalid port number " + std::to_string(s.tcp_port) + ".", kExitUsage);
    }
    return true;
  }
};

// Flags that take a value, as in memcached's getopt string.
bool TakesValue(char flag) {
  return std::string_view("mcfntRIpUlsabDuoPeY").find(flag) != std::string_view::npos;
}

}  // namespace

FlagParseResult ParseServerFlags(const std::vector<std::string>& args, Settings base) {
  Parser parser;
  parser.settings = std::move(base);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') {
      parser.Fail("unexpected argument \"" + arg + "\"", 1);
      break;
    }
    // Short flags may be bundled (-vv, -MC) and a value may follow directly (-m64).
    bool ok = true;
    for (size_t j = 1; j < arg.size() && ok; ++j) {
      const char flag = arg[j];
      if (!TakesValue(flag)) {
        ok = parser.Flag(flag, "");
        continue;
      }
      std::string value;
      if (j + 1 < arg.size()) {
        value = arg.substr(j + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        ok = parser.Fail(std::string("option requires an argument -- '") + flag + "'", 1);
        break;
      }
      ok = parser.Flag(flag, value);
      break;
    }
    if (!ok) break;
  }
  if (parser.error.empty()) parser.Validate();
  if (parser.error.empty()) parser.LoadAuthFile();
  return FlagParseResult{parser.settings, parser.error, parser.exit_status};
}

}  // namespace mcspec::ref
