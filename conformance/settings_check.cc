#include "settings_check.h"

#include <algorithm>
#include <map>

#include "server.h"
#include "settings.h"
#include "stats_report.h"

namespace mcspec::conformance {
namespace {

constexpr std::string_view kEnvironmentSettings[] = {
    "tcpport",
    "udpport",
    "inter",
    "domain_socket",
    "umask",
    "num_threads",
    "num_threads_per_udp",
    "tcp_backlog",
    "verbosity",
    "oldest",
};

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseStatLines(std::string_view answer) {
  std::vector<std::pair<std::string, std::string>> stats;
  size_t pos = 0;
  while (pos < answer.size()) {
    size_t end = answer.find("\r\n", pos);
    if (end == std::string_view::npos) end = answer.size();
    const std::string_view line = answer.substr(pos, end - pos);
    pos = end + 2;
    if (!line.starts_with("STAT ")) continue;
    const std::string_view rest = line.substr(5);
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos) continue;
    stats.emplace_back(std::string(rest.substr(0, space)), std::string(rest.substr(space + 1)));
  }
  return stats;
}

std::vector<std::string> SettingsMismatches(const std::vector<std::string>& flags,
                                            std::string_view target_stats_settings) {
  const ref::FlagParseResult parsed = ref::ParseServerFlags(flags);
  if (!parsed.error.empty()) return {"the reference refuses the settings: " + parsed.error};
  const ref::Server server(parsed.settings);
  std::string wanted;
  ref::AppendSettingsStats(server, &wanted);

  std::map<std::string, std::string, std::less<>> target;
  for (auto& [name, value] : ParseStatLines(target_stats_settings)) target[name] = value;
  std::vector<std::string> mismatches;
  for (const auto& [name, value] : ParseStatLines(wanted)) {
    if (std::find(std::begin(kEnvironmentSettings), std::end(kEnvironmentSettings), name) !=
        std::end(kEnvironmentSettings)) {
      continue;
    }
    const auto it = target.find(name);
    if (it != target.end() && it->second != value) {
      mismatches.push_back(std::string(name)
                               .append(" is ")
                               .append(it->second)
                               .append(", the case needs ")
                               .append(value));
    }
  }
  return mismatches;
}

}  // namespace mcspec::conformance
