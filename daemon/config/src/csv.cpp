#include "csv.hpp"

namespace vigil::config {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::variant<std::vector<CsvRecord>, CsvSyntaxError> parse_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool quoted = false;       // this field was quoted
  bool in_quotes = false;    // inside the quotes right now
  bool record_blank = true;  // nothing but a line end so far
  int line = 1;
  record.line = 1;

  auto end_field = [&] {
    record.fields.push_back(quoted ? field : trim(field));
    field.clear();
    quoted = false;
  };
  auto end_record = [&] {
    if (!record_blank) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    field.clear();
    quoted = false;
    record_blank = true;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      end_record();
      record.line = ++line;
      continue;
    }
    if (record_blank) record.line = line;
    record_blank = false;
    if (c == ',') {
      end_field();
    } else if (c == '"') {
      if (quoted || trim(field) != "") {
        return CsvSyntaxError{line, "a quote may only start a field (write \"\" inside quotes)"};
      }
      field.clear();
      quoted = true;
      in_quotes = true;
    } else if (quoted) {
      if (c != ' ' && c != '\t') {
        return CsvSyntaxError{line, "unexpected text after a closing quote"};
      }
    } else {
      field += c;
    }
  }
  if (in_quotes) return CsvSyntaxError{record.line, "a quoted field is never closed"};
  end_record();
  return records;
}

}  // namespace vigil::config
