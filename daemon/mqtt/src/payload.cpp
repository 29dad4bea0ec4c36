#include "vigil/mqtt/payload.hpp"

#include <nlohmann/json.hpp>

namespace vigil::mqtt {
namespace {

// ordered_json keeps the documented field order, which makes payloads easy
// to read in mosquitto_sub; consumers must not depend on it.
using Json = nlohmann::ordered_json;

template <class Tag>
void put_if(Json& j, const char* key, const std::optional<core::Id<Tag>>& id) {
  if (id && !id->empty()) j[key] = id->str();
}

}  // namespace

const char* to_string(GatewayState state) {
  switch (state) {
    case GatewayState::online:
      return "online";
    case GatewayState::offline:
      return "offline";
    case GatewayState::degraded:
      return "degraded";
  }
  return "unknown";
}

std::string incident_id(const core::SiteId& site, const core::GatewayId& gateway, std::uint64_t seq,
                        const std::string& segment) {
  return site.str() + "/" + gateway.str() + "/" + (segment.empty() ? "" : segment + "/") +
         std::to_string(seq);
}

std::string incident_payload(const core::Incident& incident, const core::SiteId& site,
                             const core::GatewayId& gateway, const std::string& segment) {
  const core::Event& e = incident.event;
  Json j;
  j["v"] = kPayloadVersion;
  if (e.seq != 0) {
    j["id"] = incident_id(site, gateway, e.seq, segment);
  } else {
    // Not journalled (raised from memory while commits fail): no seq to
    // name it by, so its time does.
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(e.time.time_since_epoch()).count();
    j["id"] = site.str() + "/" + gateway.str() + "/t" + std::to_string(us);
  }
  j["kind"] = core::to_string(incident.kind);
  j["severity"] = core::to_string(incident.severity);
  j["time"] = core::format_utc(e.time);
  if (e.seq != 0) j["seq"] = e.seq;
  j["event"] = core::to_string(e.kind);
  j["site"] = site.str();
  j["gateway"] = gateway.str();
  put_if(j, "door", e.door);
  put_if(j, "reader", e.reader);
  put_if(j, "zone", e.zone);
  put_if(j, "person", e.person);
  put_if(j, "device", e.device);
  if (e.reason != core::DenyReason::none) j["reason"] = core::to_string(e.reason);
  // e.card is deliberately not sent: see payload.hpp.
  if (!incident.summary.empty()) j["summary"] = incident.summary;
  if (!e.detail.empty()) j["detail"] = e.detail;
  // Invalid UTF-8 (a raw reader frame in detail) is replaced, not thrown on:
  // a device's bytes must never stop an incident from being published.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const char* to_string(PersonalData p) {
  switch (p) {
    case PersonalData::none:
      return "none";
    case PersonalData::id:
      return "id";
    case PersonalData::full_name:
      return "full_name";
  }
  return "none";
}

std::optional<PersonalData> personal_data_from_string(std::string_view s) {
  for (auto p : {PersonalData::none, PersonalData::id, PersonalData::full_name}) {
    if (s == to_string(p)) return p;
  }
  return std::nullopt;
}

bool is_streamed_event(core::EventKind kind) {
  return kind == core::EventKind::entry || kind == core::EventKind::access_denied;
}

std::string event_payload(const core::Event& e, const core::SiteId& site,
                          const core::GatewayId& gateway, const std::string& segment,
                          PersonalData personal, const std::string& name) {
  Json j;
  j["v"] = kPayloadVersion;
  j["id"] = incident_id(site, gateway, e.seq, segment);
  j["kind"] = core::to_string(e.kind);
  j["time"] = core::format_utc(e.time);
  j["seq"] = e.seq;
  j["site"] = site.str();
  j["gateway"] = gateway.str();
  put_if(j, "door", e.door);
  put_if(j, "reader", e.reader);
  put_if(j, "zone", e.zone);
  if (e.reason != core::DenyReason::none) j["reason"] = core::to_string(e.reason);
  if (personal != PersonalData::none) put_if(j, "person", e.person);
  if (personal == PersonalData::full_name && e.person && !name.empty()) j["name"] = name;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string status_payload(GatewayState state, const core::SiteId& site,
                           const core::GatewayId& gateway, const std::string& reason) {
  Json j;
  j["v"] = kPayloadVersion;
  j["state"] = to_string(state);
  j["site"] = site.str();
  j["gateway"] = gateway.str();
  if (!reason.empty()) j["reason"] = reason;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace vigil::mqtt
