#include "expectation.h"

#include <regex>

namespace mcspec::conformance {
namespace {

bool IsTokenByte(char c) {
  return c != ' ' && c != '\r' && c != '\n';
}

std::string RegexEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Compares `expected` with the received bytes from *pos on.
MatchResult::Status MatchLiteral(std::string_view expected, std::string_view received,
                                 size_t* pos) {
  for (const char c : expected) {
    if (*pos == received.size()) return MatchResult::Status::kNeedMore;
    if (received[*pos] != c) return MatchResult::Status::kMismatch;
    ++*pos;
  }
  return MatchResult::Status::kMatch;
}

// Rewrites the named groups of a regex source (`(?<name>`) into plain groups
// and numbers every capturing group, skipping escapes and bracket classes.
bool TranslateNamedGroups(std::string* source, std::vector<std::string>* names,
                          std::vector<size_t>* groups, size_t* group_count, bool* in_class,
                          std::string* error) {
  std::string out;
  for (size_t i = 0; i < source->size(); ++i) {
    const char c = (*source)[i];
    if (c == '\\' && i + 1 < source->size()) {
      out += source->substr(i, 2);
      ++i;
      continue;
    }
    if (*in_class) {
      *in_class = c != ']';
    } else if (c == '[') {
      *in_class = true;
    } else if (c == '(') {
      const std::string_view rest = std::string_view(*source).substr(i + 1);
      if (rest.starts_with("?<") && !rest.starts_with("?<=") && !rest.starts_with("?<!")) {
        const size_t close = rest.find('>');
        if (close == std::string_view::npos) {
          *error = "unterminated (?<name>";
          return false;
        }
        std::string name(rest.substr(2, close - 2));
        if (name.empty() || name == "ns" || name == "_") {
          *error = "bad group name '" + name + "'";
          return false;
        }
        ++*group_count;
        names->push_back(std::move(name));
        groups->push_back(*group_count);
        out.push_back('(');
        i += close + 1;
        continue;
      }
      if (!rest.starts_with("?")) ++*group_count;
    }
    out.push_back(c);
  }
  *source = std::move(out);
  return true;
}

// libstdc++'s regex compiler reads the number of a `{n,m}` count or a
// `\N` back-reference into a long without an overflow check (undefined
// behaviour the suite loader fuzzer found), so such numbers are refused first.
bool HasOverlongRegexNumber(std::string_view pattern) {
  constexpr size_t kMaxDigits = 9;
  auto digits_at = [&](size_t i) {
    size_t n = 0;
    while (i + n < pattern.size() && pattern[i + n] >= '0' && pattern[i + n] <= '9') ++n;
    return n;
  };
  bool in_count = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (digits_at(i + 1) > kMaxDigits) return true;
      ++i;  // the escaped character
    } else if (c == '{' || (in_count && c == ',')) {
      in_count = true;
      if (digits_at(i + 1) > kMaxDigits) return true;
    } else if (c == '}') {
      in_count = false;
    }
  }
  return false;
}

}  // namespace

MatchResult MatchExact(const ByteTemplate& expected, const Variables& vars,
                       std::string_view received) {
  MatchResult result;
  size_t pos = 0;
  const auto& pieces = expected.pieces();
  for (size_t p = 0; p < pieces.size(); ++p) {
    const ByteTemplate::Piece& piece = pieces[p];
    if (piece.kind == ByteTemplate::Piece::Kind::kWildcard) {
      const size_t start = pos;
      while (pos < received.size() && IsTokenByte(received[pos])) ++pos;
      if (pos == start) {
        result.status = pos == received.size() ? MatchResult::Status::kNeedMore
                                               : MatchResult::Status::kMismatch;
        result.mismatch_at = pos;
        return result;
      }
      // The token may still be arriving unless something follows it.
      if (pos == received.size() && p + 1 < pieces.size()) {
        result.status = MatchResult::Status::kNeedMore;
        return result;
      }
      continue;
    }
    const std::string_view text = piece.kind == ByteTemplate::Piece::Kind::kLiteral
                                      ? std::string_view(piece.text)
                                      : std::string_view(vars.find(piece.text)->second);
    const MatchResult::Status status = MatchLiteral(text, received, &pos);
    if (status != MatchResult::Status::kMatch) {
      result.status = status;
      result.mismatch_at = pos;
      return result;
    }
  }
  result.status = MatchResult::Status::kMatch;
  result.length = pos;
  return result;
}

MatchResult MatchAnyOf(const std::vector<ByteTemplate>& alternatives, const Variables& vars,
                       std::string_view received) {
  MatchResult combined;
  combined.status = MatchResult::Status::kMismatch;
  for (const ByteTemplate& alternative : alternatives) {
    MatchResult result = MatchExact(alternative, vars, received);
    if (result.status == MatchResult::Status::kMatch) return result;
    if (result.status == MatchResult::Status::kNeedMore) {
      combined.status = MatchResult::Status::kNeedMore;
    } else if (combined.status == MatchResult::Status::kMismatch) {
      combined.mismatch_at = std::max(combined.mismatch_at, result.mismatch_at);
    }
  }
  return combined;
}

bool RegexExpectation::Parse(std::string_view text, RegexExpectation* out, std::string* error) {
  ByteTemplate raw;
  if (!ByteTemplate::Parse(text, &raw, error, ByteTemplate::Escapes::kKeep)) return false;
  if (raw.has_wildcard()) {
    *error = "${_} is for expect and expect_any_of; a regex writes \\S+";
    return false;
  }
  // Groups are numbered across the literal pieces; variables hold no groups.
  std::vector<ByteTemplate::Piece> pieces = raw.pieces();
  size_t group_count = 0;
  bool in_class = false;
  out->capture_names_.clear();
  out->capture_groups_.clear();
  for (ByteTemplate::Piece& piece : pieces) {
    if (piece.kind == ByteTemplate::Piece::Kind::kLiteral &&
        !TranslateNamedGroups(&piece.text, &out->capture_names_, &out->capture_groups_,
                              &group_count, &in_class, error)) {
      return false;
    }
  }
  out->pattern_ = ByteTemplate(std::move(pieces));
  Variables placeholders;
  for (const std::string& name : out->pattern_.VariableNames()) placeholders[name].assign(1, 'x');
  const std::string rendered = out->pattern_.Render(placeholders, RegexEscape);
  if (HasOverlongRegexNumber(rendered)) {
    *error = "bad regular expression: a repeat count or back-reference of more than 9 digits";
    return false;
  }
  try {
    std::regex(rendered, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    *error = std::string("bad regular expression: ") + e.what();
    return false;
  }
  return true;
}

MatchResult RegexExpectation::Match(const Variables& vars, std::string_view received) const {
  const std::regex re(pattern_.Render(vars, RegexEscape), std::regex::ECMAScript);
  MatchResult result;
  for (size_t end = received.find('\n'); end != std::string_view::npos;
       end = received.find('\n', end + 1)) {
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_match(received.begin(), received.begin() + end + 1, m, re)) {
      result.status = MatchResult::Status::kMatch;
      result.length = end + 1;
      for (size_t i = 0; i < capture_names_.size(); ++i) {
        result.captures[capture_names_[i]] = m[capture_groups_[i]].str();
      }
      return result;
    }
  }
  return result;
}

}  // namespace mcspec::conformance
