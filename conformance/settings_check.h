// Whether a running server's settings are those a case asks for.
//
// A network target cannot be restarted with a case's flags, so a case runs on
// it only when the server's `stats settings` agree with what the reference
// reports for the case's flags. Settings that describe the process's
// surroundings rather than its behaviour (port, interface, socket, threads,
// verbosity, the flush time in `oldest`) are not compared.
#ifndef MCSPEC_CONFORMANCE_SETTINGS_CHECK_H_
#define MCSPEC_CONFORMANCE_SETTINGS_CHECK_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcspec::conformance {

// The "STAT name value" lines of a stats answer, in order.
std::vector<std::pair<std::string, std::string>> ParseStatLines(std::string_view answer);

// The differences, one "name is X, the case needs Y" per setting; empty when
// the server matches. `target_stats_settings` is the server's answer to
// `stats settings`; settings only one side reports are not compared.
std::vector<std::string> SettingsMismatches(const std::vector<std::string>& flags,
                                            std::string_view target_stats_settings);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_SETTINGS_CHECK_H_
