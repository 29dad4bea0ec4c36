// Inspections (issue 9 item 6, docs/inspections.md): an inspector walks a
// checklist generated from the site config (every door, reader, sensor,
// fire input and escape door of a zone and its nested zones, or of the whole
// site), records each item `ok` or a deficiency, and closes the inspection.
// Open deficiencies of the scope come first on the checklist, as items
// "deficiency:ID". An inspection is its journalled events: inspection_started
// (whose seq is its id; the checklist is in its attrs), one
// inspection_finding per recorded item, inspection_closed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/alarm.hpp"
#include "vigil/core/deficiency.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/fire.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

struct ChecklistItem {
  std::string item;  // "door:lobby", "reader:lobby-in", "sensor:pir", "fire_input:panel",
                     // "escape:stair-door", "deficiency:17"
  std::string what;  // one line for the inspector
};

// The zone and every zone nested in it (transitively); empty for an
// unknown zone.
std::vector<ZoneId> zone_and_nested(const Site& site, const ZoneId& zone);

// The equipment of `zone` and its nested zones (nullopt: the whole site):
// doors into or out of them and their readers, their alarm zones' sensors,
// the fire-release doors among those doors as escape points; for the whole
// site also every fire input. In config order.
std::vector<ChecklistItem> equipment_checklist(const Site& site,
                                               const std::vector<AlarmZone>& alarms,
                                               const std::optional<FireConfig>& fire,
                                               const std::optional<ZoneId>& zone);

// Whether a deficiency belongs to the scope: the whole site takes all; a
// zone takes those located in it or a nested zone.
bool in_scope(const Site& site, const Deficiency& d, const std::optional<ZoneId>& zone);

// The open deficiencies of the scope, findings of earlier inspections
// first, then automatic ones, each oldest first; then the equipment.
std::vector<ChecklistItem> inspection_checklist(const Site& site,
                                                const std::vector<AlarmZone>& alarms,
                                                const std::optional<FireConfig>& fire,
                                                const std::optional<ZoneId>& zone,
                                                const DeficiencyBook& book);

struct Finding {
  std::uint64_t seq = 0;  // also the deficiency's id when !ok
  std::string item;
  bool ok = true;
  std::string note, unit, by;
  std::optional<LocalDate> due;
  TimePoint at{};
};

struct Inspection {
  std::uint64_t id = 0;        // seq of inspection_started
  std::optional<ZoneId> zone;  // nullopt: the whole site
  std::string started_by;
  TimePoint started{};
  std::vector<std::string> items;  // the checklist as started
  std::vector<Finding> findings;   // in the order recorded; a later one for an item wins
  std::optional<TimePoint> closed;
  std::string closed_by;
  // The latest finding for `item`, if any.
  const Finding* finding(const std::string& item) const;
  std::size_t unchecked() const;
};

// Every inspection, by id, folded from the inspection_* events in seq order.
std::map<std::uint64_t, Inspection> inspections_from(const std::vector<Event>& events);
const std::vector<EventKind>& inspection_event_kinds();

// Checklist items travel in one attr, newline-separated.
std::string join_items(const std::vector<std::string>& items);
std::vector<std::string> split_items(const std::string& text);

}  // namespace vigil::core
