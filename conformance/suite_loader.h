// Reads suite files (YAML, format in specs/README.md) into validated cases.
//
// Every rule of the format is checked here, before anything runs: a file that
// breaks one yields a LoadError naming the file, the line and the reason, and
// its cases are not run (a malformed case must never pass silently). Loading
// is deterministic: directories are walked in sorted order and cases keep
// their order in the file.
#ifndef MCSPEC_CONFORMANCE_SUITE_LOADER_H_
#define MCSPEC_CONFORMANCE_SUITE_LOADER_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "test_case.h"

namespace mcspec::conformance {

struct LoadError {
  std::string file;
  int line = 0;  // 0: the file as a whole
  std::string reason;

  std::string ToString() const;  // "file:line: reason"
};

struct LoadResult {
  std::vector<TestCase> cases;
  std::vector<LoadError> errors;
};

// The section titles of memcached 1.6.18's doc/protocol.txt (without its
// introduction), in the document's order: the values `spec` may take.
std::span<const std::string_view> ProtocolSections();

// Loads one suite from its text; `file` names it in messages and its stem
// (the name without directories and ".yaml") prefixes the case ids.
void LoadSuiteText(const std::string& file, std::string_view text, LoadResult* result);

// Loads files and directories (their *.yaml files, recursively). Case ids must
// be unique across everything loaded.
LoadResult LoadSuites(const std::vector<std::string>& paths);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_SUITE_LOADER_H_
