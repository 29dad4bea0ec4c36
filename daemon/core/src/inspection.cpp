#include "vigil/core/inspection.hpp"

#include <algorithm>
#include <set>

namespace vigil::core {
namespace {

bool contains(const std::vector<ZoneId>& zones, const ZoneId& z) {
  return std::find(zones.begin(), zones.end(), z) != zones.end();
}

std::string deficiency_line(const Deficiency& d) {
  std::string line = std::string("open ") + to_string(d.kind) + " of " + d.item + " since " +
                     format_utc(d.started);
  if (!d.note.empty()) line += ": " + d.note;
  if (!d.unit.empty()) line += " (unit " + d.unit + ")";
  if (d.due) line += " due " + format_date(*d.due);
  return line;
}

}  // namespace

std::vector<ZoneId> zone_and_nested(const Site& site, const ZoneId& zone) {
  std::vector<ZoneId> out;
  if (!site.find_zone(zone)) return out;
  out.push_back(zone);
  // Breadth-first over parent links; a cycle (refused by the config check)
  // cannot loop here because a zone is taken once.
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const Zone& z : site.zones)
      if (z.parent == out[i] && !contains(out, z.id)) out.push_back(z.id);
  return out;
}

std::vector<ChecklistItem> equipment_checklist(const Site& site,
                                               const std::vector<AlarmZone>& alarms,
                                               const std::optional<FireConfig>& fire,
                                               const std::optional<ZoneId>& zone) {
  std::vector<ChecklistItem> out;
  const std::vector<ZoneId> zones = zone ? zone_and_nested(site, *zone) : std::vector<ZoneId>{};
  auto covers = [&](const ZoneId& z) { return !zone || contains(zones, z); };
  std::vector<DoorId> doors;
  for (const Door& door : site.doors) {
    if (!covers(door.to_zone) && !covers(door.from_zone)) continue;
    doors.push_back(door.id);
    out.push_back({"door:" + door.id.str(), "door " + door.name + " (" + door.from_zone.str() +
                                                " -> " + door.to_zone.str() +
                                                "): lock, contact, exit button"});
  }
  for (const Reader& reader : site.readers) {
    if (std::find(doors.begin(), doors.end(), reader.door) == doors.end()) continue;
    out.push_back({"reader:" + reader.id.str(), "reader at door " + reader.door.str() + " (" +
                                                    to_string(reader.direction) + ")"});
  }
  for (const AlarmZone& az : alarms) {
    if (zone && !contains(zones, az.id)) continue;
    for (const AlarmSensor& s : az.sensors)
      out.push_back({"sensor:" + s.name, std::string(to_string(s.kind)) + " sensor in alarm zone " +
                                             az.id.str() +
                                             (s.point.kind == PointKind::supervised_input
                                                  ? ", on EOL line " + to_string(s.point) +
                                                        " (cut and short are its "
                                                        "tamper)"
                                                  : "")});
  }
  if (fire) {
    if (!zone)
      for (const FireInput& in : fire->inputs)
        out.push_back({"fire_input:" + in.name, "fire input " + to_string(in.point)});
    for (const DoorId& d : fire->doors)
      if (std::find(doors.begin(), doors.end(), d) != doors.end())
        out.push_back({"escape:" + d.str(),
                       "escape door " + d.str() + ": releases on fire, signage, free path"});
  }
  return out;
}

bool in_scope(const Site& site, const Deficiency& d, const std::optional<ZoneId>& zone) {
  if (!zone) return true;
  return d.zone && contains(zone_and_nested(site, *zone), *d.zone);
}

std::vector<ChecklistItem> inspection_checklist(const Site& site,
                                                const std::vector<AlarmZone>& alarms,
                                                const std::optional<FireConfig>& fire,
                                                const std::optional<ZoneId>& zone,
                                                const DeficiencyBook& book) {
  std::vector<ChecklistItem> out;
  const auto all = book.list();
  for (bool automatic : {false, true})
    for (const Deficiency& d : all)
      if (d.open() && d.automatic() == automatic && in_scope(site, d, zone))
        out.push_back({"deficiency:" + std::to_string(d.id), deficiency_line(d)});
  for (auto& item : equipment_checklist(site, alarms, fire, zone)) out.push_back(std::move(item));
  return out;
}

const Finding* Inspection::finding(const std::string& item) const {
  for (auto it = findings.rbegin(); it != findings.rend(); ++it)
    if (it->item == item) return &*it;
  return nullptr;
}

std::size_t Inspection::unchecked() const {
  return static_cast<std::size_t>(std::count_if(
      items.begin(), items.end(), [&](const std::string& i) { return finding(i) == nullptr; }));
}

std::map<std::uint64_t, Inspection> inspections_from(const std::vector<Event>& events) {
  std::map<std::uint64_t, Inspection> out;
  for (const Event& e : events) {
    if (e.kind == EventKind::inspection_started) {
      Inspection& in = out[e.seq];
      in.id = e.seq;
      in.zone = e.zone;
      in.started = e.time;
      in.started_by = attr_text(e.attrs, "operator").value_or("");
      in.items = split_items(attr_text(e.attrs, "items").value_or(""));
      continue;
    }
    const auto id = attr_int(e.attrs, "inspection");
    auto it = id ? out.find(static_cast<std::uint64_t>(*id)) : out.end();
    if (it == out.end()) continue;
    Inspection& in = it->second;
    if (e.kind == EventKind::inspection_finding) {
      Finding f;
      f.seq = e.seq;
      f.item = attr_text(e.attrs, "item").value_or("");
      f.ok = attr_text(e.attrs, "result") != "deficiency";
      f.note = attr_text(e.attrs, "note").value_or("");
      f.unit = attr_text(e.attrs, "unit").value_or("");
      f.by = attr_text(e.attrs, "operator").value_or("");
      if (auto due = attr_text(e.attrs, "due")) f.due = parse_date(*due);
      f.at = e.time;
      in.findings.push_back(std::move(f));
    } else if (e.kind == EventKind::inspection_closed) {
      in.closed = e.time;
      in.closed_by = attr_text(e.attrs, "operator").value_or("");
    }
  }
  return out;
}

const std::vector<EventKind>& inspection_event_kinds() {
  static const std::vector<EventKind> kinds{
      EventKind::inspection_started, EventKind::inspection_finding, EventKind::inspection_closed};
  return kinds;
}

std::string join_items(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "\n") + i;
  return out;
}

std::vector<std::string> split_items(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < text.size()) {
    const auto nl = text.find('\n', from);
    const auto end = nl == std::string::npos ? text.size() : nl;
    if (end > from) out.push_back(text.substr(from, end - from));
    from = end + 1;
  }
  return out;
}

}  // namespace vigil::core
