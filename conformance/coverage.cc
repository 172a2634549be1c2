#include "coverage.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace mcspec::conformance {

std::vector<std::string> ParseProtocolSections(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  std::vector<std::string> sections;
  bool title_seen = false;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::string_view title = lines[i];
    const std::string_view rule = lines[i + 1];
    const bool underlined = !title.empty() && rule.size() == title.size() &&
                            (rule.find_first_not_of('-') == std::string_view::npos ||
                             rule.find_first_not_of('=') == std::string_view::npos);
    // Table headers are underlined too, but their columns are spaced out.
    if (!underlined || title.find("  ") != std::string_view::npos) continue;
    if (!title_seen) {
      title_seen = true;
      continue;
    }
    std::string section(title);
    if (section.back() == ':') section.pop_back();
    sections.push_back(section);
  }
  return sections;
}

int Coverage::uncovered() const {
  return static_cast<int>(std::count_if(sections.begin(), sections.end(),
                                        [](const SectionCoverage& s) { return s.cases == 0; }));
}

Coverage ComputeCoverage(const std::vector<std::string>& sections,
                         const std::vector<TestCase>& cases) {
  std::map<std::string, SectionCoverage> by_section;
  for (const TestCase& test : cases) {
    ++by_section[test.spec].cases;
  }
  Coverage coverage;
  std::set<std::string> listed;
  for (const std::string& section : sections) {
    listed.insert(section);
    coverage.sections.push_back({section, by_section[section].cases});
  }
  for (const auto& [section, entry] : by_section) {
    if (entry.cases > 0 && !listed.contains(section)) coverage.unknown_sections.push_back(section);
  }
  return coverage;
}

std::string FormatCoverage(const Coverage& coverage) {
  std::string out;
  int total = 0;
  for (const SectionCoverage& section : coverage.sections) {
    char line[160];
    if (section.cases == 0) {
      std::snprintf(line, sizeof(line), "  %-28s  NONE\n", section.section.c_str());
    } else {
      std::snprintf(line, sizeof(line), "  %-28s %5d\n", section.section.c_str(), section.cases);
    }
    out += line;
    total += section.cases;
  }
  for (const std::string& section : coverage.unknown_sections) {
    out += "  not a section of this protocol.txt: " + section + "\n";
  }
  out += std::to_string(coverage.sections.size() - static_cast<size_t>(coverage.uncovered())) +
         " of " + std::to_string(coverage.sections.size()) + " sections covered by " +
         std::to_string(total) + " cases; " + std::to_string(coverage.uncovered()) + " uncovered\n";
  return out;
}

}  // namespace mcspec::conformance
