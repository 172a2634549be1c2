#include "settings_check.h"

#include <gtest/gtest.h>

#include "server.h"
#include "session.h"

namespace mcspec::conformance {
namespace {

// `stats settings` of a reference server started with `flags`.
std::string StatsSettings(const std::vector<std::string>& flags) {
  ref::Server server(ref::ParseServerFlags(flags).settings);
  ref::Session session(server);
  std::string out;
  session.Receive("stats settings\r\n", &out);
  return out;
}

TEST(SettingsCheck, SameFlagsMatch) {
  EXPECT_TRUE(SettingsMismatches({"-o", "no_modern"}, StatsSettings({"-o", "no_modern"})).empty());
}

TEST(SettingsCheck, EnvironmentIsNotCompared) {
  EXPECT_TRUE(
      SettingsMismatches({}, StatsSettings({"-p", "53001", "-t", "1", "-l", "127.0.0.1"})).empty());
}

TEST(SettingsCheck, NamesTheDifferences) {
  const std::vector<std::string> mismatches = SettingsMismatches({"-C"}, StatsSettings({}));
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0], "cas_enabled is yes, the case needs no");
}

// A server that requires authentication still has its settings compared.
TEST(SettingsCheck, AuthenticationIsASetting) {
  const std::string users = std::string(MCSPEC_SPECS_DIR) + "/auth_users.txt";
  const std::vector<std::string> mismatches = SettingsMismatches({"-Y", users}, StatsSettings({}));
  ASSERT_EQ(mismatches.size(), 2u);
  EXPECT_EQ(mismatches[0], "binding_protocol is auto-negotiate, the case needs ascii");
  EXPECT_EQ(mismatches[1], "auth_enabled_ascii is no, the case needs " + users);
}

TEST(ParseStatLines, KeepsOrderAndValues) {
  const auto stats = ParseStatLines("STAT a 1\r\nSTAT b x y\r\nEND\r\n");
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[1].first, "b");
  EXPECT_EQ(stats[1].second, "x y");
}

}  // namespace
}  // namespace mcspec::conformance
