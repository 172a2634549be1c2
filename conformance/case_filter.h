// Which cases a run selects: `--tags a,b,!c` and `--filter GLOB`.
//
// Tags: a case is selected when it carries at least one of the plain tags
// (any case, when there are none) and none of the `!` tags. The glob (fnmatch,
// `*` crosses '/') is matched against the case id "<file stem>/<id>".
#ifndef MCSPEC_CONFORMANCE_CASE_FILTER_H_
#define MCSPEC_CONFORMANCE_CASE_FILTER_H_

#include <string>
#include <vector>

#include "test_case.h"

namespace mcspec::conformance {

class CaseFilter {
 public:
  // `tags` is the comma-separated list ("" for none), `glob` "" for any id.
  // False with *error set when the list is malformed.
  static bool Parse(const std::string& tags, const std::string& glob, CaseFilter* out,
                    std::string* error);

  bool Selects(const TestCase& test) const;

 private:
  std::vector<std::string> wanted_;
  std::vector<std::string> excluded_;
  std::string glob_;
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_CASE_FILTER_H_
