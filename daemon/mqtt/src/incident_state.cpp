#include "vigil/mqtt/incident_state.hpp"

#include <nlohmann/json.hpp>

#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {

std::string incident_state_payload(const core::IncidentLifecycle& l,
                                   const std::optional<core::ZoneId>& zone, std::size_t levels,
                                   const core::SiteId& site, const core::GatewayId& gateway,
                                   const std::string& segment) {
  nlohmann::ordered_json j;
  const auto& step = l.current();
  j["v"] = kPayloadVersion;
  j["id"] = incident_id(site, gateway, l.incident, segment);
  j["seq"] = l.incident;
  j["state"] = core::to_string(l.state());
  j["site"] = site.str();
  j["gateway"] = gateway.str();
  j["level"] = step.level;
  j["level_name"] = step.name;
  j["levels"] = levels;
  j["opened"] = core::format_utc(l.opened_at);
  j["time"] = core::format_utc(l.changed_at());
  if (const auto by = l.changed_by(); !by.empty()) j["by"] = by;
  if (zone && !zone->empty()) j["zone"] = zone->str();
  if (step.acknowledged) {
    j["acknowledged_by"] = step.acknowledged->by;
    j["acknowledged_at"] = core::format_utc(step.acknowledged->at);
  }
  if (!step.escalated_by.empty()) j["escalated_by"] = step.escalated_by;
  if (l.resolution) {
    j["resolved_by"] = l.resolution->by;
    j["resolved_at"] = core::format_utc(l.resolution->at);
    j["note"] = l.resolution->note;
  }
  return j.dump();
}

}  // namespace vigil::mqtt
