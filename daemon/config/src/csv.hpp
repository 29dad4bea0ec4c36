// A CSV reader for spreadsheet exports (RFC 4180): quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 byte
// order mark (Excel writes one) is skipped; blank lines are skipped.
#pragma once

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

}  // namespace vigil::config
