// The site model: zones, doors, readers, access levels and the site's time
// zone, as validated from the site config. Built once, then read-only.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/clearance.hpp"
#include "vigil/core/door_mode.hpp"
#include "vigil/core/id_index.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

// Per zone (issue 8): none; soft (a second entry without an exit is
// granted and raises an incident); hard (refused).
enum class AntiPassback : std::uint8_t { none, soft, hard };
const char* to_string(AntiPassback a);

struct Zone {
  ZoneId id;
  std::string name;
  SecurityLevel security_level = SecurityLevel::public_;
  std::optional<ZoneId> parent;
  // The clearance a person must hold to enter (none = no requirement). A
  // nested zone also requires what its parents require.
  ClearanceLevel required_clearance = ClearanceLevel::none;
  // After a trip to a destination the site marks (Site::
  // return_report_destinations), entry waits for the return report.
  bool requires_return_report = false;
  AntiPassback anti_passback = AntiPassback::none;
  std::optional<int> occupancy_limit{};  // people inside it and its nested zones at most
  // Two-person rule: two different authorised people must badge at the
  // same door within this window before it unlocks (its own setting, like
  // anti_passback); nullopt = one person is enough.
  std::optional<Duration> two_person_window{};
  // Visits: the window in which a visitor and their escort badge at a door
  // of this zone, either order; nullopt = the site's escort_window.
  std::optional<Duration> escort_window{};
};

// A zone's rules with those of its parents folded in: the strictest wins.
struct ZoneRules {
  ClearanceLevel required_clearance = ClearanceLevel::none;
  const Zone* requiring_clearance = nullptr;  // the zone that sets the requirement
  bool requires_return_report = false;        // the zone or a parent requires it
};

// A weekly window in local time, [start, end) minutes of the day, on the
// weekdays whose bit is set (bit 0 = Monday).
struct WeeklyWindow {
  std::uint8_t weekdays = 0x7f;
  int start_minute = 0;
  int end_minute = 24 * 60;
};

// Windows of one day (weekdays ignored), [start, end) minutes, local time.
bool open_in(const std::vector<WeeklyWindow>& windows, int minute_of_day);
// Whether a weekly schedule is open at this local time (weekdays counted).
bool open_at(const std::vector<WeeklyWindow>& windows, LocalTime t);

// What a lock does when the daemon cannot vouch for it (stop, fault, loss
// of the daemon). secure: stays locked (de-energised for a fail-secure
// strike); safe: released (fire egress, fail-safe maglocks).
enum class FailMode : std::uint8_t { secure, safe };
const char* to_string(FailMode m);

struct Door {
  DoorId id;
  std::string name;
  ZoneId from_zone;             // the side a reader with direction "in" is mounted on
  ZoneId to_zone;               // the zone an "in" read asks to enter
  PointRef lock;                // output; energised = unlocked (secure) / locked (safe)
  PointRef contact;             // input; true = open
  std::optional<PointRef> rex;  // input; true = pressed
  Duration unlock_time = std::chrono::seconds(5);
  Duration held_open_time = std::chrono::seconds(30);
  // Both kinds reach their safe state de-energised (output false): a
  // fail-secure strike is energised to unlock, a fail-safe maglock is
  // energised to hold. So for a safe door "locked" is output true.
  FailMode fail_mode = FailMode::secure;
  Duration relock_delay = std::chrono::milliseconds(500);
  Duration contact_debounce = std::chrono::milliseconds(20);
  Duration rex_debounce = std::chrono::milliseconds(50);
  Duration rex_stuck_time = std::chrono::seconds(30);
  DoorMode mode = DoorMode::card;  // what a read needs here (issue 8)
  // Mode `unlocked`: the lock is held released during these windows (site
  // local time) and relocks at their end; outside them the door works as
  // `card`. A lockdown of its zone, the safe state and fire rules win.
  std::vector<WeeklyWindow> unlocked_schedule;
};

// The longest debounce a door input may have. IEC 60839-11-1 wants an input
// held for 400 ms to register; a debounce of at most 300 ms leaves 100 ms
// for the driver's polling period. Longer values are clamped to this.
inline constexpr Duration kMaxDebounce = std::chrono::milliseconds(300);

// Same door, wired the same: id, lock, contact, REX, fail mode and debounce
// (what a config reload may not change, docs/config.md "Reloading the config").
bool same_wiring(const Door& a, const Door& b);

// What is wrong with a door's timings, one message per fault (empty = fine).
// Config validation reports these with the door's position.
std::vector<std::string> validate(const Door& door);

enum class Direction : std::uint8_t { in, out };
const char* to_string(Direction d);

struct Reader {
  ReaderId id;
  DoorId door;
  Direction direction = Direction::in;
};

// A day that overrides the weekly schedules of the levels that follow its
// calendar: closed (no windows), or open in a named holiday schedule's
// windows.
struct Holiday {
  LocalDate date;
  std::string name;
  std::string schedule;               // holiday schedule id; empty = closed
  std::vector<WeeklyWindow> windows;  // that schedule's windows; empty = closed
};

