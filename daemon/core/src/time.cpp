#include "vigil/core/time.hpp"

#include <algorithm>
#include <cstdio>

namespace vigil::core {
namespace {

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm), so the
// core formats UTC without calling gmtime (which touches the process TZ).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t local_days(const TimeZone& tz, std::int64_t utc_seconds) {
  const auto t = from_unix_micros(utc_seconds * 1'000'000);
  return floor_div(utc_seconds + tz.offset_at(t), 86400);
}

}  // namespace

std::string format_utc(TimePoint t) {
  const std::int64_t us = to_unix_micros(t);
  const std::int64_t secs = floor_div(us, 1'000'000);
  const std::int64_t frac = us - secs * 1'000'000;
  const std::int64_t days = floor_div(secs, 86400);
  const std::int64_t sod = secs - days * 86400;
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", y, m, d,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60), static_cast<int>(frac));
  return buf;
}

TimeZone TimeZone::fixed(std::string name, std::int32_t offset_seconds) {
  return TimeZone(std::move(name), offset_seconds, {});
}

TimeZone::TimeZone(std::string name, std::int32_t initial_offset_seconds,
                   std::vector<Transition> transitions)
    : name_(std::move(name)),
      initial_offset_(initial_offset_seconds),
      transitions_(std::move(transitions)) {
  std::sort(transitions_.begin(), transitions_.end(), [](const Transition& a, const Transition& b) {
    return a.at_unix_seconds < b.at_unix_seconds;
  });
}

std::int32_t TimeZone::offset_at(TimePoint t) const {
  const std::int64_t secs = floor_div(to_unix_micros(t), 1'000'000);
  auto it =
      std::upper_bound(transitions_.begin(), transitions_.end(), secs,
                       [](std::int64_t s, const Transition& tr) { return s < tr.at_unix_seconds; });
  if (it == transitions_.begin()) return initial_offset_;
  return std::prev(it)->offset_seconds;
}

LocalTime TimeZone::local(TimePoint t) const {
  const std::int64_t local_secs = floor_div(to_unix_micros(t), 1'000'000) + offset_at(t);
  const std::int64_t days = floor_div(local_secs, 86400);
  const std::int64_t sod = local_secs - days * 86400;
  // 1970-01-01 was a Thursday: ISO weekday index 3 with Monday = 0.
  const int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);
  return LocalTime{weekday, static_cast<int>(sod / 60), LocalDate{static_cast<std::int32_t>(days)}};
}

TimePoint TimeZone::start_of(LocalDate date) const {
  const std::int64_t local = std::int64_t{date.days} * 86400;
  const auto at = [](std::int64_t s) { return from_unix_micros(s * 1'000'000); };
  // Two rounds settle on the offset in force at that midnight.
  const std::int64_t guess = local - offset_at(at(local));
  const std::int64_t utc = local - offset_at(at(guess));
  // A skipped midnight (a transition at 00:00 forward) lands before the day
  // starts locally; the day then starts at the transition.
  if (local_days(*this, utc) < date.days) {
    auto next = std::upper_bound(
        transitions_.begin(), transitions_.end(), utc,
        [](std::int64_t s, const Transition& tr) { return s < tr.at_unix_seconds; });
    if (next != transitions_.end()) return at(next->at_unix_seconds);
  }
  return at(utc);
}

std::optional<LocalDate> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  auto num = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const std::chrono::year_month_day ymd{std::chrono::year(num(0, 4)),
                                        std::chrono::month(static_cast<unsigned>(num(5, 2))),
                                        std::chrono::day(static_cast<unsigned>(num(8, 2)))};
  if (!ymd.ok()) return std::nullopt;
  return LocalDate{
      static_cast<std::int32_t>(std::chrono::sys_days(ymd).time_since_epoch().count())};
}

std::string format_date(LocalDate date) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(date.days, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
  }
  // Digit by digit (s24): snprintf was most of a trip refusal's CPU, which
  // formats two dates for the journal inside decide().
  const auto year = static_cast<unsigned>(y);
  return {static_cast<char>('0' + year / 1000),
          static_cast<char>('0' + year / 100 % 10),
          static_cast<char>('0' + year / 10 % 10),
          static_cast<char>('0' + year % 10),
          '-',
          static_cast<char>('0' + m / 10),
          static_cast<char>('0' + m % 10),
          '-',
          static_cast<char>('0' + d / 10),
          static_cast<char>('0' + d % 10)};
}

}  // namespace vigil::core
