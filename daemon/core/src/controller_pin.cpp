// Card + PIN doors (issue 8): the card was accepted (decide() answered
// wait_for_pin); the keys typed on the same reader's keypad make a PIN, the
// shell checks it against the holder's hash off the loop (PinCheck), and
// its verdict (PinChecked) grants, grants with a silent alarm (duress) or
// refuses. Every way a session ends is one journalled access event.
#include <algorithm>

#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

std::int64_t seconds_until(MonoTime until, MonoTime now) {
  return std::chrono::ceil<std::chrono::seconds>(until - now).count();
}

}  // namespace

void Controller::await_pin(const CardPresented& in, const Decision& d, Moment at, Effects& out) {
  // A new card at a reader with a session in progress ends that session:
  // the first person walked away, and the keys from now on are the new one's.
  if (pin_sessions_.contains(in.reader)) {
    Attrs attrs;
    set_attr(attrs, "pin", std::string{"abandoned"});
    finish_pin(in.reader, DenyReason::pin_timeout, std::move(attrs), at, out);
  }
  PinSession session{.attempt = next_pin_attempt_++,
                     .card = in.card,
                     .format = in.format,
                     .person = d.person->id(),
                     .door = d.door->id,
                     .zone = *d.zone,
                     .attrs = d.attrs,
                     .expires = in.mono + site_->pin.entry_time,
                     .entry = PinEntry(site_->pin.entry),
                     .checking = false};
  pin_sessions_.insert_or_assign(in.reader, std::move(session));
}

Effects Controller::on(const KeyPressed& in) {
  Effects out;
  const Moment at{in.time, in.mono};
  observe(at, out);  // a session past its time ends before this key
  auto it = pin_sessions_.find(in.reader);
  // Keys with no card first, or while the PIN is being checked, do nothing:
  // a PIN alone opens no door here.
  if (it == pin_sessions_.end() || it->second.checking) return out;
  PinSession& session = it->second;
  const PinEntryStep step = session.entry.on_key(in.key, in.mono);
  Attrs attrs;
  switch (step.status) {
    case PinEntryStatus::submitted: {
      const PinHash* stored = people_.pin_of(session.person);
      if (stored == nullptr) {  // removed by a roster change while typing
        finish_pin(in.reader, DenyReason::pin_not_enrolled, {}, at, out);
        return out;
      }
      session.checking = true;
      out.pin_checks.push_back(
          PinCheck{in.reader, session.attempt, session.person, *step.pin, *stored});
      return out;
    }
    case PinEntryStatus::too_short:
    case PinEntryStatus::too_long: {
      // Counted as a wrong PIN without hashing: a guesser gains nothing by
      // typing the wrong number of digits.
      const auto result =
          access_state_.pin_lockout.record(session.person, PinVerdict::wrong, in.mono);
      set_attr(attrs, "pin", std::string{to_string(step.status)});
      if (result == PinAttemptResult::refused_locked) {
        finish_pin(in.reader, DenyReason::pin_locked, std::move(attrs), at, out);
        return out;
      }
      set_attr(
          attrs, "pin_failures",
          static_cast<std::int64_t>(access_state_.pin_lockout.failures(session.person, in.mono)));
      if (result == PinAttemptResult::wrong_now_locked) {
        set_attr(attrs, "pin_locked_now", true);
        const auto until = access_state_.pin_lockout.locked_until(session.person, in.mono);
        if (until) set_attr(attrs, "locked_for_s", seconds_until(*until, in.mono));
      }
      finish_pin(in.reader, DenyReason::pin_wrong, std::move(attrs), at, out);
      return out;
    }
    default:
      return out;  // collecting, cleared, ignored
  }
}

