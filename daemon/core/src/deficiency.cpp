#include "vigil/core/deficiency.hpp"

#include <algorithm>

namespace vigil::core {
namespace {

constexpr std::pair<DeficiencyKind, const char*> kDeficiencyKindNames[]{
    {DeficiencyKind::offline, "offline"},         {DeficiencyKind::tampered, "tampered"},
    {DeficiencyKind::line_fault, "line_fault"},   {DeficiencyKind::forced, "forced"},
    {DeficiencyKind::held_open, "held_open"},     {DeficiencyKind::output_failed, "output_failed"},
    {DeficiencyKind::read_errors, "read_errors"}, {DeficiencyKind::finding, "finding"}};

std::string key_of(DeficiencyKind kind, const std::string& item) {
  return std::string(to_string(kind)) + ":" + item;
}

// The door an actuation event is about, as a checklist item.
std::optional<std::string> door_item(const Event& e) {
  if (e.door) return "door:" + e.door->str();
  return std::nullopt;
}

}  // namespace

const char* to_string(DeficiencyKind kind) {
  for (auto [k, name] : kDeficiencyKindNames)
    if (k == kind) return name;
  return "unknown";
}

std::map<std::string, ZoneId> item_zones(const Site& site, const std::vector<AlarmZone>& alarms) {
  std::map<std::string, ZoneId> out;
  for (const Door& door : site.doors) out.emplace("door:" + door.id.str(), door.to_zone);
  for (const Reader& reader : site.readers)
    if (const Door* door = site.find_door(reader.door))
      out.emplace("reader:" + reader.id.str(), door->to_zone);
  for (const AlarmZone& zone : alarms)
    for (const AlarmSensor& sensor : zone.sensors) out.emplace("sensor:" + sensor.name, zone.id);
  return out;
}

DeficiencyBook::DeficiencyBook(DeficiencyRules rules) : rules_(std::move(rules)) {}

Deficiency& DeficiencyBook::open_new(const Event& e, DeficiencyKind kind, std::string item) {
  // A condition already open stays one deficiency (a second device_offline
  // while offline, say, after a restart).
  if (auto it = active_.find(key_of(kind, item)); it != active_.end()) return all_[it->second];
  Deficiency d;
  d.id = e.seq;
  d.kind = kind;
  d.started = e.time;
  d.note = e.detail;
  if (auto it = rules_.item_zones.find(item); it != rules_.item_zones.end()) d.zone = it->second;
  if (!d.zone && e.zone) d.zone = e.zone;
  d.item = std::move(item);
  active_[key_of(kind, d.item)] = e.seq;
  return all_[e.seq] = std::move(d);
}

void DeficiencyBook::clear(const std::string& key, TimePoint at) {
  auto it = active_.find(key);
  if (it == active_.end()) return;
  if (auto d = all_.find(it->second); d != all_.end() && d->second.open()) d->second.cleared = at;
  active_.erase(it);
}

void DeficiencyBook::apply_read_error(const Event& e) {
  const std::string item = "reader:" + e.reader->str();
  ReaderErrors& r = readers_[item];
  r.last = e.time;
  r.recent.push_back(e.time);
  std::erase_if(r.recent, [&](TimePoint t) { return e.time - t >= rules_.read_errors.window; });
  if (static_cast<int>(r.recent.size()) <= rules_.read_errors.count) return;
  if (active_.contains(key_of(DeficiencyKind::read_errors, item))) return;
  Deficiency& d = open_new(e, DeficiencyKind::read_errors, item);
  d.note =
      std::to_string(r.recent.size()) + " read errors within " +
      std::to_string(
          std::chrono::duration_cast<std::chrono::minutes>(rules_.read_errors.window).count()) +
      " min";
}

void DeficiencyBook::apply_reader_ok(const Event& e) {
  // A good read clears the read-error deficiency only once a whole window
  // has passed since the last error: a reader failing one read in ten
  // still reads well most of the time, and must not flap.
  const std::string item = "reader:" + e.reader->str();
  auto it = readers_.find(item);
  if (it == readers_.end() || !it->second.last) return;
  if (e.time - *it->second.last < rules_.read_errors.window) return;
  clear(key_of(DeficiencyKind::read_errors, item), e.time);
  readers_.erase(it);
}

void DeficiencyBook::apply(const Event& e) {
  switch (e.kind) {
    case EventKind::device_offline:
      if (e.device) open_new(e, DeficiencyKind::offline, "device:" + e.device->str());
      return;
    case EventKind::device_online:
      if (e.device) clear(key_of(DeficiencyKind::offline, "device:" + e.device->str()), e.time);
      return;
    case EventKind::line_tamper:
    case EventKind::line_restored: {
      if (!e.device) return;
      // A line a sensor names is that sensor's: listed under it, in its
      // zone. The event says which sensor the line served when it happened.
      const auto sensor = attr_text(e.attrs, "sensor");
      // vigild names the point "DEVICE/REGISTER" already.
      const std::string point = attr_text(e.attrs, "point").value_or("?");
      const std::string item =
          sensor ? "sensor:" + *sensor
                 : "line:" + (point.find('/') != std::string::npos ? point
                                                                   : e.device->str() + "/" + point);
      const std::string key = key_of(DeficiencyKind::line_fault, item);
      if (e.kind == EventKind::line_restored) {
        clear(key, e.time);
      } else if (!active_.contains(key)) {
        open_new(e, DeficiencyKind::line_fault, item).note =
            "line " + attr_text(e.attrs, "state").value_or("fault");
      }
      return;
    }
    case EventKind::alarm_tamper:
      if (auto sensor = attr_text(e.attrs, "sensor")) {
        if (!active_.contains(key_of(DeficiencyKind::tampered, "sensor:" + *sensor)))
          open_new(e, DeficiencyKind::tampered, "sensor:" + *sensor);
      }
      return;
    case EventKind::door_forced:
      if (auto item = door_item(e)) open_new(e, DeficiencyKind::forced, *item);
      return;
    case EventKind::door_closed:
      if (auto item = door_item(e)) clear(key_of(DeficiencyKind::forced, *item), e.time);
      return;
    case EventKind::door_held_open:
      if (auto item = door_item(e)) open_new(e, DeficiencyKind::held_open, *item);
      return;
    case EventKind::door_held_open_cleared:
      if (auto item = door_item(e)) clear(key_of(DeficiencyKind::held_open, *item), e.time);
      return;
    case EventKind::output_failed: {
      auto item = door_item(e);
      if (!item && e.device) item = "device:" + e.device->str();
      if (item && !active_.contains(key_of(DeficiencyKind::output_failed, *item))) {
        open_new(e, DeficiencyKind::output_failed, *item).note =
            attr_text(e.attrs, "action").value_or("write") + " failed" +
            (attr_text(e.attrs, "error") ? ": " + *attr_text(e.attrs, "error") : "");
      }
      return;
    }
    case EventKind::door_unlocked:
    case EventKind::door_relocked:
    case EventKind::door_released:
      // The journal records confirmed actuation: the lock works again.
      if (auto item = door_item(e)) clear(key_of(DeficiencyKind::output_failed, *item), e.time);
      return;
    case EventKind::read_error:
      if (e.reader) apply_read_error(e);
      return;
    case EventKind::access_granted:
    case EventKind::access_denied:
      if (e.reader) apply_reader_ok(e);
      return;
    case EventKind::inspection_finding: {
      if (attr_text(e.attrs, "result") != "deficiency") return;
      Deficiency& d = open_new(e, DeficiencyKind::finding, attr_text(e.attrs, "item").value_or(""));
      active_.erase(key_of(DeficiencyKind::finding, d.item));  // findings close only by a fix
      d.note = attr_text(e.attrs, "note").value_or("");
      d.unit = attr_text(e.attrs, "unit").value_or("");
      d.found_by = attr_text(e.attrs, "operator").value_or("");
      if (auto due = attr_text(e.attrs, "due")) d.due = parse_date(*due);
      d.inspection = static_cast<std::uint64_t>(attr_int(e.attrs, "inspection").value_or(0));
      return;
    }
    case EventKind::deficiency_fixed:
    case EventKind::deficiency_overdue: {
      const auto id = attr_int(e.attrs, "deficiency");
      auto it = id ? all_.find(static_cast<std::uint64_t>(*id)) : all_.end();
      if (it == all_.end()) return;
      Deficiency& d = it->second;
      if (e.kind == EventKind::deficiency_overdue) {
        d.overdue_raised = true;
        return;
      }
      if (!d.open()) return;
      d.fixed = e.time;
      d.fixed_by = attr_text(e.attrs, "operator").value_or("");
      d.fix_note = attr_text(e.attrs, "note").value_or("");
      std::erase_if(active_, [&](const auto& kv) { return kv.second == d.id; });
      return;
    }
    default:
      return;
  }
}

std::vector<Deficiency> DeficiencyBook::list() const {
  std::vector<Deficiency> out;
  out.reserve(all_.size());
  for (const auto& [id, d] : all_) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [](const Deficiency& a, const Deficiency& b) {
    if (a.open() != b.open()) return a.open();
    return a.started < b.started;
  });
  return out;
}

