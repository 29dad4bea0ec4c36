// A CSV reader for spreadsheet exports (RFC 4180): quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 byte
// order mark (Excel writes one) is skipped; blank lines are skipped.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vigil::config {

struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

struct CsvSyntaxError {
  int line = 0;
  std::string message;
};

std::variant<std::vector<CsvRecord>, CsvSyntaxError> parse_csv(std::string_view text);

// A header cell compared without case.
inline std::string csv_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// An id in a sheet: a letter or digit, then letters, digits, '-', '_' or '.'.
inline bool csv_valid_id(const std::string& s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace vigil::config
