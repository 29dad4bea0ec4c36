#include "posix_tz.hpp"

#include <algorithm>
#include <cctype>

namespace vigil::config {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  std::optional<int> number(int max) {
    std::size_t start = i_;
    int value = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s_[i_])) != 0) {
      value = value * 10 + (s_[i_++] - '0');
      if (value > max) return std::nullopt;
    }
    if (i_ == start) return std::nullopt;
    return value;
  }
  // "CET" or "<+0330>".
  bool name() {
    if (take('<')) {
      while (!done() && peek() != '>') ++i_;
      return take('>');
    }
    std::size_t start = i_;
    while (!done() && std::isalpha(static_cast<unsigned char>(s_[i_])) != 0) ++i_;
    return i_ - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds; hours up to max_hours.
  std::optional<std::int32_t> offset(int max_hours) {
    int sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    auto h = number(max_hours);
    if (!h) return std::nullopt;
    int m = 0;
    int s = 0;
    if (take(':')) {
      auto mm = number(59);
      if (!mm) return std::nullopt;
      m = *mm;
      if (take(':')) {
        auto ss = number(59);
        if (!ss) return std::nullopt;
        s = *ss;
      }
    }
    return sign * (*h * 3600 + m * 60 + s);
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<PosixTz::Rule> parse_rule(Cursor& c) {
  PosixTz::Rule r;
  if (c.take('M')) {
    r.kind = PosixTz::Rule::Kind::month_week_day;
    auto m = c.number(12);
    if (!m || *m < 1 || !c.take('.')) return std::nullopt;
    auto w = c.number(5);
    if (!w || *w < 1 || !c.take('.')) return std::nullopt;
    auto d = c.number(6);
    if (!d) return std::nullopt;
    r.month = *m;
    r.week = *w;
    r.weekday = *d;
  } else if (c.take('J')) {
    r.kind = PosixTz::Rule::Kind::julian_no_leap;
    auto n = c.number(365);
    if (!n || *n < 1) return std::nullopt;
    r.day = *n;
  } else {
    r.kind = PosixTz::Rule::Kind::zero_based_day;
    auto n = c.number(365);
    if (!n) return std::nullopt;
    r.day = *n;
  }
  if (c.take('/')) {
    auto t = c.offset(167);  // RFC 8536 allows -167..167 hours
    if (!t) return std::nullopt;
    r.time_seconds = *t;
  }
  return r;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Local midnight of the rule's day in `year`, as days since the epoch.
std::int64_t rule_day(const PosixTz::Rule& r, int year) {
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  switch (r.kind) {
    case PosixTz::Rule::Kind::julian_no_leap:
      return jan1 + r.day - 1 + (is_leap(year) && r.day >= 60 ? 1 : 0);
    case PosixTz::Rule::Kind::zero_based_day:
      return jan1 + r.day;
    case PosixTz::Rule::Kind::month_week_day:
      break;
  }
  const std::int64_t first = days_from_civil(year, r.month, 1);
  const int first_weekday = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 1970-01-01: Thursday
  int day = 1 + (r.weekday - first_weekday + 7) % 7 + (r.week - 1) * 7;
  while (day > days_in_month(year, r.month)) day -= 7;
  return first + day - 1;
}

}  // namespace

std::optional<PosixTz> parse_posix_tz(std::string_view text) {
  Cursor c(text);
  PosixTz tz;
  if (!c.name()) return std::nullopt;
  auto std_offset = c.offset(24);
  if (!std_offset) return std::nullopt;
  tz.std_utc_offset_seconds = -*std_offset;  // POSIX counts west of Greenwich as positive
  if (c.done()) return tz;
  if (!c.name()) return std::nullopt;
  PosixTz::Daylight dst;
  dst.utc_offset_seconds = tz.std_utc_offset_seconds + 3600;
  if (c.peek() != ',' && !c.done()) {
    auto dst_offset = c.offset(24);
    if (!dst_offset) return std::nullopt;
    dst.utc_offset_seconds = -*dst_offset;
  }
  if (c.take(',')) {
    auto start = parse_rule(c);
    if (!start || !c.take(',')) return std::nullopt;
    auto end = parse_rule(c);
    if (!end) return std::nullopt;
    dst.start = *start;
    dst.end = *end;
  } else {
    // POSIX leaves the default rule to the implementation; this is the US
    // rule glibc uses.
    dst.start = {PosixTz::Rule::Kind::month_week_day, 3, 2, 0, 0, 7200};
    dst.end = {PosixTz::Rule::Kind::month_week_day, 11, 1, 0, 0, 7200};
  }
  if (!c.done()) return std::nullopt;
  tz.daylight = dst;
  return tz;
}

std::vector<core::TimeZone::Transition> expand(const PosixTz& tz, int from_year, int to_year) {
  std::vector<core::TimeZone::Transition> out;
  if (!tz.daylight) return out;
  const PosixTz::Daylight& dst = *tz.daylight;
  for (int year = from_year; year <= to_year; ++year) {
    // The start is written in standard time, the end in daylight time.
    const std::int64_t start =
        rule_day(dst.start, year) * 86400 + dst.start.time_seconds - tz.std_utc_offset_seconds;
    const std::int64_t end =
        rule_day(dst.end, year) * 86400 + dst.end.time_seconds - dst.utc_offset_seconds;
    core::TimeZone::Transition a{start, dst.utc_offset_seconds};
    core::TimeZone::Transition b{end, tz.std_utc_offset_seconds};
    if (b.at_unix_seconds < a.at_unix_seconds) std::swap(a, b);  // southern hemisphere
    out.push_back(a);
    out.push_back(b);
  }
  return out;
}

}  // namespace vigil::config