const Deficiency* DeficiencyBook::find(std::uint64_t id) const {
  auto it = all_.find(id);
  return it == all_.end() ? nullptr : &it->second;
}

std::vector<Deficiency> DeficiencyBook::overdue(TimePoint now, const TimeZone& tz) const {
  std::vector<Deficiency> out;
  for (const auto& [id, d] : all_) {
    if (!d.open() || !d.due || d.overdue_raised) continue;
    // Due on a day means fixed by the end of that day, site local time.
    if (now >= tz.start_of(*d.due + 1)) out.push_back(d);
  }
  return out;
}

const std::vector<EventKind>& deficiency_event_kinds() {
  static const std::vector<EventKind> kinds{EventKind::device_offline,
                                            EventKind::device_online,
                                            EventKind::line_tamper,
                                            EventKind::line_restored,
                                            EventKind::alarm_tamper,
                                            EventKind::door_forced,
                                            EventKind::door_closed,
                                            EventKind::door_held_open,
                                            EventKind::door_held_open_cleared,
                                            EventKind::output_failed,
                                            EventKind::door_unlocked,
                                            EventKind::door_relocked,
                                            EventKind::door_released,
                                            EventKind::read_error,
                                            EventKind::access_granted,
                                            EventKind::access_denied,
                                            EventKind::inspection_finding,
                                            EventKind::deficiency_fixed,
                                            EventKind::deficiency_overdue};
  return kinds;
}

const std::vector<EventKind>& overdue_event_kinds() {
  static const std::vector<EventKind> kinds{
      EventKind::inspection_finding, EventKind::deficiency_fixed, EventKind::deficiency_overdue};
  return kinds;
}

Event overdue_event(const Deficiency& d, TimePoint now) {
  Event e;
  e.kind = EventKind::deficiency_overdue;
  e.time = now;
  e.zone = d.zone;
  set_attr(e.attrs, "deficiency", static_cast<std::int64_t>(d.id));
  set_attr(e.attrs, "item", d.item);
  if (d.due) set_attr(e.attrs, "due", format_date(*d.due));
  if (!d.unit.empty()) set_attr(e.attrs, "unit", d.unit);
  e.detail = d.note;
  return e;
}

}  // namespace vigil::core
