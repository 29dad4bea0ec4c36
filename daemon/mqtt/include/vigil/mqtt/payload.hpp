// MQTT payloads: versioned JSON ("v":1). Consumers must ignore fields they do
// not know; a change that breaks them raises "v". Enum values print by their
// core names (kind "door_forced", severity "major"), absent fields are left
// out rather than sent as null, and time is ISO 8601 UTC with microseconds.
//
// Incident: {"v":1, "id":"<site>/<gateway>/<seq>", "kind":"door_forced",
//   "severity":"major", "time":"2026-11-25T15:36:57.123456Z", "seq":17,
//   "event":"door_forced", "site":..., "gateway":..., "door":..., "reader":...,
//   "zone":..., "person":..., "device":..., "reason":..., "summary":..., "detail":...}
//
// "id" is unique per gateway journal and stable across resends: QoS 1 may
// deliver a message twice (a PUBACK lost in an outage), and consoles drop
// duplicates by id. The card number is never sent: it is a credential, and
// the console needs the person, not what would clone the badge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/core/ids.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::mqtt {

inline constexpr int kPayloadVersion = 1;

// degraded: running and deciding, but the journal cannot commit (the status
// carries the reason); events are held in memory until it can.
enum class GatewayState : std::uint8_t { online, offline, degraded };
const char* to_string(GatewayState state);

// "<site>/<gateway>/<seq>", or "<site>/<gateway>/<segment>/<seq>" when a
// journal segment id is given (vigild always gives one: docs/mqtt.md). A
// segment id changes at every journal integrity break, so a seq reused after
// a cut tail never repeats an id a console has already seen.
std::string incident_id(const core::SiteId& site, const core::GatewayId& gateway, std::uint64_t seq,
                        const std::string& segment = {});

// The incident message. An incident whose event is not journalled (seq 0:
// journal_failing, published from memory because the journal cannot commit)
// gets the id "<site>/<gateway>/t<event time in µs since the epoch>" and no
// "seq" field.
std::string incident_payload(const core::Incident& incident, const core::SiteId& site,
                             const core::GatewayId& gateway, const std::string& segment = {});

// {"v":1,"state":"online","site":...,"gateway":...}, plus "reason" when given
// (degraded). Carries no time: the offline message is the last will, written
// when the session starts, so a time in it would be the connect time, not the
// time the gateway went away.
// How much of a person an event/<zone> message names (broker.events.
// personal_data): nothing, the person id, or id and full name. Record-access
// rules apply to the entry log, so the default is none.
enum class PersonalData : std::uint8_t { none, id, full_name };
const char* to_string(PersonalData p);
std::optional<PersonalData> personal_data_from_string(std::string_view s);

// The event/<zone> stream: entries and denials (docs/mqtt.md). `name` is used
// only with PersonalData::full_name. Never the card number.
bool is_streamed_event(core::EventKind kind);
std::string event_payload(const core::Event& event, const core::SiteId& site,
                          const core::GatewayId& gateway, const std::string& segment,
                          PersonalData personal, const std::string& name = {});

std::string status_payload(GatewayState state, const core::SiteId& site,
                           const core::GatewayId& gateway, const std::string& reason = {});

}  // namespace vigil::mqtt
