#include "vigil/core/alarm.hpp"

#include <algorithm>

namespace vigil::core {
namespace {

std::int64_t millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

bool always_live(SensorKind kind) {
  return kind == SensorKind::panic || kind == SensorKind::tamper;
}

void set_actor(Event& e, const AlarmActor& by) {
  if (!by.operator_name.empty()) set_attr(e.attrs, "operator", by.operator_name);
  e.person = by.person;
  e.reader = by.reader;
  // The schedule and the occupancy rule act as themselves.
  const bool automatic = by.operator_name == "schedule" || by.operator_name == "occupancy";
  set_attr(e.attrs, "by",
           by.person   ? std::string("card")
           : automatic ? by.operator_name
                       : std::string("operator"));
}

}  // namespace

AlarmPanel::AlarmPanel(std::vector<AlarmZone> zones, TimeZone tz)
    : zones_(std::move(zones)), tz_(std::move(tz)) {
  states_.resize(zones_.size());
  for (std::size_t z = 0; z < zones_.size(); ++z) {
    by_id_.emplace(zones_[z].id, z);
    states_[z].sensors.resize(zones_[z].sensors.size());
    for (std::size_t s = 0; s < zones_[z].sensors.size(); ++s)
      by_point_[zones_[z].sensors[s].point].emplace_back(z, s);
  }
}

Event AlarmPanel::make(EventKind kind, const AlarmZone& zone, Moment at) const {
  Event e;
  e.kind = kind;
  e.time = at.wall;
  e.mono = at.mono;
  e.zone = zone.id;
  return e;
}

std::optional<AlarmState> AlarmPanel::state(const ZoneId& zone) const {
  auto it = by_id_.find(zone);
  if (it == by_id_.end()) return std::nullopt;
  return states_[it->second].state;
}

Effects AlarmPanel::arm(const ZoneId& id, const AlarmActor& by, bool bypass, Moment now) {
  Effects out;
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return out;
  const std::size_t z = it->second;
  advance_zone(z, now, out);
  const AlarmZone& zone = zones_[z];
  ZoneState& st = states_[z];
  if (st.state != AlarmState::disarmed) return out;
  // An entry-route door may stand open while the last person leaves (the
  // exit delay covers it); any other active sensor would alarm the moment
  // the exit delay ends, so arming is refused unless the operator bypasses it.
  std::string open;
  std::vector<std::size_t> to_bypass;
  for (std::size_t s = 0; s < zone.sensors.size(); ++s) {
    const AlarmSensor& sensor = zone.sensors[s];
    if (sensor.entry_route || always_live(sensor.kind)) continue;
    if (st.sensors[s].level.value_or(false)) {
      open += (open.empty() ? "" : ",") + sensor.name;
      to_bypass.push_back(s);
    }
  }
  if (!open.empty() && !bypass) {
    Event e = make(EventKind::alarm_arm_refused, zone, now);
    set_actor(e, by);
    set_attr(e.attrs, "open", open);
    e.detail = "sensors active: " + open;
    out.events.push_back(std::move(e));
    return out;
  }
  for (std::size_t s : to_bypass) st.sensors[s].suppressed = true;
  st.state = AlarmState::exit_delay;
  st.deadline = now.mono + zone.exit_delay;
  Event e = make(EventKind::alarm_arming, zone, now);
  set_actor(e, by);
  set_attr(e.attrs, "exit_delay_ms", millis(zone.exit_delay));
  if (!open.empty()) set_attr(e.attrs, "bypassed", open);
  out.events.push_back(std::move(e));
  advance_zone(z, now, out);  // a zero exit delay arms at once
  return out;
}

Effects AlarmPanel::disarm(const ZoneId& id, const AlarmActor& by, Moment now) {
  Effects out;
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return out;
  const std::size_t z = it->second;
  // A delay that ran out before this disarm arrived has had its effect.
  advance_zone(z, now, out);
  ZoneState& st = states_[z];
  if (st.state == AlarmState::disarmed) return out;
  Event e = make(EventKind::alarm_disarmed, zones_[z], now);
  set_actor(e, by);
  set_attr(e.attrs, "previous", std::string(to_string(st.state)));
  out.events.push_back(std::move(e));
  st.state = AlarmState::disarmed;
  st.deadline.reset();
  // Bypasses last one arming; a sensor found active at a reconnect stays
  // suppressed until it is seen inactive.
  return out;
}

Effects AlarmPanel::restore(const ZoneId& id, AlarmState state, Moment now) {
  Effects out;
  auto it = by_id_.find(id);
  if (it == by_id_.end() || state == AlarmState::disarmed) return out;
  const std::size_t z = it->second;
  ZoneState& st = states_[z];
  st.state = state;
  st.deadline.reset();
  // A delay running when the daemon stopped restarts in full: the person
  // leaving (or coming in to disarm) is not cut short by our restart.
  if (state == AlarmState::exit_delay) st.deadline = now.mono + zones_[z].exit_delay;
  if (state == AlarmState::entry_delay) st.deadline = now.mono + zones_[z].entry_delay;
  Event e = make(EventKind::alarm_restored, zones_[z], now);
  set_attr(e.attrs, "state", std::string(to_string(state)));
  out.events.push_back(std::move(e));
  return out;
}

Effects AlarmPanel::point(const PointChanged& in) {
  Effects out;
  const Moment at{in.time, in.mono};
  auto it = by_point_.find(in.point);
  if (it == by_point_.end()) return out;
  for (auto [z, s] : it->second) {
    advance_zone(z, at, out);
    SensorState& sensor = states_[z].sensors[s];
    const std::optional<bool> before = sensor.level;
    sensor.level = in.value;
    if (!in.value) {
      sensor.suppressed = false;  // seen inactive: it counts from now on
      continue;
    }
    if (in.initial) {
      // State, not an opening: whatever happened while we could not see
      // the sensor is not evidence of an intrusion now.
      if (before != true) sensor.suppressed = true;
      continue;
    }
    if (before == true || sensor.suppressed) continue;
    sensor_active(z, s, at, out);
  }
  return out;
}

void AlarmPanel::sensor_active(std::size_t z, std::size_t s, Moment at, Effects& out) {
  const AlarmSensor& sensor = zones_[z].sensors[s];
  if (always_live(sensor.kind)) {
    Event e =
        make(sensor.kind == SensorKind::panic ? EventKind::alarm_panic : EventKind::alarm_tamper,
             zones_[z], at);
    set_attr(e.attrs, "sensor", sensor.name);
    set_attr(e.attrs, "point", to_string(sensor.point));
    set_attr(e.attrs, "state", std::string(to_string(states_[z].state)));
    out.events.push_back(std::move(e));
    return;
  }
  switch (states_[z].state) {
    case AlarmState::armed:
      if (sensor.entry_route) {
        start_entry_delay(z, s, at, out);
      } else {
        intrusion(z, s, "instant", at, out);
      }
      return;
    case AlarmState::disarmed:     // nobody is watching
    case AlarmState::exit_delay:   // people are leaving
    case AlarmState::entry_delay:  // the person walks to the keypad or reader
    case AlarmState::alarm:        // already raised
      return;
  }
}

void AlarmPanel::start_entry_delay(std::size_t z, std::size_t s, Moment at, Effects& out) {
  ZoneState& st = states_[z];
  const AlarmZone& zone = zones_[z];
  st.state = AlarmState::entry_delay;
  st.deadline = at.mono + zone.entry_delay;
  Event e = make(EventKind::alarm_entry_delay, zone, at);
  set_attr(e.attrs, "sensor", zone.sensors[s].name);
  set_attr(e.attrs, "point", to_string(zone.sensors[s].point));
  set_attr(e.attrs, "entry_delay_ms", millis(zone.entry_delay));
  out.events.push_back(std::move(e));
  if (zone.entry_delay <= Duration::zero()) advance_zone(z, at, out);
}

void AlarmPanel::intrusion(std::size_t z, std::size_t s, const char* cause, Moment at,
                           Effects& out) {
  ZoneState& st = states_[z];
  const AlarmZone& zone = zones_[z];
  st.state = AlarmState::alarm;
  st.deadline.reset();
  Event e = make(EventKind::alarm_intrusion, zone, at);
  set_attr(e.attrs, "cause", std::string(cause));
  if (s < zone.sensors.size()) {
    set_attr(e.attrs, "sensor", zone.sensors[s].name);
    set_attr(e.attrs, "point", to_string(zone.sensors[s].point));
    set_attr(e.attrs, "sensor_kind", std::string(to_string(zone.sensors[s].kind)));
  }
  out.events.push_back(std::move(e));
}

void AlarmPanel::advance_zone(std::size_t z, Moment now, Effects& out) {
  ZoneState& st = states_[z];
  if (!st.deadline || *st.deadline > now.mono) return;
  const MonoTime when = *st.deadline;
  const Moment due{now.wall - (now.mono - when), when};
  st.deadline.reset();
  if (st.state == AlarmState::exit_delay) {
    st.state = AlarmState::armed;
    Event e = make(EventKind::alarm_armed, zones_[z], due);
    out.events.push_back(std::move(e));
    // A sensor still active when the exit delay ends is an opening at that
    // moment: the entry-route door left open starts the entry delay, any
    // other sensor alarms.
    const AlarmZone& zone = zones_[z];
    std::optional<std::size_t> entry;
    for (std::size_t s = 0; s < zone.sensors.size(); ++s) {
      const SensorState& ss = st.sensors[s];
      if (!ss.level.value_or(false) || ss.suppressed || always_live(zone.sensors[s].kind)) continue;
      if (!zone.sensors[s].entry_route) {
        intrusion(z, s, "active_at_exit_delay_end", due, out);
        return;
      }
      if (!entry) entry = s;
    }
    if (entry) start_entry_delay(z, *entry, due, out);
  } else if (st.state == AlarmState::entry_delay) {
    // Nobody disarmed in time.
    intrusion(z, zones_[z].sensors.size(), "entry_delay_expired", due, out);
  }
}

Effects AlarmPanel::advance(Moment now) {
  Effects out;
  for (std::size_t z = 0; z < zones_.size(); ++z) {
    advance_zone(z, now, out);
    advance_schedule(z, now, out);
  }
  return out;
}

Effects AlarmPanel::observe(const Event& event) {
  Effects out;
  if (event.kind != EventKind::access_granted || !event.reader || !event.person) return out;
  // A board's offline decision is history: it disarms nothing now.
  if (attr_bool(event.attrs, "offline").value_or(false)) return out;
  const Moment at{event.time, event.mono};
  for (const AlarmZone& zone : zones_) {
    if (std::find(zone.disarm_readers.begin(), zone.disarm_readers.end(), *event.reader) ==
        zone.disarm_readers.end())
      continue;
    out.append(disarm(zone.id, AlarmActor{{}, event.person, event.reader}, at));
  }
  return out;
}

std::optional<MonoTime> AlarmPanel::next_deadline() const {
  std::optional<MonoTime> next;
  for (const auto& st : states_)
    if (st.deadline && (!next || *st.deadline < *next)) next = st.deadline;
  return next;
}

std::vector<EventKind> alarm_state_event_kinds() {
  return {EventKind::alarm_arming,      EventKind::alarm_armed,     EventKind::alarm_disarmed,
          EventKind::alarm_entry_delay, EventKind::alarm_intrusion, EventKind::alarm_restored};
}

std::map<ZoneId, AlarmState> alarm_states_from(const std::vector<Event>& events) {
  std::map<ZoneId, AlarmState> states;
  for (const Event& e : events) {
    if (!e.zone) continue;
    std::optional<AlarmState> s;
    switch (e.kind) {
      case EventKind::alarm_arming:
        s = AlarmState::exit_delay;
        break;
      case EventKind::alarm_armed:
        s = AlarmState::armed;
        break;
      case EventKind::alarm_disarmed:
        s = AlarmState::disarmed;
        break;
      case EventKind::alarm_entry_delay:
        s = AlarmState::entry_delay;
        break;
      case EventKind::alarm_intrusion:
        s = AlarmState::alarm;
        break;
      case EventKind::alarm_restored:
        if (auto text = attr_text(e.attrs, "state")) s = alarm_state_from_string(*text);
        break;
      default:
        break;
    }
    if (s) states[*e.zone] = *s;
  }
  return states;
}

}  // namespace vigil::core

