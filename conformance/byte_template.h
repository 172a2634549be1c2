// A suite's byte string with placeholders: the text of a `send` or an
// expectation, parsed once when the suite is loaded.
//
// Text is literal bytes (escapes decoded, see bytes.h) interleaved with
// placeholders: `${ns}` is the case's key namespace, `${name}` a value an
// earlier `expect_regex` captured, and `${_}` (expectations only) a wildcard
// that matches one whole token: one or more bytes other than space, \r and \n.
// "\$" writes a '$' that does not start a placeholder.
#ifndef MCSPEC_CONFORMANCE_BYTE_TEMPLATE_H_
#define MCSPEC_CONFORMANCE_BYTE_TEMPLATE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::conformance {

// Values of the placeholders while a case runs (ns and the captures so far).
using Variables = std::map<std::string, std::string, std::less<>>;

class ByteTemplate {
 public:
  struct Piece {
    enum class Kind { kLiteral, kVariable, kWildcard } kind;
    std::string text;  // the bytes of a literal, the name of a variable
  };

  // Whether literal text has its escapes decoded (bytes.h) or is kept as
  // written (a regular expression, whose engine reads the escapes).
  enum class Escapes { kDecode, kKeep };

  ByteTemplate() = default;
  explicit ByteTemplate(std::vector<Piece> pieces) : pieces_(std::move(pieces)) {}

  // Parses `text`; on failure returns false with the reason in *error.
  static bool Parse(std::string_view text, ByteTemplate* out, std::string* error,
                    Escapes escapes = Escapes::kDecode);

  const std::vector<Piece>& pieces() const { return pieces_; }
  bool has_wildcard() const;
  // The names of the variables used, in order of appearance.
  std::vector<std::string> VariableNames() const;
  // The bytes with every variable replaced by `escape(value)`. The template
  // must have no wildcard and every variable must be in `vars`.
  std::string Render(const Variables& vars,
                     std::string (*escape)(std::string_view) = nullptr) const;

 private:
  std::vector<Piece> pieces_;
};

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_BYTE_TEMPLATE_H_
