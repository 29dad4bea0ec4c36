// Two-person rule (issue 8, rule 5): the first of two waits at the door; a
// person left alone inside a two-person zone raises an incident.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "vigil/core/controller.hpp"

namespace vigil::core {

void Controller::await_second_person(const CardPresented& in, const Decision& d, Effects& out) {
  access_state_.two_person.wait(d.door->id,
                                FirstBadge{d.person->id(), in.reader, in.mono, in.time});
  Event e;
  e.time = in.time;
  e.mono = in.mono;
  e.kind = EventKind::two_person_waiting;
  e.reader = in.reader;
  e.card = in.card;
  e.zone = *d.zone;
  e.door = d.door->id;
  e.person = d.person->id();
  e.detail = in.format;
  e.attrs = d.attrs;
  if (!options_.mono_clock_id.empty()) {
    // What a restarted vigild needs to measure the window on the same
    // steady clock (restore_two_person_waits).
    set_attr(e.attrs, "mono_clock", options_.mono_clock_id);
    set_attr(e.attrs, "mono_us", static_cast<std::int64_t>(in.mono.time_since_epoch().count()));
  }
  out.events.push_back(std::move(e));
}

void Controller::restore_two_person_waits(const std::vector<Event>& events, Moment now) {
  std::unordered_map<DoorId, std::optional<FirstBadge>> last;
  for (const auto& e : events) {
    if (!e.door) continue;
    if (e.kind == EventKind::two_person_waiting) {
      // A later wait replaces an earlier one, as it did live; one that
      // cannot be placed on this clock replaces it with nothing.
      std::optional<FirstBadge>& slot = last[*e.door];
      slot.reset();
      const auto clock = attr_text(e.attrs, "mono_clock");
      const auto mono = attr_int(e.attrs, "mono_us");
      if (!e.person || !e.reader || !clock || !mono || options_.mono_clock_id.empty() ||
          *clock != options_.mono_clock_id) {
        continue;
      }
      slot = FirstBadge{*e.person, *e.reader, MonoTime{Duration{*mono}}, e.time};
    } else if (e.kind == EventKind::access_granted && find_attr(e.attrs, "two_person_with")) {
      last[*e.door].reset();  // the pair completed: nobody waits
    }
  }
  for (auto& [door, first] : last) {
    // A wait "after" now is not on this clock after all: drop it. The
    // window itself is checked at the second read, on the same clock.
    if (!first || first->mono > now.mono || door_index_.find(door) == door_index_.end()) continue;
    access_state_.two_person.wait(door, *first);
  }
}

// `entry` moved its person out of `before.zone`. Every two-person zone that
// held them (the zone itself or one around it) and that they have now left
// is checked: exactly one person still inside is alone.
void Controller::watch_two_person_zones(const Event& entry, const std::optional<Presence>& before,
                                        std::vector<Event>& raised) const {
  for (const Zone* zone = site_->find_zone(before->zone); zone != nullptr;
       zone = zone->parent ? site_->find_zone(*zone->parent) : nullptr) {
    if (!zone->two_person_window) continue;
    if (zone_within(*site_, *entry.zone, zone->id)) continue;  // still inside it
    if (access_state_.occupancy.count(*site_, zone->id) != 1) continue;
    // Who is left: the one person whose zone lies within this one.
    std::optional<PersonId> alone;
    for (const auto& z : site_->zones) {
      if (!zone_within(*site_, z.id, zone->id)) continue;
      const auto here = access_state_.occupancy.in_zone(z.id);
      if (!here.empty()) alone = here.front().first;
    }
    Event e;
    e.time = entry.time;
    e.mono = entry.mono;
    e.kind = EventKind::two_person_alone;
    e.zone = zone->id;
    e.person = alone;
    e.door = entry.door;
    set_attr(e.attrs, "left", entry.person->str());
    raised.push_back(std::move(e));
  }
}

}  // namespace vigil::core
