#include "case_filter.h"

#include <fnmatch.h>

#include <algorithm>
#include <sstream>

namespace mcspec::conformance {

bool CaseFilter::Parse(const std::string& tags, const std::string& glob, CaseFilter* out,
                       std::string* error) {
  *out = CaseFilter();
  out->glob_ = glob;
  if (tags.empty()) return true;
  std::istringstream list(tags);
  for (std::string tag; std::getline(list, tag, ',');) {
    const bool excluded = tag.starts_with("!");
    if (excluded) tag.erase(0, 1);
    if (tag.empty()) {
      *error = "--tags: an empty tag in `" + tags + "`";
      return false;
    }
    (excluded ? out->excluded_ : out->wanted_).push_back(tag);
  }
  if (tags.ends_with(",")) {
    *error = "--tags: an empty tag in `" + tags + "`";
    return false;
  }
  return true;
}

bool CaseFilter::Selects(const TestCase& test) const {
  auto has = [&](const std::string& tag) {
    return std::binary_search(test.tags.begin(), test.tags.end(), tag);
  };
  if (std::any_of(excluded_.begin(), excluded_.end(), has)) return false;
  if (!wanted_.empty() && std::none_of(wanted_.begin(), wanted_.end(), has)) return false;
  return glob_.empty() || fnmatch(glob_.c_str(), test.id.c_str(), 0) == 0;
}

}  // namespace mcspec::conformance