Effects Controller::on(const PinChecked& in) {
  Effects out;
  const Moment at{in.time, in.mono};
  observe(at, out);
  auto it = pin_sessions_.find(in.reader);
  // A verdict for a session that has since ended (a new card replaced it)
  // changes nothing, and is not counted.
  if (it == pin_sessions_.end() || it->second.attempt != in.attempt || !it->second.checking) {
    return out;
  }
  const PersonId person = it->second.person;
  const auto result = access_state_.pin_lockout.record(person, in.verdict, in.mono);
  Attrs attrs;
  switch (result) {
    case PinAttemptResult::granted:
      set_attr(attrs, "pin", std::string{"ok"});
      finish_pin(in.reader, DenyReason::none, std::move(attrs), at, out);
      break;
    case PinAttemptResult::granted_duress:
      // Opens exactly as the right PIN does (whoever forces the holder sees
      // nothing); the event's duress attr raises the silent alarm.
      set_attr(attrs, "pin", std::string{"ok"});
      set_attr(attrs, "duress", true);
      finish_pin(in.reader, DenyReason::none, std::move(attrs), at, out);
      break;
    case PinAttemptResult::wrong:
    case PinAttemptResult::wrong_now_locked:
      set_attr(attrs, "pin", std::string{"wrong"});
      set_attr(attrs, "pin_failures",
               static_cast<std::int64_t>(access_state_.pin_lockout.failures(person, in.mono)));
      if (result == PinAttemptResult::wrong_now_locked) {
        set_attr(attrs, "pin_locked_now", true);
        const auto until = access_state_.pin_lockout.locked_until(person, in.mono);
        if (until) set_attr(attrs, "locked_for_s", seconds_until(*until, in.mono));
      }
      finish_pin(in.reader, DenyReason::pin_wrong, std::move(attrs), at, out);
      break;
    case PinAttemptResult::refused_locked:
      set_attr(attrs, "pin", std::string{"locked"});
      finish_pin(in.reader, DenyReason::pin_locked, std::move(attrs), at, out);
      break;
  }
  return out;
}

void Controller::expire_pins(Moment now, Effects& out) {
  if (pin_sessions_.empty() || now.mono == MonoTime{}) return;
  std::vector<std::pair<ReaderId, const char*>> ended;
  for (auto& [reader, session] : pin_sessions_) {
    if (session.checking) continue;  // the verifier always answers
    if (session.entry.poll(now.mono)) {
      ended.emplace_back(reader, "key_timeout");
    } else if (now.mono >= session.expires) {
      ended.emplace_back(reader, "timeout");
    }
  }
  // In reader order, so a replay journals them in the same order.
  std::sort(ended.begin(), ended.end(),
            [](const auto& a, const auto& b) { return a.first.str() < b.first.str(); });
  for (const auto& [reader, why] : ended) {
    Attrs attrs;
    set_attr(attrs, "pin", std::string{why});
    finish_pin(reader, DenyReason::pin_timeout, std::move(attrs), now, out);
  }
}

std::optional<MonoTime> Controller::next_pin_deadline() const {
  std::optional<MonoTime> next;
  for (const auto& [reader, session] : pin_sessions_) {
    if (session.checking) continue;
    MonoTime t = session.expires;
    if (auto key = session.entry.deadline(); key && *key < t) t = *key;
    if (!next || t < *next) next = t;
  }
  return next;
}

void Controller::restore_pin_lockout(const std::vector<Event>& verdicts, Moment now) {
  for (const auto& e : verdicts) {
    if (!e.person || e.time > now.wall) continue;
    const MonoTime at = now.mono - (now.wall - e.time);
    if (e.kind == EventKind::access_denied && e.reason == DenyReason::pin_wrong) {
      access_state_.pin_lockout.record(*e.person, PinVerdict::wrong, at);
    } else if (e.kind == EventKind::access_granted && attr_text(e.attrs, "pin") == "ok") {
      access_state_.pin_lockout.record(*e.person, PinVerdict::match, at);
    }
  }
}

void Controller::finish_pin(const ReaderId& reader, DenyReason reason, Attrs attrs, Moment at,
                            Effects& out) {
  auto it = pin_sessions_.find(reader);
  if (it == pin_sessions_.end()) return;
  PinSession session = std::move(it->second);
  pin_sessions_.erase(it);
  const bool granted = reason == DenyReason::none;
  Event e;
  e.time = at.wall;
  e.mono = at.mono;
  e.kind = granted ? EventKind::access_granted : EventKind::access_denied;
  e.reason = reason;
  e.reader = reader;
  e.card = session.card;
  e.zone = session.zone;
  e.door = session.door;
  e.person = session.person;
  e.detail = session.format;
  e.attrs = std::move(session.attrs);
  for (auto& [key, value] : attrs) set_attr(e.attrs, key, std::move(value));
  std::optional<PersonId> companion;  // the first of a two-person pair
  if (const auto* with = find_attr(e.attrs, "two_person_with"); with && granted) {
    companion = PersonId(std::get<std::string>(*with));
    access_state_.two_person.clear(session.door);
  }
  out.events.push_back(std::move(e));
  // At a card + PIN door the escort's badge counts once the PIN is done.
  if (people_.visits_of(session.person) == nullptr) {
    if (auto visitor =
            escort_badged(session.person, session.door, granted, !companion.has_value(), at, out)) {
      companion = visitor;
    }
  }
  if (granted) {
    if (auto d = door_index_.find(session.door); d != door_index_.end()) {
      doors_[d->second].grant(session.person, session.zone, reader, at, out, companion);
    }
  }
}

}  // namespace vigil::core
