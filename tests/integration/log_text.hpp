// Checks on vigild's log text shared by the site tests.
#pragma once

#include <cctype>
#include <string_view>

namespace vigil::testing {

// True if `digits` stands in `text` as a whole run of digits (a PIN as
// "pin=1234", "keys 1234#" or "1234" alone), not as part of a longer number
// such as a port, a pid or a time that happens to contain it.
inline bool has_digit_run(std::string_view text, std::string_view digits) {
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  for (auto at = text.find(digits); at != std::string_view::npos; at = text.find(digits, at + 1)) {
    const bool before = at > 0 && digit(text[at - 1]);
    const bool after = at + digits.size() < text.size() && digit(text[at + digits.size()]);
    if (!before && !after) return true;
  }
  return false;
}

}  // namespace vigil::testing
