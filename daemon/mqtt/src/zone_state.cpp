#include "vigil/mqtt/zone_state.hpp"

#include <nlohmann/json.hpp>

namespace vigil::mqtt {

ZoneStates::ZoneStates(const core::Site& site, const std::vector<core::AlarmZone>& alarm_zones,
                       core::Occupancy occupancy, const core::Lockdowns& lockdowns)
    : site_(site), occupancy_(std::move(occupancy)), lockdowns_(lockdowns) {
  for (const auto& zone : site.zones) zones_[zone.id];
  // An alarm zone starts disarmed until the journal's alarm_restored says
  // otherwise (the daemon journals one per zone it restores).
  for (const auto& zone : alarm_zones)
    zones_[zone.id].alarm = core::to_string(core::AlarmState::disarmed);
}

ZonePayloads ZoneStates::start(core::TimePoint now) {
  refresh(now);
  ZonePayloads out;
  for (auto& [zone, state] : zones_) {
    state.since = now;
    out.emplace_back(zone, payload(zone, state));
  }
  return out;
}

ZonePayloads ZoneStates::observe(const core::Event& e) {
  if (e.kind == core::EventKind::entry) {
    occupancy_.observe(e);
    return refresh(e.time);
  }
  // One event at a time through the core's own fold, so the names and the
  // transitions cannot drift from what the alarm panel journals.
  const auto alarm = core::alarm_states_from({e});
  ZonePayloads out;
  for (const auto& [zone, s] : alarm) {
    ZoneState& state = zones_[zone];
    const std::string name = core::to_string(s);
    if (state.alarm == name) continue;
    state.alarm = name;
    state.since = e.time;
    out.emplace_back(zone, payload(zone, state));
  }
  return out;
}

ZonePayloads ZoneStates::set_lockdowns(const core::Lockdowns& lockdowns, core::TimePoint now) {
  lockdowns_ = lockdowns;
  return refresh(now);
}

ZonePayloads ZoneStates::refresh(core::TimePoint at) {
  ZonePayloads out;
  for (auto& [zone, state] : zones_) {
    ZoneState next = state;
    next.occupancy = occupancy_.count(site_, zone);
    const core::LockdownOrder* order = lockdowns_.covering(site_, zone);
    next.lockdown = order ? std::optional{order->zone} : std::nullopt;
    if (next == state) continue;
    next.since = at;
    state = next;
    out.emplace_back(zone, payload(zone, state));
  }
  return out;
}

const ZoneState* ZoneStates::find(const core::ZoneId& zone) const {
  auto it = zones_.find(zone);
  return it == zones_.end() ? nullptr : &it->second;
}

std::string ZoneStates::payload(const core::ZoneId& zone, const ZoneState& state) const {
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["site"] = site_.id.str();
  j["gateway"] = site_.gateway.str();
  j["zone"] = zone.str();
  j["armed"] = state.armed();
  j["alarm"] = state.alarm;
  j["occupancy"] = state.occupancy;
  j["lockdown"] = state.lockdown.has_value();
  j["lockdown_zone"] = state.lockdown ? nlohmann::ordered_json(state.lockdown->str()) : nullptr;
  j["since"] = core::format_utc(state.since);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace vigil::mqtt
