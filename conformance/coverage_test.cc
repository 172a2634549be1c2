#include "coverage.h"

#include <gtest/gtest.h>

namespace mcspec::conformance {
namespace {

TEST(Coverage, ParsesUnderlinedHeadingsButNotTables) {
  const std::vector<std::string> sections = ParseProtocolSections(
      "Protocol\n--------\n\nintro\n\nKeys\n----\n\ntext\n\nRetrieval command:\n"
      "------------------\n\nName                   Meaning\n------------------------------\n"
      "Other commands\r\n--------------\r\n");
  EXPECT_EQ(sections, (std::vector<std::string>{"Keys", "Retrieval command", "Other commands"}));
}

TEST(Coverage, CountsCasesPerSection) {
  TestCase a;
  a.spec = "Keys";
  TestCase b;
  b.spec = "Keys";
  TestCase c;
  c.spec = "Elsewhere";
  const Coverage coverage = ComputeCoverage({"Keys", "Touch"}, {a, b, c});
  ASSERT_EQ(coverage.sections.size(), 2u);
  EXPECT_EQ(coverage.sections[0].cases, 2);
  EXPECT_EQ(coverage.sections[1].cases, 0);
  EXPECT_EQ(coverage.uncovered(), 1);
  EXPECT_EQ(coverage.unknown_sections, std::vector<std::string>{"Elsewhere"});
  const std::string report = FormatCoverage(coverage);
  EXPECT_NE(report.find("Touch                         NONE"), std::string::npos) << report;
  EXPECT_NE(report.find("1 of 2 sections covered by 2 cases; 1 uncovered"), std::string::npos)
      << report;
}

}  // namespace
}  // namespace mcspec::conformance
