#include "memory_probe.h"

#include <gtest/gtest.h>

#include "embedded_target.h"
#include "network_target.h"
#include "settings_check.h"
#include "testing/memcached_oracle.h"

namespace mcspec::conformance {
namespace {

std::string Exchange(Connection& connection, const std::string& request,
                     std::string_view terminator) {
  EXPECT_TRUE(connection.Send(request));
  std::string reply;
  while (!reply.ends_with(terminator) &&
         connection.Receive(&reply, std::chrono::milliseconds(2000)) == Connection::Status::kData) {
  }
  return reply;
}

std::string Render(const std::vector<ref::MemoryStat>& report, bool skip_peak) {
  std::string text;
  for (const ref::MemoryStat& stat : report) {
    if (skip_peak && stat.name.starts_with("peak.")) continue;
    text += "STAT " + stat.name + " " + stat.value + "\r\n";
  }
  return text;
}

// Without deletions the reference's peak is its present, so the report
// computed from its families equals its own `stats memory` line for line.
TEST(MemoryProbe, EqualsTheReferencesStatsMemory) {
  EmbeddedTarget target;
  std::string skip_reason;
  std::string error;
  ASSERT_TRUE(target.BeginCase(CaseNeeds{}, &skip_reason, &error)) << error;
  std::unique_ptr<Connection> connection = target.Connect(&error);
  for (int i = 0; i < 300; ++i) {
    const std::string value(static_cast<size_t>(i * 37 % 5000), 'v');
    Exchange(*connection,
             "set key" + std::to_string(i) + " " + std::to_string(i % 3) + " 0 " +
                 std::to_string(value.size()) + "\r\n" + value + "\r\n",
             "\r\n");
  }
  std::vector<ref::MemoryStat> report;
  ASSERT_TRUE(ProbeMemoryStats(*connection, std::chrono::milliseconds(2000), &report, &error))
      << error;
  const std::string own = Exchange(*connection, "stats memory\r\n", "END\r\n");
  EXPECT_EQ(Render(report, false) + "END\r\n", own);

  // After deletions only the peak lines differ.
  for (int i = 0; i < 300; i += 2) {
    Exchange(*connection, "delete key" + std::to_string(i) + "\r\n", "\r\n");
  }
  ASSERT_TRUE(ProbeMemoryStats(*connection, std::chrono::milliseconds(2000), &report, &error));
  std::string own_without_peak;
  for (const auto& [name, value] :
       ParseStatLines(Exchange(*connection, "stats memory\r\n", "END\r\n"))) {
    if (!name.starts_with("peak.")) own_without_peak += "STAT " + name + " " + value + "\r\n";
  }
  EXPECT_EQ(Render(report, true), own_without_peak);
}

TEST(MemoryProbe, ComputesTheReportOfARealMemcached) {
  const testing::MemcachedOracle memcached({"-t", "1"});
  ASSERT_EQ(memcached.error(), "");
  std::string error;
  auto target = NetworkTarget::Create("127.0.0.1:" + std::to_string(memcached.port()),
                                      ClockMode::kSkip, &error);
  std::unique_ptr<Connection> connection = target->Connect(&error);
  ASSERT_NE(connection, nullptr) << error;
  Exchange(*connection, "set k 0 0 5\r\nhello\r\n", "\r\n");
  std::vector<ref::MemoryStat> report;
  ASSERT_TRUE(ProbeMemoryStats(*connection, std::chrono::milliseconds(2000), &report, &error))
      << error;
  std::map<std::string, std::string> by_name;
  for (const ref::MemoryStat& stat : report) by_name[stat.name] = stat.value;
  EXPECT_EQ(by_name["keys.count"], "1");
  EXPECT_EQ(by_name["peak.allocated"], by_name["total.allocated"]);
  EXPECT_NE(by_name["total.allocated"], "0");
}

TEST(MemoryProbe, ReportsAServerWithoutTheFamilies) {
  class Refusing : public Connection {
   public:
    bool Send(std::string_view) override { return true; }
    Status Receive(std::string* out, std::chrono::milliseconds) override {
      out->append("ERROR\r\n");
      return Status::kData;
    }
  } refusing;
  std::vector<ref::MemoryStat> report;
  std::string error;
  EXPECT_FALSE(ProbeMemoryStats(refusing, std::chrono::milliseconds(100), &report, &error));
  EXPECT_EQ(error, "`stats` was refused: ERROR");
}

}  // namespace
}  // namespace mcspec::conformance
