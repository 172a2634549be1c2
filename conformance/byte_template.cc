#include "byte_template.h"

#include "bytes.h"

namespace mcspec::conformance {
namespace {

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

}  // namespace

bool ByteTemplate::Parse(std::string_view text, ByteTemplate* out, std::string* error,
                         Escapes escapes) {
  out->pieces_.clear();
  std::string raw_literal;  // still escaped
  auto flush_literal = [&]() {
    if (raw_literal.empty()) return true;
    std::string bytes = raw_literal;
    if (escapes == Escapes::kDecode && !DecodeEscapes(raw_literal, &bytes, error)) return false;
    raw_literal.clear();
    if (!out->pieces_.empty() && out->pieces_.back().kind == Piece::Kind::kLiteral) {
      out->pieces_.back().text += bytes;
    } else {
      out->pieces_.push_back({Piece::Kind::kLiteral, std::move(bytes)});
    }
    return true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      raw_literal.append(text.substr(i, 2));
      ++i;
      continue;
    }
    if (text[i] != '$' || i + 1 == text.size() || text[i + 1] != '{') {
      raw_literal.push_back(text[i]);
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      *error = "unterminated ${ (write \\$ for a literal $)";
      return false;
    }
    const std::string_view name = text.substr(i + 2, close - i - 2);
    bool valid = !name.empty();
    for (size_t k = 0; k < name.size(); ++k) valid = valid && IsNameChar(name[k], k == 0);
    if (!valid) {
      *error = "bad placeholder ${" + std::string(name) + "} (a name of letters, digits and _)";
      return false;
    }
    if (!flush_literal()) return false;
    out->pieces_.push_back(
        {name == "_" ? Piece::Kind::kWildcard : Piece::Kind::kVariable, std::string(name)});
    i = close;
  }
  return flush_literal();
}

bool ByteTemplate::has_wildcard() const {
  for (const Piece& piece : pieces_) {
    if (piece.kind == Piece::Kind::kWildcard) return true;
  }
  return false;
}

std::vector<std::string> ByteTemplate::VariableNames() const {
  std::vector<std::string> names;
  for (const Piece& piece : pieces_) {
    if (piece.kind == Piece::Kind::kVariable) names.push_back(piece.text);
  }
  return names;
}

std::string ByteTemplate::Render(const Variables& vars,
                                 std::string (*escape)(std::string_view)) const {
  std::string out;
  for (const Piece& piece : pieces_) {
    if (piece.kind == Piece::Kind::kLiteral) {
      out += piece.text;
    } else {
      const std::string& value = vars.find(piece.text)->second;
      out += escape ? escape(value) : value;
    }
  }
  return out;
}

}  // namespace mcspec::conformance
