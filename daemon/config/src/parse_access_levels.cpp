// Parse: access levels, their weekly schedules, and the holidays that
// override them.
#include <charconv>

#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

const std::vector<std::string> kDays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// "07:00" or "7:00"; "24:00" only as an end.
std::optional<int> parse_minute_of_day(std::string_view s, bool allow_24) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  const std::string_view h = s.substr(0, colon);
  const std::string_view m = s.substr(colon + 1);
  if (std::from_chars(h.data(), h.data() + h.size(), hours).ptr != h.data() + h.size() ||
      std::from_chars(m.data(), m.data() + m.size(), minutes).ptr != m.data() + m.size()) {
    return std::nullopt;
  }
  if (hours == 24 && minutes == 0 && allow_24) return 24 * 60;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::optional<Located<int>> time_of_day(const MapReader& m, std::string_view key, bool allow_24,
                                        Diagnostics& diag) {
  auto v = m.string(key, Need::required);
  if (!v) return std::nullopt;
  if (auto minute = parse_minute_of_day(v->value, allow_24)) return Located<int>{*minute, v->pos};
  diag.error(v->pos, "'" + std::string(key) + "': expected a time of day such as \"07:00\"" +
                         (allow_24 ? " or \"24:00\"" : "") + ", got '" + v->value + "'");
  return std::nullopt;
}

void parse_level(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "access level", {"id", "zones", "schedule", "holidays", "lockdown_override"},
              diag);
  if (!m.ok()) return;
  DraftAccessLevel level;
  level.pos = m.pos();
  if (auto v = m.id("id", Need::required)) level.id = *v;
  const YAML::Node zones = m.get("zones", Need::required);
  if (zones.IsDefined() && expect_list(zones, "zones", diag)) {
    for (const auto& item : zones) {
      if (auto v = read_id(item, "zones", diag)) level.zones.push_back(*v);
    }
  }
  // No default schedule: a forgotten key must not silently mean "never"
  // (locks staff out) or "always" (lets them in at night).
  const YAML::Node schedule = m.get("schedule");
  if (!schedule.IsDefined()) {
    if (m.ok()) {
      diag.error(m.pos(),
                 "access level is missing required key 'schedule' (write 'schedule: always' for "
                 "any time)");
    }
  } else if (schedule.IsScalar() && schedule.Scalar() == "always") {
    level.schedule.push_back(core::WeeklyWindow{});
  } else if (schedule.IsSequence()) {
    for (const auto& item : schedule) parse_window(item, level.schedule, diag);
  } else {
    diag.error(pos_of(schedule),
               "'schedule': expected 'always' or a list of windows, got " + describe(schedule));
  }
  if (auto v = m.id("holidays", Need::optional)) level.holidays = *v;
  if (auto v = m.boolean("lockdown_override", Need::optional)) level.lockdown_override = v->value;
  draft.access_levels.push_back(std::move(level));
}

void parse_holiday_schedule(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "holiday schedule", {"id", "windows"}, diag);
  if (!m.ok()) return;
  DraftHolidaySchedule schedule;
  schedule.pos = m.pos();
  if (auto v = m.id("id", Need::required)) schedule.id = *v;
  const YAML::Node windows = m.get("windows", Need::required);
  if (windows.IsDefined() && expect_list(windows, "windows", diag)) {
    for (const auto& item : windows) parse_window(item, schedule.windows, diag);
  }
  draft.holiday_schedules.push_back(std::move(schedule));
}

void parse_holiday(const YAML::Node& node, DraftHolidayCalendar& calendar, Diagnostics& diag) {
  MapReader m(node, "holiday", {"date", "name", "schedule"}, diag);
  if (!m.ok()) return;
  DraftHoliday day;
  day.pos = m.pos();
  auto date = m.string("date", Need::required);
  if (!date) return;
  auto parsed = core::parse_date(date->value);
  if (!parsed) {
    diag.error(date->pos, "'date': expected a date such as 2026-12-25, got '" + date->value + "'");
    return;
  }
  day.date = *parsed;
  day.name = date->value;
  if (auto v = m.string("name", Need::optional)) day.name = v->value;
  if (auto v = m.id("schedule", Need::optional)) day.schedule = *v;
  calendar.days.push_back(std::move(day));
}

void parse_holiday_calendar(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "holiday calendar", {"id", "days"}, diag);
  if (!m.ok()) return;
  DraftHolidayCalendar calendar;
  calendar.pos = m.pos();
  if (auto v = m.id("id", Need::required)) calendar.id = *v;
  const YAML::Node days = m.get("days", Need::required);
  if (days.IsDefined() && expect_list(days, "days", diag)) {
    for (const auto& item : days) parse_holiday(item, calendar, diag);
  }
  draft.holiday_calendars.push_back(std::move(calendar));
}

}  // namespace

void parse_window(const YAML::Node& node, std::vector<core::WeeklyWindow>& out, Diagnostics& diag) {
  MapReader m(node, "schedule window", {"days", "from", "to"}, diag);
  if (!m.ok()) return;
  core::WeeklyWindow window;
  bool valid = true;
  const YAML::Node days = m.get("days");
  if (days.IsDefined()) {
    if (!days.IsSequence()) {
      diag.error(pos_of(days), "'days': expected a list such as [mon, tue], got " + describe(days));
      valid = false;
    } else {
      window.weekdays = 0;
      for (const auto& item : days) {
        auto day = read_string(item, "days", diag);
        if (!day) {
          valid = false;
          continue;
        }
        bool found = false;
        for (std::size_t i = 0; i < kDays.size(); ++i) {
          if (kDays[i] == day->value) {
            window.weekdays |= static_cast<std::uint8_t>(1u << i);
            found = true;
          }
        }
        if (!found) {
          diag.error(day->pos, "'days': unknown day '" + day->value +
                                   "' (use mon, tue, wed, thu, fri, sat, sun)" +
                                   did_you_mean(day->value, kDays));
          valid = false;
        }
      }
    }
  }
  const auto from = time_of_day(m, "from", false, diag);
  const auto to = time_of_day(m, "to", true, diag);
  if (!from || !to) return;
  if (to->value <= from->value) {
    diag.error(to->pos,
               "'to': the window must end after it starts; split a window that crosses "
               "midnight into two");
    return;
  }
  window.start_minute = from->value;
  window.end_minute = to->value;
  if (valid) out.push_back(window);
}

void parse_access_levels(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "access_levels", diag)) return;
  for (const auto& item : node) parse_level(item, draft, diag);
}

void parse_holiday_schedules(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "holiday_schedules", diag)) return;
  for (const auto& item : node) parse_holiday_schedule(item, draft, diag);
}

void parse_holiday_calendars(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "holiday_calendars", diag)) return;
  for (const auto& item : node) parse_holiday_calendar(item, draft, diag);
}

void parse_schedule_window(const YAML::Node& node, std::vector<core::WeeklyWindow>& out,
                           Diagnostics& diag) {
  parse_window(node, out, diag);
}

}  // namespace vigil::config