struct HolidayCalendar {
  std::string id;
  std::vector<Holiday> days;  // sorted by date, one per date
  const Holiday* on(LocalDate date) const;
};

struct AccessLevel {
  AccessLevelId id;
  std::vector<ZoneId> zones;
  std::vector<WeeklyWindow> schedule;  // empty = never
  std::string holidays;                // holiday calendar id; empty = holidays are ordinary days
  // Passes a lockdown of the zones it covers (issue 8): during a lockdown
  // only such levels count.
  bool lockdown_override = false;
  bool covers(const ZoneId& zone) const;
  bool open_at(LocalTime t) const;
};

struct Site {
  SiteId id;
  GatewayId gateway;
  TimeZone time_zone;
  std::vector<Zone> zones;
  std::vector<Door> doors;
  std::vector<Reader> readers;
  std::vector<AccessLevel> access_levels;
  // Trip destinations after which a return report is due, as written in the
  // site config and on the trip (compared exactly, e.g. ISO country codes).
  std::vector<std::string> return_report_destinations;
  std::vector<HolidayCalendar> holiday_calendars;
  PinPolicy pin{};  // card + PIN doors: entry and lockout rules (issue 8)
  // Visits (issue 8, item 6): the escort window where a zone sets none.
  Duration escort_window = std::chrono::seconds(10);

  // The holiday overriding `level`'s schedule on `date`, if any.
  const Holiday* holiday_for(const AccessLevel& level, LocalDate date) const;

  bool requires_return_report_after(const std::string& destination) const;
  const Zone* find_zone(const ZoneId& id) const;
  // The escort window at a door into `zone`: the zone's, else the site's.
  Duration escort_window_for(const ZoneId& zone) const;
  // The zone's rules and its parents'; an unknown zone has none.
  ZoneRules zone_rules(const ZoneId& id) const;
  ZoneRules zone_rules(const Zone* zone) const;  // the same for a zone found already
  const Door* find_door(const DoorId& id) const;
  const Reader* find_reader(const ReaderId& id) const;
  const AccessLevel* find_access_level(const AccessLevelId& id) const;
  // The same with the id's std::hash<std::string_view> known (s23: the
  // people directory keeps it for each level name, so a read hashes none).
  const AccessLevel* find_access_level(const AccessLevelId& id, std::size_t hash) const;
  // The zone a read at this reader asks to enter.
  const ZoneId& target_zone(const Reader& reader) const;

  // Position walks (issue 8): the zone around `zone` and the door a reader
  // belongs to, from positions kept by build_index(), each checked against
  // the ids (a vector edited later falls back to find_zone / find_door). No
  // string is hashed or copied when the index is current.
  const Zone* parent_of(const Zone& zone) const;
  const Door* door_of(const Reader& reader) const;
  // Whether `inner` is `outer` or lies inside it (bounded walk).
  bool within(const Zone* inner, const Zone* outer) const;
  // Whether `level` lists `zone` (a zone of this site), as
  // AccessLevel::covers: a level opens the zones it lists and no others, a
  // zone nested in one of them included (docs/config.md). One bit test in a
  // level x zone table kept by build_index() (positions, so it survives
  // copies of the site); a level list or a vector that changed size since
  // is walked.
  bool covers(const AccessLevel& level, const Zone& zone) const;
  // The positions in `zones` of `zone` and of every zone nested inside it
  // (as zone_within() walks the parents), kept by build_index() (s24:
  // Occupancy::count sums a limited zone's own few instead of walking up
  // from every zone someone is in). Empty when `zone` is not a zone of
  // this site or the zones vector changed size since; after editing a
  // zone's parent in place, call build_index() again.
  std::span<const std::uint32_t> nested_in(const Zone& zone) const;

  // Indexes the zones, doors, readers and access levels by id so the find_
  // functions above cost one hash probe, and tabulates which level lists
  // which zone (the config loader calls it once the site is built). Without
  // it, or for ids added later, they walk. After editing a level's zones in
  // place, call it again.
  void build_index();

 private:
  void index_nested_zones();

  struct Index {
    IdIndex zones, doors, readers, access_levels;
    std::vector<std::uint32_t> zone_parent;  // position + 1 of Zone::parent; 0 = none
    std::vector<std::uint32_t> reader_door;  // position + 1 of Reader::door; 0 = none
    // Zone z's nested_in() is nested[nested_from[z] .. nested_from[z + 1]).
    std::vector<std::uint32_t> nested_from, nested;
    // Bit (level * zone_words * 64 + zone) set when the level lists the zone.
    std::vector<std::uint64_t> level_zones;
    std::size_t zone_words = 0, zone_count = 0;
    // Each level's number of listed zones as tabulated: a list grown or
    // shrunk since shows here and is walked instead.
    std::vector<std::size_t> level_sizes;
  };
  Index index_{};
};

}  // namespace vigil::core
