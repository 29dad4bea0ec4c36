// A CSV reader for spreadsheet exports (RFC 4180): quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 byte
// order mark (Excel writes one) is skipped; blank lines are skipped.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vigil::config {

struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  // Bytes of the input from the record's first byte to its line end (not
  // included): a record can be read again from the file by position.
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::vector<std::string> fields;
};

struct CsvSyntaxError {
  int line = 0;
  std::string message;
};

std::variant<std::vector<CsvRecord>, CsvSyntaxError> parse_csv(std::string_view text);

// The same grammar fed in pieces of any size (a file read in chunks), so a
// large sheet never sits in memory whole: each complete record goes to
// `on_record` as soon as its line ends. parse_csv is this reader fed once.
class CsvReader {
 public:
  explicit CsvReader(std::function<void(CsvRecord&)> on_record);
  // False once a syntax error was found (error() says which); later input is ignored.
  bool feed(std::string_view chunk);
  // The end of the input: hands over the last record or reports an open quote.
  bool finish();
  const std::optional<CsvSyntaxError>& error() const { return error_; }

 private:
  bool scan(std::string_view text);
  void end_field();
  void end_record();
  bool fail(int line, const char* message);

  std::function<void(CsvRecord&)> on_record_;
  CsvRecord record_;
  std::size_t fields_ = 0;  // fields of record_ filled so far (the rest are spare)
  std::string field_;
  std::optional<CsvSyntaxError> error_;
  bool started_ = false;        // the byte order mark check is behind us
  std::string bom_;             // the first bytes, while fewer than three came
  bool quoted_ = false;         // this field was quoted
  bool in_quotes_ = false;      // inside the quotes right now
  bool quote_pending_ = false;  // a quote inside quotes: closing, or the first of ""
  bool after_cr_ = false;       // the last byte was a CR ending a line (skip its LF)
  bool record_blank_ = true;    // nothing but a line end so far
  int line_ = 1;
  std::uint64_t base_ = 0;  // input bytes before the text scan() is given
};

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
