#include "vigil/core/controller.hpp"

#include "vigil/core/policy.hpp"

namespace vigil::core {

Controller::Controller(const Site& site, const PeopleDirectory& people)
    : site_(site), people_(people) {
  doors_.reserve(site.doors.size());
  for (const auto& door : site.doors) {
    door_index_.emplace(door.id, doors_.size());
    contact_index_.emplace(door.contact, doors_.size());
    if (door.rex) rex_index_.emplace(*door.rex, doors_.size());
    doors_.emplace_back(door);
  }
}

Effects Controller::handle(const Input& input) {
  return std::visit([this](const auto& in) { return on(in); }, input);
}

Effects Controller::on(const PointChanged& in) {
  Effects out;
  if (auto it = contact_index_.find(in.point); it != contact_index_.end()) {
    doors_[it->second].contact(in.value, in.time, out);
  } else if (auto rit = rex_index_.find(in.point); rit != rex_index_.end()) {
    // REX acts on the press, not the release.
    if (in.value) doors_[rit->second].rex(in.time, out);
  }
  return out;
}

Effects Controller::on(const CardPresented& in) {
  Effects out;
  const Decision d = decide(site_, people_, in.card, in.reader, in.time);
  Event e;
  e.time = in.time;
  e.kind = d.granted ? EventKind::access_granted : EventKind::access_denied;
  e.reason = d.reason;
  e.reader = in.reader;
  e.card = in.card;
  if (d.zone) e.zone = *d.zone;
  if (d.door) e.door = d.door->id;
  if (d.person) e.person = d.person->id;
  e.detail = in.format;
  out.events.push_back(e);
  if (d.granted && d.door) {
    doors_[door_index_.at(d.door->id)].grant(d.person->id, *d.zone, in.reader, in.time, out);
  }
  return out;
}

Effects Controller::on(const ReadFailed& in) {
  Effects out;
  Event e;
  e.time = in.time;
  e.kind = EventKind::read_error;
  e.reader = in.reader;
  if (const Reader* r = site_.find_reader(in.reader)) e.door = r->door;
  e.detail = in.check_failed + " bits=" + std::to_string(in.bit_count) + " raw=" + in.raw_bits;
  out.events.push_back(std::move(e));
  return out;
}

Effects Controller::on(const DeviceStatusChanged& in) {
  Effects out;
  Event e;
  e.time = in.time;
  e.kind = in.online ? EventKind::device_online : EventKind::device_offline;
  e.device = in.device;
  e.detail = in.detail;
  out.events.push_back(std::move(e));
  return out;
}

Effects Controller::on(const OutputResult&) {
  return {};
}

Effects Controller::on(const ClockTick&) {
  return {};
}

Effects Controller::advance(TimePoint now) {
  Effects out;
  for (auto& door : doors_) door.advance(now, out);
  return out;
}

std::optional<TimePoint> Controller::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& door : doors_) {
    auto t = door.next_deadline();
    if (t && (!next || *t < *next)) next = t;
  }
  return next;
}

const DoorStateMachine* Controller::door(const DoorId& id) const {
  auto it = door_index_.find(id);
  return it == door_index_.end() ? nullptr : &doors_[it->second];
}

}  // namespace vigil::core
