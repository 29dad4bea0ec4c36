#include "vigil/core/controller.hpp"

#include "vigil/core/policy.hpp"

namespace vigil::core {

Controller::Controller(const Site& site, const PeopleDirectory& people, ControllerOptions options)
    : site_(&site), people_(people), options_(options) {
  access_state_.pin_lockout = PinLockout(site.pin.lockout);
  doors_.reserve(site.doors.size());
  for (const auto& door : site.doors) {
    door_index_.emplace(door.id, doors_.size());
    contact_index_.emplace(door.contact, doors_.size());
    if (door.rex) rex_index_.emplace(*door.rex, doors_.size());
    lock_index_.emplace(door.lock, doors_.size());
    doors_.emplace_back(door);
    if (door.mode == DoorMode::unlocked) has_door_schedules_ = true;
  }
}

Effects Controller::start(TimePoint wall, MonoTime mono) {
  Effects out;
  const Moment now{wall, mono};
  observe(now, out);
  for (auto& door : doors_) door.start(now, out);
  started_ = true;
  apply_door_schedules(now, out);
  return out;
}

Effects Controller::safe_state(std::string cause, TimePoint wall, MonoTime mono) {
  Effects out;
  const Moment now{wall, mono};
  started_ = false;
  observe(now, out);
  for (auto& door : doors_) door.safe_state(cause, now, out);
  return out;
}

std::size_t Controller::pending_outputs() const {
  std::size_t n = 0;
  for (const auto& door : doors_) n += door.output_pending() ? 1 : 0;
  return n;
}

Effects Controller::handle(const Input& input) {
  // decide() finds who is inside by directory position: index them for the
  // directory in use (a no-op unless a roster reload or a restore changed it).
  access_state_.occupancy.follow(people_);
  Effects out = std::visit([this](const auto& in) { return on(in); }, input);
  // A granted person who passed is now inside (anti-passback, occupancy).
  std::vector<Event> raised;
  for (const auto& e : out.events) {
    std::optional<Presence> before;
    if (e.kind == EventKind::entry && e.person) {
      if (const Presence* p = access_state_.occupancy.where(*e.person)) before = *p;
    }
    access_state_.occupancy.observe(e, &people_);
    if (before && e.zone) watch_two_person_zones(e, before, raised);
  }
  for (auto& e : raised) out.events.push_back(std::move(e));
  return out;
}

Effects Controller::advance(TimePoint wall, MonoTime mono) {
  return handle(ClockTick{wall, mono});
}

void Controller::observe(Moment now, Effects& out) {
  // An input without a monotonic stamp says nothing about the clocks.
  if (now.mono != MonoTime{}) {
    const Duration offset = now.wall.time_since_epoch() - now.mono.time_since_epoch();
    if (clock_offset_) {
      const Duration step = offset - *clock_offset_;
      if (step > options_.clock_jump_threshold || -step > options_.clock_jump_threshold) {
        const TimePoint expected = now.wall - step;
        Event e;
        e.kind = EventKind::clock_jump;
        e.time = now.wall;
        e.mono = now.mono;
        set_attr(e.attrs, "old", to_unix_micros(expected));
        set_attr(e.attrs, "new", to_unix_micros(now.wall));
        set_attr(e.attrs, "delta_us", static_cast<std::int64_t>(step.count()));
        out.events.push_back(std::move(e));
      }
    }
    // Follow slow drift (NTP slewing) too, so it never adds up to a "jump".
    clock_offset_ = offset;
  }
  for (auto& door : doors_) door.advance(now, out);
  expire_pins(now, out);
  expire_escorts(now, out);
  apply_door_schedules(now, out);
}

Effects Controller::on(const PointChanged& in) {
  Effects out;
  const Moment at{in.time, in.mono};
  observe(at, out);
  if (auto it = contact_index_.find(in.point); it != contact_index_.end()) {
    doors_[it->second].contact(in.value, at, in.initial, out);
  } else if (auto rit = rex_index_.find(in.point); rit != rex_index_.end()) {
    doors_[rit->second].rex(in.value, at, in.initial, out);
  }
  return out;
}

Effects Controller::on(const CardPresented& in) {
  Effects out;
  const Moment at{in.time, in.mono};
  observe(at, out);
  Decision d =
      decide(*site_, people_, access_state_, AccessRequest{in.card, in.reader, in.time, in.mono});
  if (d.outcome == Outcome::wait_for_pin) {
    await_pin(in, d, at, out);
    return out;
  }
  if (d.outcome == Outcome::wait_for_second_person) {
    await_second_person(in, d, out);
    return out;
  }
  if (d.outcome == Outcome::wait_for_escort) {
    await_escort(in, d, out);
    return out;
  }
  Event e;
  e.time = in.time;
  e.mono = in.mono;
  e.kind = d.granted() ? EventKind::access_granted : EventKind::access_denied;
  e.reason = d.reason;
  e.reader = in.reader;
  e.card = in.card;
  if (d.zone) e.zone = *d.zone;
  if (d.door) e.door = d.door->id;
  if (d.person) e.person = d.person->id();
  e.detail = in.format;
  e.attrs = std::move(d.attrs);
  out.events.push_back(std::move(e));
  // The second of a two-person pair: both pass on this opening.
  std::optional<PersonId> companion;
  if (const auto* with = find_attr(out.events.back().attrs, "two_person_with");
      with && d.granted() && d.door) {
    companion = PersonId(std::get<std::string>(*with));
    access_state_.two_person.clear(d.door->id);
  }
  // Anyone but a visitor badging at a door is the escort a visitor there
  // waits for (or is about to badge for): a visitor waiting now passes with
  // them on this opening.
  if (d.person && d.door && people_.visits_at(d.position) == nullptr) {
    if (auto visitor = escort_badged(d.person->id(), d.door->id, d.granted(),
                                     !companion.has_value(), at, out)) {
      companion = visitor;
    }
  }
  if (d.granted() && d.door) {
    doors_[door_index_.at(d.door->id)].grant(d.person->id(), *d.zone, in.reader, at, out,
                                             companion);
  }
  return out;
}

Effects Controller::on(const ReadFailed& in) {
  Effects out;
  observe({in.time, in.mono}, out);
  Event e;
  e.time = in.time;
  e.mono = in.mono;
  e.kind = EventKind::read_error;
  e.reader = in.reader;
  if (const Reader* r = site_->find_reader(in.reader)) e.door = r->door;
  e.detail = in.check_failed + " bits=" + std::to_string(in.bit_count) + " raw=" + in.raw_bits;
  out.events.push_back(std::move(e));
  return out;
}

Effects Controller::on(const DeviceStatusChanged& in) {
  Effects out;
  observe({in.time, in.mono}, out);
  Event e;
  e.time = in.time;
  e.mono = in.mono;
  e.kind = in.online ? EventKind::device_online : EventKind::device_offline;
  if (in.online) {
    offline_devices_.erase(in.device);
  } else {
    offline_devices_.insert(in.device);
  }
  e.device = in.device;
  e.detail = in.detail;
  out.events.push_back(std::move(e));
  return out;
}

Effects Controller::on(const OutputResult& in) {
  Effects out;
  observe({in.time, in.mono}, out);
  if (auto it = lock_index_.find(in.point); it != lock_index_.end())
    doors_[it->second].output_result(in, out);
  return out;
}

Effects Controller::on(const ClockTick& in) {
  Effects out;
  observe({in.time, in.mono}, out);
  return out;
}

// Recorded as the board decided it, with the person and door the site says
// the card and reader belong to; the door state machine is left alone: the
// board drove its own lock, and the unlock it gave may be long over.
Effects Controller::on(const OfflineDecision& in) {
  Effects out;
  observe({in.received, in.mono}, out);
  Event e;
  e.time = in.time;
  e.mono = in.mono;
  e.kind = in.granted ? EventKind::access_granted : EventKind::access_denied;
  e.reason = in.reason;
  e.reader = in.reader;
  e.card = in.card;
  e.device = in.device;
  if (const Reader* r = site_->find_reader(in.reader)) {
    e.door = r->door;
    e.zone = site_->target_zone(*r);
  }
  if (auto holder = people_.find_card(in.card)) e.person = holder->person.id();
  set_attr(e.attrs, "offline", true);
  set_attr(e.attrs, "board_session", static_cast<std::int64_t>(in.board_session));
  set_attr(e.attrs, "board_seq", static_cast<std::int64_t>(in.board_seq));
  set_attr(e.attrs, "board_had_time", in.board_had_time);
  set_attr(e.attrs, "received", to_unix_micros(in.received));
  if (in.dropped_before > 0)
    set_attr(e.attrs, "dropped_before", static_cast<std::int64_t>(in.dropped_before));
  out.events.push_back(std::move(e));
  return out;
}

std::optional<MonoTime> Controller::next_deadline() const {
  std::optional<MonoTime> next;
  for (const auto& door : doors_) {
    auto t = door.next_deadline();
    if (t && (!next || *t < *next)) next = t;
  }
  if (auto t = next_pin_deadline(); t && (!next || *t < *next)) next = t;
  if (auto t = next_schedule_check(); t && (!next || *t < *next)) next = t;
  if (auto t = access_state_.escorts.next_expiry(); t && (!next || *t < *next)) next = t;
  return next;
}

const DoorStateMachine* Controller::door(const DoorId& id) const {
  auto it = door_index_.find(id);
  return it == door_index_.end() ? nullptr : &doors_[it->second];
}

}  // namespace vigil::core
