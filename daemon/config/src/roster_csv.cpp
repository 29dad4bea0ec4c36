// Trips and visits from CSV (vigil/config/roster_csv.hpp): header, then
// every row checked and every mistake reported with line, column and field.
#include "vigil/config/roster_csv.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "csv.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// One sheet: the header maps our columns to the file's; rows are read
// through it. Collects every mistake.
class Sheet {
 public:
  Sheet(std::string file, const std::vector<std::string>& columns, std::vector<bool> required)
      : file_(std::move(file)), columns_(columns), required_(std::move(required)) {}

  void header(const CsvRecord& record) {
    index_.assign(columns_.size(), -1);
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      const std::string name = csv_lower(trimmed(record.fields[i]));
      const int col = static_cast<int>(i) + 1;
      const auto it = std::find(columns_.begin(), columns_.end(), name);
      if (it == columns_.end()) {
        error(record.line, col,
              "unknown column '" + record.fields[i] + "'" + did_you_mean(name, columns_) +
                  " (expected " + column_list() + ")");
        continue;
      }
      int& slot = index_[static_cast<std::size_t>(it - columns_.begin())];
      if (slot >= 0) {
        error(record.line, col, "column '" + name + "' appears twice");
        continue;
      }
      slot = static_cast<int>(i);
    }
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (required_[c] && index_[c] < 0) {
        error(
            record.line, 0,
            "the header row has no '" + columns_[c] + "' column (expected " + column_list() + ")");
      }
    }
    width_ = record.fields.size();
  }

  // False (reported) when the row has more fields than the header.
  bool start_row(const CsvRecord& record) {
    row_ = &record;
    if (record.fields.size() <= width_) return true;
    error(record.line, static_cast<int>(width_) + 1,
          "expected at most " + std::to_string(width_) + " fields, got " +
              std::to_string(record.fields.size()));
    return false;
  }
  std::string field(std::size_t c) const {
    const int i = index_[c];
    return i >= 0 && static_cast<std::size_t>(i) < row_->fields.size()
               ? trimmed(row_->fields[static_cast<std::size_t>(i)])
               : std::string{};
  }
  int col(std::size_t c) const { return index_[c] + 1; }  // 0: not in the file
  CsvPlace place() const {
    CsvPlace p{row_->line, {}};
    for (std::size_t c = 0; c < columns_.size(); ++c) p.cols.push_back(col(c));
    return p;
  }
  void bad(std::size_t c, const std::string& why) {
    error(row_->line, col(c), "field '" + columns_[c] + "': " + why);
  }
  std::string id(std::size_t c) {
    std::string text = field(c);
    if (text.empty()) {
      bad(c, "must not be empty");
    } else if (!csv_valid_id(text)) {
      bad(c, "'" + text + "' is not a valid id (letters, digits, '-', '_' and '.')");
    }
    return text;
  }
  std::string text(std::size_t c) {
    std::string value = field(c);
    if (value.empty()) bad(c, "must not be empty");
    return value;
  }
  std::optional<core::LocalDate> date(std::size_t c) {
    const std::string value = field(c);
    auto day = core::parse_date(value);
    if (!day) bad(c, "expected a date such as 2026-12-31, got '" + value + "'");
    return day;
  }
  // first_day <= last_day, reported on the last day's field.
  void order(std::optional<core::LocalDate> first, std::optional<core::LocalDate> last,
             std::size_t first_col, std::size_t last_col) {
    if (first && last && *last < *first) {
      bad(last_col, field(last_col) + " is before " + columns_[first_col] + " " + field(first_col));
    }
  }

  void error(int line, int col, std::string message) {
    errors_.push_back({file_, line, col, std::move(message)});
  }
  std::size_t error_count() const { return errors_.size(); }
  std::vector<Diagnostic>& errors() { return errors_; }

 private:
  std::string column_list() const {
    std::string out;
    for (const auto& c : columns_) out += (out.empty() ? "" : ",") + c;
    return out;
  }

  std::string file_;
  const std::vector<std::string>& columns_;
  std::vector<bool> required_;
  std::vector<int> index_;
  std::size_t width_ = 0;
  const CsvRecord* row_ = nullptr;
  std::vector<Diagnostic> errors_;
};