namespace vigil::core {
namespace {

// Stored in the journal (attrs) and the site config: add, never rename.
constexpr std::pair<SensorKind, const char*> kSensorKindNames[]{
    {SensorKind::contact, "contact"},
    {SensorKind::motion, "motion"},
    {SensorKind::glass_break, "glass_break"},
    {SensorKind::panic, "panic"},
    {SensorKind::tamper, "tamper"}};
constexpr std::pair<AlarmState, const char*> kAlarmStateNames[]{
    {AlarmState::disarmed, "disarmed"},
    {AlarmState::exit_delay, "exit_delay"},
    {AlarmState::armed, "armed"},
    {AlarmState::entry_delay, "entry_delay"},
    {AlarmState::alarm, "alarm"}};

}  // namespace

const char* to_string(SensorKind kind) {
  for (auto [k, name] : kSensorKindNames)
    if (k == kind) return name;
  return "unknown";
}
const char* to_string(AlarmState state) {
  for (auto [s, name] : kAlarmStateNames)
    if (s == state) return name;
  return "unknown";
}
std::optional<SensorKind> sensor_kind_from_string(std::string_view text) {
  for (auto [k, name] : kSensorKindNames)
    if (text == name) return k;
  return std::nullopt;
}
std::optional<AlarmState> alarm_state_from_string(std::string_view text) {
  for (auto [s, name] : kAlarmStateNames)
    if (text == name) return s;
  return std::nullopt;
}

}  // namespace vigil::core
