// Small parsers for the text the simulator reads: requests and replies,
// traces, history fields and command lines.
#ifndef MCSPEC_SIM_TEXT_WORDS_H_
#define MCSPEC_SIM_TEXT_WORDS_H_

#include <charconv>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace mcspec::sim {

// The whole of `text` as a decimal number of the type (no sign for unsigned
// types, no spaces, no excess). Unsigned numbers, read in every reply
// header, by an inline loop: from_chars's grammar for them, without its
// call and set-up.
template <typename Number>
bool ParseNumber(std::string_view text, Number* n) {
  if constexpr (std::is_unsigned_v<Number>) {
    if (text.empty()) return false;
    Number value = 0;
    for (const char c : text) {
      const auto digit = static_cast<unsigned char>(c - '0');
      if (digit > 9 || __builtin_mul_overflow(value, 10, &value) ||
          __builtin_add_overflow(value, digit, &value)) {
        return false;
      }
    }
    *n = value;
    return true;
  } else {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *n);
    return ec == std::errc() && end == text.data() + text.size();
  }
}

// Splits a line at single spaces; two spaces in a row make an empty word.
inline std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos <= line.size()) {
    const size_t space = line.find(' ', pos);
    const size_t end = space == std::string_view::npos ? line.size() : space;
    words.push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

// Splits off the next space-separated word of *rest.
inline std::string_view Word(std::string_view* rest) {
  const size_t space = rest->find(' ');
  std::string_view word = rest->substr(0, space);
  *rest = space == std::string_view::npos ? std::string_view() : rest->substr(space + 1);
  return word;
}

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_TEXT_WORDS_H_
