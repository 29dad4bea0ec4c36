// Incidents for the MQTT tests, as the core's incident rules would raise them.
#pragma once

#include <cstdint>
#include <string>

#include "vigil/core/incident.hpp"

namespace vigil::mqtt::testing {

// 2026-11-25T15:36:57.123456Z
inline core::TimePoint sample_time() {
  return core::from_unix_micros(1795621017123456);
}

inline core::Incident door_forced(std::uint64_t seq, const std::string& door = "lobby-main") {
  core::Incident i;
  i.kind = core::IncidentKind::door_forced;
  i.severity = core::Severity::major;
  i.event.seq = seq;
  i.event.time = sample_time();
  i.event.kind = core::EventKind::door_forced;
  i.event.door = core::DoorId(door);
  i.event.zone = core::ZoneId("lobby");
  i.summary = "Door " + door + " forced open";
  return i;
}

}  // namespace vigil::mqtt::testing
