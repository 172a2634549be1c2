// Fuzz target: mcconform's suite loader on arbitrary text. It must never
// crash; it either loads cases or reports errors, each with a line number,
// and a case it loads is complete (an id of the file's stem, a spec, steps).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "suite_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mcspec::conformance::LoadResult;
  LoadResult result;
  mcspec::conformance::LoadSuiteText(
      "fuzz.yaml", std::string_view(reinterpret_cast<const char*>(data), size), &result);
  for (const auto& error : result.errors) {
    if (error.reason.empty()) {
      std::fprintf(stderr, "an error without a reason\n");
      std::abort();
    }
  }
  for (const auto& test : result.cases) {
    if (!test.id.starts_with("fuzz/") || test.spec.empty() || test.steps.empty()) {
      std::fprintf(stderr, "an incomplete case: %s\n", test.id.c_str());
      std::abort();
    }
  }
  return 0;
}
