// Text put into an HTML page (vigilctl's report page, the console's meeting
// report): the five characters that could open markup or end an attribute
// are written as entities, everything else as it is.
#pragma once

#include <string>
#include <string_view>

namespace vigil::core {

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace vigil::core
