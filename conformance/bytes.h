// The byte notation of the conformance suites, both ways.
//
// Suites write protocol bytes as text with escapes: \r \n \t \0 \\ \$ and
// \xNN (two hex digits, any byte). `DecodeEscapes` turns such text into bytes
// and reports the first bad escape; `EncodeEscapes` writes bytes in it (the
// simulator's traces and shrunk cases use it too) and `QuoteBytes` renders
// bytes for humans in it, so a failure report can be pasted back into a suite.
#ifndef MCSPEC_CONFORMANCE_BYTES_H_
#define MCSPEC_CONFORMANCE_BYTES_H_

#include <string>
#include <string_view>

namespace mcspec::conformance {

// Decodes `text` into *out. On a bad escape returns false and says why in
// *error. ("\$" is a '$' that never starts a ${placeholder}.)
bool DecodeEscapes(std::string_view text, std::string* out, std::string* error);

// `bytes` with \r \n \t \\ and \xNN for every other byte outside printable
// ASCII, and a backslash before each byte listed in `also_escaped` (a quote
// that delimits the text, or '$').
std::string EncodeEscapes(std::string_view bytes, std::string_view also_escaped = {});

// `bytes` between double quotes: EncodeEscapes with \" as well.
std::string QuoteBytes(std::string_view bytes);

// `text` for XML or HTML character data and attribute values (mcconform's
// JUnit report, mcsim's history page): & < > " ' as entities, and the control
// characters XML 1.0 forbids (all but \n and \t) as '?'. Protocol bytes are
// quoted with QuoteBytes first; this only guards against a stray one.
std::string EscapeMarkup(std::string_view text);

}  // namespace mcspec::conformance

#endif  // MCSPEC_CONFORMANCE_BYTES_H_
