// Report periods: a calendar month, quarter or year in the site's time
// zone. Each boundary is the local midnight that starts the day
// (TimeZone::start_of), so a month holding a DST change has 743 or 745 hours
// and an event at 00:30 local on the 1st lands in that month, not the last.
#include <chrono>
#include <cstddef>

#include "vigil/ctl/report.hpp"

namespace vigil::ctl {
namespace {

std::optional<int> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

core::LocalDate first_of(int year, unsigned month) {
  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                        std::chrono::day(1)};
  return core::LocalDate{
      static_cast<std::int32_t>(std::chrono::sys_days(ymd).time_since_epoch().count())};
}

}  // namespace

std::optional<ReportPeriod> parse_period(std::string_view text, const core::TimeZone& tz) {
  if (text.size() < 4) return std::nullopt;
  const auto year = digits(text.substr(0, 4));
  // Years the journal can hold (microseconds since 1970 in 64 bits), with
  // four digits so "02026" or "+2026" is junk, not a year.
  if (!year || *year < 1970) return std::nullopt;
  unsigned first_month = 1, months = 12;
  const std::string_view rest = text.substr(4);
  if (rest.empty()) {
    // the whole year
  } else if (rest.size() == 3 && rest[0] == '-' && rest[1] != 'Q') {
    const auto month = digits(rest.substr(1));
    if (!month || *month < 1 || *month > 12) return std::nullopt;
    first_month = static_cast<unsigned>(*month);
    months = 1;
  } else if (rest.size() == 3 && rest[0] == '-' && rest[1] == 'Q') {
    const auto quarter = digits(rest.substr(2));
    if (!quarter || *quarter < 1 || *quarter > 4) return std::nullopt;
    first_month = static_cast<unsigned>(*quarter - 1) * 3 + 1;
    months = 3;
  } else {
    return std::nullopt;
  }
  const unsigned end_month = first_month + months;  // 13 = January of the next year
  ReportPeriod p;
  p.label = std::string(text);
  p.first_day = first_of(*year, first_month);
  p.end_day = end_month > 12 ? first_of(*year + 1, 1) : first_of(*year, end_month);
  p.from = tz.start_of(p.first_day);
  p.to = tz.start_of(p.end_day);
  return p;
}

}  // namespace vigil::ctl