// Parses the text and hands every row after the header to `row`; the rows
// `row` returns are kept unless some row or the header was bad.
template <class Row, class ReadRow>
Result<std::vector<Row>> read_sheet(std::string_view text, const std::string& file_name,
                                    Sheet& sheet, ReadRow read_row) {
  auto parsed = parse_csv(text);
  if (auto* e = std::get_if<CsvSyntaxError>(&parsed)) {
    return std::vector<Diagnostic>{{file_name, e->line, 0, e->message}};
  }
  auto& records = std::get<std::vector<CsvRecord>>(parsed);
  std::erase_if(records, [](const CsvRecord& r) {
    return std::all_of(r.fields.begin(), r.fields.end(),
                       [](const auto& f) { return trimmed(f).empty(); });
  });
  if (records.empty()) {
    return std::vector<Diagnostic>{{file_name, 0, 0, "the file is empty (it needs a header row)"}};
  }
  sheet.header(records.front());
  if (sheet.error_count() > 0) return std::move(sheet.errors());
  std::vector<Row> rows;
  for (std::size_t i = 1; i < records.size(); ++i) {
    if (!sheet.start_row(records[i])) continue;
    const std::size_t before = sheet.error_count();
    Row row = read_row(sheet);
    if (sheet.error_count() == before) rows.push_back(std::move(row));
  }
  if (sheet.error_count() > 0) return std::move(sheet.errors());
  return rows;
}

enum TripColumn : std::size_t { kTripPerson, kTripFirst, kTripLast, kDestination, kApproval };
enum VisitColumn : std::size_t {
  kVisitor,
  kHost,
  kPurpose,
  kOrganisation,
  kDelegation,
  kVisitFirst,
  kVisitLast,
  kZones
};

}  // namespace

const std::vector<std::string>& trip_csv_columns() {
  static const std::vector<std::string> columns{"person_id", "first_day", "last_day", "destination",
                                                "approval"};
  return columns;
}

const std::vector<std::string>& visit_csv_columns() {
  static const std::vector<std::string> columns{
      "visitor", "host", "purpose", "organisation", "delegation", "first_day", "last_day", "zones"};
  return columns;
}

Result<std::vector<TripRow>> parse_trips_csv_text(std::string_view text,
                                                  const std::string& file_name) {
  Sheet sheet(file_name, trip_csv_columns(), {true, true, true, true, true});
  return read_sheet<TripRow>(text, file_name, sheet, [](Sheet& s) {
    TripRow row;
    row.place = s.place();
    row.person = core::PersonId{s.id(kTripPerson)};
    const auto first = s.date(kTripFirst);
    const auto last = s.date(kTripLast);
    s.order(first, last, kTripFirst, kTripLast);
    row.trip.first_day = first.value_or(core::LocalDate{});
    row.trip.last_day = last.value_or(core::LocalDate{});
    row.trip.destination = s.text(kDestination);
    row.trip.approval_ref = s.text(kApproval);
    return row;
  });
}

Result<std::vector<VisitRow>> parse_visits_csv_text(std::string_view text,
                                                    const std::string& file_name,
                                                    const core::Site* site) {
  Sheet sheet(file_name, visit_csv_columns(), {true, true, true, true, false, true, true, true});
  std::vector<std::string> zone_ids;
  if (site != nullptr) {
    for (const auto& z : site->zones) zone_ids.push_back(z.id.str());
  }
  return read_sheet<VisitRow>(text, file_name, sheet, [&](Sheet& s) {
    VisitRow row;
    row.place = s.place();
    core::Visit& v = row.visit;
    v.visitor = core::PersonId{s.id(kVisitor)};
    v.host = core::PersonId{s.id(kHost)};
    if (!v.visitor.empty() && v.visitor == v.host) {
      s.bad(kHost, "a visitor cannot host their own visit");
    }
    v.purpose = s.text(kPurpose);
    v.organisation = s.text(kOrganisation);
    v.delegation = s.field(kDelegation);
    const auto first = s.date(kVisitFirst);
    const auto last = s.date(kVisitLast);
    s.order(first, last, kVisitFirst, kVisitLast);
    v.first_day = first.value_or(core::LocalDate{});
    v.last_day = last.value_or(core::LocalDate{});
    const std::string zones = s.field(kZones);
    std::set<std::string> seen;
    std::size_t at = 0;
    while (at <= zones.size()) {
      const auto end = std::min(zones.find(';', at), zones.size());
      const std::string zone = trimmed(zones.substr(at, end - at));
      at = end + 1;
      if (zone.empty() || !seen.insert(zone).second) continue;
      if (!csv_valid_id(zone)) {
        s.bad(kZones, "'" + zone + "' is not a valid zone id");
      } else if (site != nullptr && site->find_zone(core::ZoneId{zone}) == nullptr) {
        s.bad(kZones, "unknown zone '" + zone + "'" + did_you_mean(zone, zone_ids));
      } else {
        v.zones.emplace_back(zone);
      }
    }
    if (seen.empty()) s.bad(kZones, "names no zone (zones separated by ';')");
    return row;
  });
}

}  // namespace vigil::config
