// The MQTT topic tree of one gateway: topic contract v1 (docs/mqtt.md). Every
// topic starts with <root>/v1/<site>/<gateway>, so a console subscribes to a
// whole campus's critical incidents with "<root>/v1/+/+/incident/critical/#"
// and to one gateway's health with ".../status":
//
//   .../status                       retained, {"v":1,"state":"online"|"degraded"|"offline",...}
//   .../incident/<severity>/<zone>   QoS 1, not retained, one message per incident
//                                    (<zone> is "_site" for an incident with no zone)
//   .../checkpoint                   retained, QoS 1, the newest signed journal checkpoint
//   .../event/<zone>                 entries and denials (QoS and personal data configurable)
//   .../state/door/<door>            retained, QoS 1, lock, contact, alarm, mode
//   .../state/zone/<zone>            retained, QoS 1, alarm (armed), occupancy, lockdown
//   .../muster/<zone>                retained, QoS 1, who is inside (as personal data allows)
//   .../digest                       retained, QoS 1, the meeting digest (digest.hpp)
//   .../incident-state/<segment>/<seq>  retained, QoS 1, an incident's lifecycle state
//
// The "v1" level is the contract's version: a change that would break a
// console's subscriptions publishes under "v2" (side by side while consoles
// move), never silently under the same prefix.
//
// Ids become topic levels, so they may not contain '/', '+', '#' or NUL, nor
// be empty: a site called "a/+" would publish where another site's console
// listens. The check runs at start-up (a bad config refuses to start).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vigil/core/ids.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::mqtt {

// The topic contract's version: the level after the root.
inline constexpr const char* kContractVersion = "v1";

// An id as one topic level: '/', '+', '#', NUL and '%' are percent-encoded
// ("%2F", ...), so any id is a literal level that no wildcard can spill out
// of; empty becomes "_".
std::string topic_level(std::string_view id);

class TopicTree {
 public:
  // root may have several levels ("acme/vigil") but no wildcards, no empty
  // level, and may not start with '$' (reserved for broker topics). Throws
  // std::invalid_argument naming the offending part.
  TopicTree(std::string root, core::SiteId site, core::GatewayId gateway);

  const core::SiteId& site() const { return site_; }
  const core::GatewayId& gateway() const { return gateway_; }

  // <root>/v1/<site>/<gateway>
  const std::string& prefix() const { return prefix_; }
  // <prefix>/status
  std::string status() const;
  // <prefix>/incident/<severity>/<zone>: severity by name, the event's zone
  // as a topic level (topic_level()), "_site" when the incident has no zone.
  std::string incident(const core::Incident& incident) const;
  // <prefix>/incident/# : this gateway's incidents
  std::string incident_filter() const;
  // <prefix>/checkpoint (docs/journal.md, "Signed checkpoints")
  std::string checkpoint() const;
  // <prefix>/event/<zone>: entries and denials; "_site" with no zone
  std::string event(const core::Event& event) const;
  // <prefix>/state/door/<door>: retained, the door's live state
  std::string door_state(const core::DoorId& door) const;
  // <prefix>/state/zone/<zone>: retained, the zone's live state
  std::string zone_state(const core::ZoneId& zone) const;
  // <prefix>/muster/<zone>: retained, who is inside the zone (muster.hpp)
  std::string muster(const core::ZoneId& zone) const;
  // <prefix>/digest: retained, the newest meeting digest
  std::string digest() const;
  // <prefix>/incident-state/<segment>/<seq> (<prefix>/incident-state/<seq>
  // with no segment): retained, the incident's lifecycle state. The levels
  // after the prefix are those of the incident's id (payload.hpp).
  std::string incident_state(std::uint64_t seq, const std::string& segment = {}) const;

 private:
  core::SiteId site_;
  core::GatewayId gateway_;
  std::string prefix_;
};

}  // namespace vigil::mqtt
