#include "time_arg.hpp"

#include <cstdio>
#include <string>

namespace vigil::ctl {
namespace {

// Days since the epoch of a civil date (Howard Hinnant's algorithm).
long long days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

std::optional<core::TimePoint> parse_time_arg(std::string_view text) {
  std::string s(text);
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.pop_back();
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char sep = 0;
  int consumed = 0;
  const int n = std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi,
                            &sec, &consumed);
  if (n == 3) {
    if (s.size() != 10) return std::nullopt;
  } else if (n == 6 || n == 7) {
    if (sep != 'T' && sep != ' ') return std::nullopt;
    if (n == 6) sec = 0;
    if (n == 7 && static_cast<std::size_t>(consumed) != s.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 ||
      sec < 0)
    return std::nullopt;
  const long long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return core::TimePoint{std::chrono::seconds(days * 86400 + h * 3600 + mi * 60 + sec)};
}

}  // namespace vigil::ctl
