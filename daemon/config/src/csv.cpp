#include "csv.hpp"

namespace vigil::config {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

CsvReader::CsvReader(std::function<void(CsvRecord&)> on_record) : on_record_(std::move(on_record)) {
  record_.line = 1;
}

bool CsvReader::fail(int line, const char* message) {
  error_ = CsvSyntaxError{line, message};
  return false;
}

void CsvReader::end_field() {
  // The record's strings are reused from one record to the next (assign,
  // not a new string per field): a large sheet is millions of fields.
  const std::string_view text = quoted_ ? std::string_view{field_} : trim(field_);
  if (fields_ < record_.fields.size()) {
    record_.fields[fields_].assign(text);
  } else {
    record_.fields.emplace_back(text);
  }
  ++fields_;
  field_.clear();
  quoted_ = false;
}

void CsvReader::end_record() {
  if (!record_blank_) {
    end_field();
    record_.fields.resize(fields_);  // fewer fields than the record before
    on_record_(record_);             // may move the fields away (parse_csv)
  }
  fields_ = 0;
  field_.clear();
  quoted_ = false;
  record_blank_ = true;
}

bool CsvReader::feed(std::string_view text) {
  if (error_) return false;
  if (!started_) {
    // A UTF-8 byte order mark (Excel writes one), only at the very start.
    const std::size_t take = std::min(text.size(), 3 - bom_.size());
    bom_.append(text.substr(0, take));
    text.remove_prefix(take);
    if (bom_.size() < 3) return true;
    started_ = true;
    if (bom_ != "\xEF\xBB\xBF" && !scan(bom_)) return false;
    base_ = bom_.size();
    bom_.clear();
  }
  return scan(text);
}

bool CsvReader::scan(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;
    }
    if (quote_pending_) {
      quote_pending_ = false;
      if (c == '"') {
        field_ += '"';
        continue;
      }
      in_quotes_ = false;  // that quote closed the field; read c as usual
    }
    if (in_quotes_) {
      if (c == '"') {
        quote_pending_ = true;
      } else {
        if (c == '\n') ++line_;
        field_ += c;
      }
      continue;
    }
    if (c == '\n' || c == '\r') {
      after_cr_ = c == '\r';
      record_.size = base_ + i - record_.offset;
      end_record();
      record_.line = ++line_;
      continue;
    }
    if (record_blank_) {
      record_.line = line_;
      record_.offset = base_ + i;
    }
    record_blank_ = false;
    if (c == ',') {
      end_field();
    } else if (c == '"') {
      if (quoted_ || !trim(field_).empty()) {
        return fail(line_, "a quote may only start a field (write \"\" inside quotes)");
      }
      field_.clear();
      quoted_ = true;
      in_quotes_ = true;
    } else if (quoted_) {
      if (c != ' ' && c != '\t') return fail(line_, "unexpected text after a closing quote");
    } else {
      field_ += c;
    }
  }
  base_ += text.size();
  return true;
}

bool CsvReader::finish() {
  if (!started_) {
    started_ = true;
    if (!scan(bom_)) return false;
  }
  if (error_) return false;
  if (quote_pending_) {
    quote_pending_ = false;
    in_quotes_ = false;
  }
  if (in_quotes_) return fail(record_.line, "a quoted field is never closed");
  record_.size = base_ - record_.offset;
  end_record();
  return true;
}

std::variant<std::vector<CsvRecord>, CsvSyntaxError> parse_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvReader reader([&](CsvRecord& record) { records.push_back(std::move(record)); });
  if (!reader.feed(text) || !reader.finish()) return *reader.error();
  return records;
}

}  // namespace vigil::config
