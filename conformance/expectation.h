// How the bytes a connection received are matched against what a step expects.
//
// Matching works on the front of the received bytes and says how many of them
// the expectation consumed; the rest stays for the next step. While the bytes
// so far could still become a match the answer is kNeedMore, so a network
// target keeps reading until the expectation matches, cannot match any more, or
// times out.
//
// - Exact (`expect`, `expect_any_of`): a ByteTemplate whose variables are
//   known; `${_}` matches one whole token.
// - Regex (`expect_regex`): an ECMAScript regular expression (its escapes are
//   the engine's: \r \n \xNN \d ...) that must match the received bytes up
//   to and including a '\n' entirely; the shortest such prefix wins.
//   Named groups `(?<name>...)` capture values for later steps; variables are
//   inserted as escaped literals.
#ifndef MCSPEC_CONFORMANCE_EXPECTATION_H_
#define MCSPEC_CONFORMANCE_EXPECTATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "byte_template.h"

namespace mcspec::conformance {

struct MatchResult {
  enum class Status { kMatch, kNeedMore, kMismatch };
  Status status = Status::kNeedMore;
  size_t length = 0;       // kMatch: bytes consumed
  size_t mismatch_at = 0;  // kMismatch: offset of the first byte that cannot match
  Variables captures;      // kMatch of a regex: its named groups
};

MatchResult MatchExact(const ByteTemplate& expected, const Variables& vars,
                       std::string_view received);
// The first alternative that matches; a mismatch only when all of them fail.
MatchResult MatchAnyOf(const std::vector<ByteTemplate>& alternatives, const Variables& vars,
                       std::string_view received);

class RegexExpectation {
 public:
  // Parses and test-compiles `text` (escapes decoded, then placeholders).
  static bool Parse(std::string_view text, RegexExpectation* out, std::string* error);

  const ByteTemplate& pattern() const { return pattern_; }
  // The names of the groups, in the order their values are captured.
  const std::vector<std::string>& capture_names() const { return capture_names_; }
  MatchResult Match(const Variables& vars, std::string_view received) const;

 private:
  ByteTemplate pattern_;  // named groups already turned into plain groups
  std::vector<std::string> capture_names_;
  std::vector<size_t> capture_groups_;  // group number of each name
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_EXPECTATION_H_
