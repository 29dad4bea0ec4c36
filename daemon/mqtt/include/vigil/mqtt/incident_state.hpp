// The incident-state/<segment>/<seq> message (docs/mqtt.md): an incident's
// lifecycle state, published retained at QoS 1 whenever it changes, so a
// console that connects later reads every incident's current state.
//
// {"v":1, "id":"<site>/<gateway>/<segment>/<seq>", "seq":17, "state":"acknowledged",
//  "site":..., "gateway":..., "level":1, "level_name":"shift_lead", "levels":3,
//  "opened":"...Z", "time":"...Z" (of this change), "by":"ana" (who made it),
//  "zone":..., "acknowledged_by":..., "acknowledged_at":... (the current level's),
//  "escalated_by":..., "resolved_by":..., "resolved_at":..., "note":...}
#pragma once

#include <optional>
#include <string>

#include "vigil/core/ids.hpp"
#include "vigil/core/incident_lifecycle.hpp"

namespace vigil::mqtt {

// `levels`: how many levels the site's escalation chain has; `zone`: the
// incident's zone, if any.
std::string incident_state_payload(const core::IncidentLifecycle& lifecycle,
                                   const std::optional<core::ZoneId>& zone, std::size_t levels,
                                   const core::SiteId& site, const core::GatewayId& gateway,
                                   const std::string& segment = {});

}  // namespace vigil::mqtt
