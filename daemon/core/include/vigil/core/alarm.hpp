// Alarm zones (issue 9): sensors (door contacts, motion, glass break, panic,
// tamper switches, EOL-supervised loops) grouped into zones that are
// disarmed, arming (exit delay), armed, in their entry delay, or in alarm.
//
//   arm ──► exit_delay ──(exit delay over)──► armed
//   armed: entry-route sensor opens ──► entry_delay ──(over)──► alarm
//          any other sensor opens   ──────────────────────────► alarm
//   disarm (operator command, or a granted card at a disarm reader) ──► disarmed
//
// Panic and tamper sensors are always live. A level read at start or after
// a (re)connect is state, never an opening: a sensor found active counts
// only after it has been seen inactive. Arming with a non-entry-route sensor
// active is refused, or with `bypass` that sensor is bypassed until it reads
// inactive. Pure: every delay runs on the monotonic times of the inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/core/door.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/input.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/site.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

enum class SensorKind : std::uint8_t { contact, motion, glass_break, panic, tamper };
enum class AlarmState : std::uint8_t { disarmed, exit_delay, armed, entry_delay, alarm };

const char* to_string(SensorKind kind);
const char* to_string(AlarmState state);
std::optional<SensorKind> sensor_kind_from_string(std::string_view s);
std::optional<AlarmState> alarm_state_from_string(std::string_view s);

struct AlarmSensor {
  std::string name;  // as in the site config, e.g. "store-pir"
  PointRef point;    // input; true = active (open, motion, broken, pressed)
  SensorKind kind = SensorKind::contact;
  // Opening it in an armed zone starts the entry delay (the door people
  // come in by); every other sensor alarms at once.
  bool entry_route = false;
};

struct AlarmZone {
  ZoneId id;
  std::string name;
  Duration exit_delay = std::chrono::seconds(30);
  Duration entry_delay = std::chrono::seconds(30);
  std::vector<AlarmSensor> sensors;
  // A granted card at one of these readers disarms the zone.
  std::vector<ReaderId> disarm_readers;
  // Disarmed during these windows (site local time), armed outside them:
  // armed (exit delay) when off-hours start, disarmed when a window starts.
  std::optional<std::vector<WeeklyWindow>> arm_schedule{};
  // Armed (exit delay) when the last person inside leaves (occupancy of the
  // access zone with this id and its nested zones drops to zero).
  bool auto_arm_when_empty = false;
};

// Who arms or disarms: an operator (vigilctl, schedule) or a cardholder.
struct AlarmActor {
  std::string operator_name;  // empty for a card
  std::optional<PersonId> person;
  std::optional<ReaderId> reader;
};

class AlarmPanel {
 public:
  // `tz`: the site's time zone, in which arm schedules are written.
  explicit AlarmPanel(std::vector<AlarmZone> zones, TimeZone tz = {});

  // Starts the exit delay (alarm_arming), or refuses (alarm_arm_refused)
  // when a non-entry-route sensor is active and bypass is false. Arming an
  // armed or arming zone does nothing.
  Effects arm(const ZoneId& zone, const AlarmActor& by, bool bypass, Moment now);
  // Any state but disarmed -> disarmed (alarm_disarmed with the state it
  // left, so a disarm inside the entry delay says it cancelled it).
  Effects disarm(const ZoneId& zone, const AlarmActor& by, Moment now);
  // The state a zone had before a restart (alarm_states_from()); delays
  // restart in full from `now`. Journals alarm_restored.
  Effects restore(const ZoneId& zone, AlarmState state, Moment now);

  // A sensor level; other points are ignored.
  Effects point(const PointChanged& in);
  // access_granted at a disarm reader disarms that reader's zones.
  Effects observe(const Event& event);
  // Fires every delay due by now.mono, and arms or disarms the zones whose
  // schedule changed between the previous call and now.wall (the first call
  // only learns where the schedule stands: a start inside off-hours leaves
  // the restored state alone).
  Effects advance(Moment now);
  // The number of people in the zone (and its nested zones) changed: a zone
  // with auto_arm_when_empty arms when it drops from some to zero.
  Effects occupancy(const ZoneId& zone, std::size_t people, Moment now);
  std::optional<MonoTime> next_deadline() const;

  std::optional<AlarmState> state(const ZoneId& zone) const;
  bool watches(const PointRef& point) const { return by_point_.contains(point); }
  const std::vector<AlarmZone>& zones() const { return zones_; }

 private:
  struct SensorState {
    std::optional<bool> level;  // unknown until first read
    // Ignored until seen inactive: found active at (re)connect, or bypassed.
    bool suppressed = false;
  };
  struct ZoneState {
    AlarmState state = AlarmState::disarmed;
    std::optional<MonoTime> deadline;     // end of the exit or entry delay
    std::vector<SensorState> sensors;     // parallel to AlarmZone::sensors
    std::optional<bool> schedule_open;    // unknown until the first advance
    std::int64_t schedule_local_max = 0;  // latest local minute seen (DST fall-back)
    std::optional<std::size_t> people;
  };
  void advance_schedule(std::size_t z, Moment now, Effects& out);

  Event make(EventKind kind, const AlarmZone& zone, Moment at) const;
  void sensor_active(std::size_t z, std::size_t s, Moment at, Effects& out);
  void intrusion(std::size_t z, std::size_t s, const char* cause, Moment at, Effects& out);
  void start_entry_delay(std::size_t z, std::size_t s, Moment at, Effects& out);
  void advance_zone(std::size_t z, Moment now, Effects& out);

  std::vector<AlarmZone> zones_;
  TimeZone tz_;
  std::vector<ZoneState> states_;
  std::unordered_map<ZoneId, std::size_t> by_id_;
  // A point may belong to several zones (a corridor PIR in two).
  std::unordered_map<PointRef, std::vector<std::pair<std::size_t, std::size_t>>> by_point_;
};

// Every zone's state as the journal last recorded it, folded from its
// alarm_* events in seq order (zones never armed are absent).
std::map<ZoneId, AlarmState> alarm_states_from(const std::vector<Event>& events);
// The event kinds alarm_states_from() reads.
std::vector<EventKind> alarm_state_event_kinds();

}  // namespace vigil::core
