// Printable names of the core's enums. These strings are stored in the
// journal and sent over MQTT: add new names, never change existing ones.
#include <array>
#include <string>
#include <utility>

#include "vigil/core/card.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {
namespace {

constexpr std::array kEventKindNames{
    std::pair{EventKind::access_granted, "access_granted"},
    std::pair{EventKind::access_denied, "access_denied"},
    std::pair{EventKind::entry, "entry"},
    std::pair{EventKind::door_unlocked, "door_unlocked"},
    std::pair{EventKind::door_opened, "door_opened"},
    std::pair{EventKind::door_closed, "door_closed"},
    std::pair{EventKind::door_relocked, "door_relocked"},
    std::pair{EventKind::door_forced, "door_forced"},
    std::pair{EventKind::door_held_open, "door_held_open"},
    std::pair{EventKind::door_held_open_cleared, "door_held_open_cleared"},
    std::pair{EventKind::rex_pressed, "rex_pressed"},
    std::pair{EventKind::read_error, "read_error"},
    std::pair{EventKind::device_offline, "device_offline"},
    std::pair{EventKind::device_online, "device_online"},
    std::pair{EventKind::daemon_started, "daemon_started"},
    std::pair{EventKind::daemon_stopped, "daemon_stopped"},
    std::pair{EventKind::door_released, "door_released"},
    std::pair{EventKind::output_failed, "output_failed"},
    std::pair{EventKind::rex_stuck, "rex_stuck"},
    std::pair{EventKind::rex_released, "rex_released"},
    std::pair{EventKind::door_open_at_start, "door_open_at_start"},
    std::pair{EventKind::clock_jump, "clock_jump"},
    std::pair{EventKind::journal_integrity, "journal_integrity"},
    std::pair{EventKind::checkpoint, "checkpoint"},
    std::pair{EventKind::journal_failing, "journal_failing"},
    std::pair{EventKind::journal_recovered, "journal_recovered"},
    std::pair{EventKind::roster_imported, "roster_imported"},
    std::pair{EventKind::person_added, "person_added"},
    std::pair{EventKind::person_changed, "person_changed"},
    std::pair{EventKind::person_deactivated, "person_deactivated"},
    std::pair{EventKind::person_activated, "person_activated"},
    std::pair{EventKind::credential_added, "credential_added"},
    std::pair{EventKind::credential_revoked, "credential_revoked"},
    std::pair{EventKind::roster_reloaded, "roster_reloaded"},
};

constexpr std::array kDenyReasonNames{
    std::pair{DenyReason::none, "none"},
    std::pair{DenyReason::unknown_card, "unknown_card"},
    std::pair{DenyReason::inactive_credential, "inactive_credential"},
    std::pair{DenyReason::no_access_level, "no_access_level"},
    std::pair{DenyReason::outside_schedule, "outside_schedule"},
    std::pair{DenyReason::unknown_reader, "unknown_reader"},
    std::pair{DenyReason::no_cache, "no_cache"},
    std::pair{DenyReason::no_time, "no_time"},
};

template <class Table, class E>
const char* name_of(const Table& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}

template <class E, class Table>
std::optional<E> value_of(const Table& table, std::string_view s) {
  for (const auto& [v, name] : table)
    if (s == name) return v;
  return std::nullopt;
}

}  // namespace

const char* to_string(EventKind kind) {
  return name_of(kEventKindNames, kind);
}
const char* to_string(DenyReason reason) {
  return name_of(kDenyReasonNames, reason);
}
std::optional<EventKind> event_kind_from_string(std::string_view s) {
  return value_of<EventKind>(kEventKindNames, s);
}
std::optional<DenyReason> deny_reason_from_string(std::string_view s) {
  return value_of<DenyReason>(kDenyReasonNames, s);
}

const char* to_string(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::door_forced:
      return "door_forced";
    case IncidentKind::door_held_open:
      return "door_held_open";
    case IncidentKind::device_offline:
      return "device_offline";
    case IncidentKind::repeated_denials:
      return "repeated_denials";
    case IncidentKind::lock_failure:
      return "lock_failure";
    case IncidentKind::rex_stuck:
      return "rex_stuck";
    case IncidentKind::door_open_at_start:
      return "door_open_at_start";
    case IncidentKind::clock_jump:
      return "clock_jump";
    case IncidentKind::journal_integrity:
      return "journal_integrity";
    case IncidentKind::journal_failing:
      return "journal_failing";
  }
  return "unknown";
}

const char* to_string(Severity s) {
  switch (s) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::major:
      return "major";
    case Severity::critical:
      return "critical";
  }
  return "unknown";
}

const char* to_string(PointKind kind) {
  switch (kind) {
    case PointKind::coil:
      return "coil";
    case PointKind::discrete_input:
      return "input";
    case PointKind::gpio_line:
      return "line";
  }
  return "unknown";
}

std::string to_string(const PointRef& p) {
  return p.device.str() + "/" + to_string(p.kind) + "/" + std::to_string(p.index);
}

std::string to_string(const CardNumber& card) {
  return std::to_string(card.facility) + ":" + std::to_string(card.number);
}

std::string describe(const Event& e) {
  std::string out = format_utc(e.time);
  if (e.seq != 0) out += " #" + std::to_string(e.seq);
  out += ' ';
  out += to_string(e.kind);
  if (e.reason != DenyReason::none) out += std::string(" reason=") + to_string(e.reason);
  auto field = [&out](const char* name, const auto& value) {
    if (value) out += std::string(" ") + name + "=" + value->str();
  };
  field("door", e.door);
  field("reader", e.reader);
  field("zone", e.zone);
  field("person", e.person);
  field("device", e.device);
  if (e.card) out += " card=" + to_string(*e.card);
  if (!e.attrs.empty()) out += " " + describe(e.attrs);
  if (!e.detail.empty()) out += " (" + e.detail + ")";
  return out;
}

const char* to_string(FailMode m) {
  return m == FailMode::secure ? "secure" : "safe";
}

const char* to_string(Direction d) {
  return d == Direction::in ? "in" : "out";
}

}  // namespace vigil::core
