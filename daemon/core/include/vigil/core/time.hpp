// Time in the core. The core never reads a clock: every input carries a
// TimePoint (UTC, microseconds since the Unix epoch) and rules compare those.
// Schedules are written in the site's local time, so the core carries the
// site's UTC offset rules as data (TimeZone), loaded by the shell.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::core {

using Duration = std::chrono::microseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Duration>;
// Monotonic time (the steady clock, microseconds since an arbitrary origin).
// Every duration the core measures (pulses, debounce, held-open, windows)
// is measured on it; a wall-clock step never lengthens or shortens one.
using MonoTime = std::chrono::time_point<std::chrono::steady_clock, Duration>;

// One instant read on both clocks, as every input carries it. Events are
// stamped with `wall`; every duration is measured between `mono`s.
struct Moment {
  TimePoint wall{};
  MonoTime mono{};
};

// Microseconds since the epoch, as stored in the journal and sent in payloads.
inline std::int64_t to_unix_micros(TimePoint t) {
  return t.time_since_epoch().count();
}
inline TimePoint from_unix_micros(std::int64_t us) {
  return TimePoint{Duration{us}};
}

// ISO 8601 UTC with microseconds, e.g. "2026-11-25T15:36:57.123456Z".
std::string format_utc(TimePoint t);

// A calendar day in the site's time zone (clearance expiry, trip dates,
// holidays): days since 1970-01-01.
struct LocalDate {
  std::int32_t days = 0;
  auto operator<=>(const LocalDate&) const = default;
};
inline LocalDate operator+(LocalDate d, std::int32_t days) {
  return LocalDate{d.days + days};
}

// "2026-12-31"; nullopt for anything else (a bad day of the month too).
std::optional<LocalDate> parse_date(std::string_view text);
std::string format_date(LocalDate date);

// Local wall-clock position used by weekly schedules.
struct LocalTime {
  int weekday;        // 0 = Monday ... 6 = Sunday (ISO order)
  int minute_of_day;  // 0 .. 1439
  LocalDate date{};   // the local calendar day
};

// UTC offset rules of one time zone: a sorted list of transitions, as found
// in a TZif file, plus the offset that applies before the first one.
class TimeZone {
 public:
  struct Transition {
    std::int64_t at_unix_seconds;
    std::int32_t offset_seconds;
  };

  TimeZone() = default;  // UTC
  static TimeZone fixed(std::string name, std::int32_t offset_seconds);
  TimeZone(std::string name, std::int32_t initial_offset_seconds,
           std::vector<Transition> transitions);

  const std::string& name() const { return name_; }
  std::int32_t offset_at(TimePoint t) const;
  LocalTime local(TimePoint t) const;
  // The instant of local midnight that starts `date` (on a day whose
  // midnight is skipped, the first local instant of the day).
  TimePoint start_of(LocalDate date) const;

 private:
  std::string name_ = "UTC";
  std::int32_t initial_offset_ = 0;
  std::vector<Transition> transitions_;
};

}  // namespace vigil::core
