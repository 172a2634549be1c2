// `mcconform coverage`: which sections of protocol.txt the suites check.
//
// The sections are memcached 1.6.18's (suite_loader.h ProtocolSections), or
// those of another edition of protocol.txt read from its text: a heading is a
// line underlined by a line of '-' or '=' of the same length (the document's
// first heading, its title, is left out; a trailing ':' is dropped).
#ifndef MCSPEC_CONFORMANCE_COVERAGE_H_
#define MCSPEC_CONFORMANCE_COVERAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "test_case.h"

namespace mcspec::conformance {

struct SectionCoverage {
  std::string section;
  int cases = 0;
};

std::vector<std::string> ParseProtocolSections(std::string_view protocol_text);

// One entry per section, in their order; then one per `spec` of the cases
// that is not among the sections (`unknown_sections`).
struct Coverage {
  std::vector<SectionCoverage> sections;
  std::vector<std::string> unknown_sections;
  int uncovered() const;
};

Coverage ComputeCoverage(const std::vector<std::string>& sections,
                         const std::vector<TestCase>& cases);

// The report: a line per section with its case count (or "NONE"), then the
// totals.
std::string FormatCoverage(const Coverage& coverage);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_COVERAGE_H_
