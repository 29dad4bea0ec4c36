// Visits and escorts (issue 8, item 6): a visitor who badged first waits
// for the escort; the escort's badge at the same door within the window
// lets both through on one opening, or refuses the visitor when the escort
// is not authorised. The window passing without an escort refuses too.
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

Event visitor_event(const WaitingVisitor& w, const DoorId& door, Moment at, EventKind kind) {
  Event e;
  e.time = at.wall;
  e.mono = at.mono;
  e.kind = kind;
  e.reader = w.reader;
  e.card = w.card;
  e.zone = w.zone;
  e.door = door;
  e.person = w.visitor;
  e.detail = w.format;
  set_attr(e.attrs, "visit", w.visit);
  return e;
}

}  // namespace

void Controller::refuse_visitor(const DoorId& door, const WaitingVisitor& w, DenyReason reason,
                                const std::optional<PersonId>& escort, Moment at, Effects& out) {
  Event e = visitor_event(w, door, at, EventKind::access_denied);
  e.reason = reason;
  if (escort) set_attr(e.attrs, "escort", escort->str());
  out.events.push_back(std::move(e));
}

void Controller::await_escort(const CardPresented& in, const Decision& d, Effects& out) {
  const DoorId& door = d.door->id;
  const Moment at{in.time, in.mono};
  // Someone waits already: a visitor's badge is no escort for them.
  if (const WaitingVisitor* other = access_state_.escorts.visitor(door, in.mono);
      other != nullptr && other->visitor != d.person->id()) {
    const WaitingVisitor refused = *other;
    access_state_.escorts.clear_visitor(door);
    refuse_visitor(door, refused, DenyReason::escort_is_visitor, d.person->id(), at, out);
  }
  WaitingVisitor w{.visitor = d.person->id(),
                   .visit = attr_int(d.attrs, "visit").value_or(0),
                   .reader = in.reader,
                   .card = in.card,
                   .zone = *d.zone,
                   .format = in.format,
                   .mono = in.mono,
                   .wall = in.time,
                   .window = site_->escort_window_for(*d.zone)};
  Event e = visitor_event(w, door, at, EventKind::escort_waiting);
  e.attrs = d.attrs;
  out.events.push_back(std::move(e));
  access_state_.escorts.wait(door, std::move(w));
}

std::optional<PersonId> Controller::escort_badged(const PersonId& person, const DoorId& door,
                                                  bool granted, bool can_pass_visitor, Moment at,
                                                  Effects& out) {
  access_state_.escorts.badge(door, EscortBadge{person, granted, at.mono, at.wall});
  const WaitingVisitor* waiting = access_state_.escorts.visitor(door, at.mono);
  if (waiting == nullptr || waiting->visitor == person) return std::nullopt;
  if (granted && !can_pass_visitor) return std::nullopt;  // the visitor waits on
  const WaitingVisitor w = *waiting;
  access_state_.escorts.clear_visitor(door);
  if (!granted) {
    refuse_visitor(door, w, DenyReason::escort_not_authorised, person, at, out);
    return std::nullopt;
  }
  Event e = visitor_event(w, door, at, EventKind::access_granted);
  set_attr(e.attrs, "escort", person.str());
  out.events.push_back(std::move(e));
  return w.visitor;
}

void Controller::expire_escorts(Moment now, Effects& out) {
  if (now.mono == MonoTime{}) return;
  for (const auto& [door, w] : access_state_.escorts.expire(now.mono)) {
    refuse_visitor(door, w, DenyReason::escort_missing, std::nullopt, now, out);
  }
}

}  // namespace vigil::core
