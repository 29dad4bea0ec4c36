#include "time_arg.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <set>

namespace vigil::ctl {
namespace {

using Seconds = std::int64_t;

// Days since the epoch of a civil date (Howard Hinnant's algorithm).
Seconds days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const Seconds era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<Seconds>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// A cursor over the text: each read takes exactly `n` digits or fails.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool digits(std::size_t n, int& out) {
    if (pos_ + n > text_.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos_ += n;
    return true;
  }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

constexpr const char* kForms =
    "use 2026-11-25, 2026-11-25T10:00[:00[.000000]] (site time) or add Z or an offset "
    "such as +02:00";

TimeArg fail(std::string_view text, const std::string& why) {
  return TimeArg{.time = std::nullopt, .error = "'" + std::string{text} + "': " + why};
}

// The instants whose local time in `zone` is `local` seconds (at most two).
std::set<Seconds> instants_of(Seconds local, const core::TimeZone& zone) {
  std::set<Seconds> out;
  for (Seconds probe : {local - 86400, local, local + 86400}) {
    const auto offset = zone.offset_at(
        core::TimePoint{std::chrono::duration_cast<core::Duration>(std::chrono::seconds(probe))});
    const Seconds utc = local - offset;
    if (zone.offset_at(core::TimePoint{
            std::chrono::duration_cast<core::Duration>(std::chrono::seconds(utc))}) == offset)
      out.insert(utc);
  }
  return out;
}

}  // namespace

TimeArg parse_time_arg(std::string_view text, const core::TimeZone& zone) {
  Reader in(text);
  int y = 0, mo = 0, d = 0;
  if (!in.digits(4, y) || !in.take('-') || !in.digits(2, mo) || !in.take('-') || !in.digits(2, d))
    return fail(text, std::string{"not a date; "} + kForms);
  if (mo < 1 || mo > 12) return fail(text, "there is no month " + std::to_string(mo));
  if (d < 1 || d > days_in_month(y, mo))
    return fail(text, "day " + std::to_string(d) + " does not exist in that month");
  const Seconds day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (in.at_end()) {
    return TimeArg{.time = zone.start_of(core::LocalDate{static_cast<std::int32_t>(day)}),
                   .error = {}};
  }
  int h = 0, mi = 0, s = 0;
  Seconds micros = 0;
  if (!(in.take('T') || in.take('t') || in.take(' ')) || !in.digits(2, h) || !in.take(':') ||
      !in.digits(2, mi))
    return fail(text, std::string{"trailing text after the date; "} + kForms);
  if (in.take(':')) {
    if (!in.digits(2, s)) return fail(text, "seconds need two digits");
    if (in.take('.')) {
      int digits = 0;
      for (; digits < 6 && in.peek() >= '0' && in.peek() <= '9'; ++digits) {
        int v = 0;
        in.digits(1, v);
        micros = micros * 10 + v;
      }
      if (digits == 0) return fail(text, "a '.' needs 1 to 6 digits of fraction");
      for (int i = digits; i < 6; ++i) micros *= 10;
    }
  }
  if (h > 23 || mi > 59 || s > 59) return fail(text, "hour, minute or second out of range");
  const Seconds wall = day * 86400 + h * 3600 + mi * 60 + s;
  std::optional<Seconds> utc;
  if (in.take('Z') || in.take('z')) {
    utc = wall;
  } else if (in.peek() == '+' || in.peek() == '-') {
    const int sign = in.take('-') ? -1 : (in.take('+'), 1);
    int oh = 0, om = 0;
    if (!in.digits(2, oh) || !(in.take(':'), in.digits(2, om)) || oh > 23 || om > 59)
      return fail(text, "an offset is +HH:MM or -HH:MM");
    utc = wall - sign * (oh * 3600 + om * 60);
  }
  if (!in.at_end()) {
    return fail(text, "trailing text '" + std::string{in.rest()} + "'; " + kForms);
  }
  if (!utc) {
    const auto instants = instants_of(wall, zone);
    if (instants.empty()) {
      return fail(text, "that local time does not exist in " + zone.name() +
                            " (the clocks skip it); give an offset");
    }
    utc = *instants.begin();  // a repeated hour: the earlier instant
  }
  return TimeArg{.time = core::TimePoint{std::chrono::seconds(*utc)} + core::Duration(micros),
                 .error = {}};
}

std::string format_time_arg(core::TimePoint time, const core::TimeZone& zone) {
  const auto offset = zone.offset_at(time);
  const auto us = core::to_unix_micros(time) + static_cast<std::int64_t>(offset) * 1000000;
  Seconds secs = us / 1000000;
  Seconds frac = us % 1000000;
  if (frac < 0) frac += 1000000, secs -= 1;
  Seconds days = secs / 86400;
  Seconds sod = secs % 86400;
  if (sod < 0) sod += 86400, days -= 1;
  // civil_from_days (Howard Hinnant).
  const Seconds z = days + 719468;
  const Seconds era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  const Seconds yy = static_cast<Seconds>(yoe) + era * 400 + (mm <= 2);
  char zone_text[16] = "Z";
  if (offset != 0 || zone.name() != "UTC") {
    const int a = (offset < 0 ? -offset : offset) % 86400;
    std::snprintf(zone_text, sizeof zone_text, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600,
                  a / 60 % 60);
  }
  char out[64];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lld%s",
                static_cast<long long>(yy), mm, dd, static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                static_cast<long long>(frac), zone_text);
  return out;
}

std::optional<core::TimePoint> parse_time_arg(std::string_view text) {
  return parse_time_arg(text, core::TimeZone{}).time;
}

}  // namespace vigil::ctl
