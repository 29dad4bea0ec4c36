// The one ordered event stream. Every input the core acts on and every
// decision it takes becomes an Event; the journal, the incident rules and the
// MQTT publisher all consume the same stream. Kinds and reasons are enums that
// print by name: the names are part of the journal and MQTT formats, so never
// rename one, only add.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/core/card.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

enum class EventKind : std::uint8_t {
  access_granted,          // decide() said yes; person, reader, door, zone
  access_denied,           // decide() said no; reason, reader, card
  entry,                   // a granted person passed: door opened after a grant
  door_unlocked,           // lock released (grant or REX); person when by grant
  door_opened,             // contact opened
  door_closed,             // contact closed
  door_relocked,           // lock re-engaged
  door_forced,             // contact opened with no grant and no REX
  door_held_open,          // open longer than held-open time
  door_held_open_cleared,  // the held-open door closed
  rex_pressed,             // request-to-exit button
  read_error,              // reader sent a frame we could not trust; detail has the raw bits
  device_offline,          // I/O module or chip stopped answering
  device_online,           // ... and came back
  daemon_started,          // vigild started (detail: version)
  daemon_stopped,          // vigild stopped cleanly
};

enum class DenyReason : std::uint8_t {
  none,                 // granted
  unknown_card,         // no credential with this facility code and number
  inactive_credential,  // credential or person disabled, or outside validity dates
  no_access_level,      // none of the person's access levels covers the zone
  outside_schedule,     // a level covers the zone, but not at this time
  unknown_reader,       // the reader is not in the site config
};

const char* to_string(EventKind kind);
const char* to_string(DenyReason reason);
std::optional<EventKind> event_kind_from_string(std::string_view s);
std::optional<DenyReason> deny_reason_from_string(std::string_view s);

struct Event {
  std::uint64_t seq = 0;  // assigned by the journal when the event is appended
  TimePoint time{};
  EventKind kind = EventKind::daemon_started;
  DenyReason reason = DenyReason::none;
  std::optional<DoorId> door;
  std::optional<ReaderId> reader;
  std::optional<ZoneId> zone;
  std::optional<PersonId> person;
  std::optional<DeviceId> device;
  std::optional<CardNumber> card;
  std::string detail;  // kind-specific text, e.g. raw Wiegand bits of a read error
};

// One log line: "2026-11-25T15:36:57.123456Z #17 access_denied reason=no_access_level
// door=server-door reader=server-in zone=server-room person=p02 card=12:1002".
std::string describe(const Event& e);

}  // namespace vigil::core
