#include "vigil/mqtt/door_state.hpp"

#include <nlohmann/json.hpp>

namespace vigil::mqtt {

std::vector<std::pair<core::DoorId, std::string>> DoorStates::start(
    const std::vector<core::DoorId>& doors, core::TimePoint now) {
  std::vector<std::pair<core::DoorId, std::string>> out;
  for (const auto& door : doors) {
    DoorState& state = doors_[door.str()];
    state = DoorState{};
    state.since = now;
    out.emplace_back(door, payload(door, state));
  }
  return out;
}

std::optional<std::pair<core::DoorId, std::string>> DoorStates::observe(const core::Event& e) {
  using K = core::EventKind;
  if (!e.door) return std::nullopt;
  DoorState& state = doors_[e.door->str()];
  const DoorState before = state;
  switch (e.kind) {
    case K::door_unlocked:
      state.lock = "unlocked";
      break;
    case K::door_relocked:
      state.lock = "locked";
      break;
    case K::door_released:
      state.lock = "released";
      break;
    case K::output_failed:
      state.lock = "unknown";  // the write was refused or not confirmed
      break;
    case K::door_opened:
    case K::door_open_at_start:
    case K::entry:
      state.contact = "open";
      break;
    case K::door_forced:
      state.contact = "open";
      state.alarm = "forced";
      break;
    case K::door_held_open:
      state.contact = "open";
      state.alarm = "held_open";
      break;
    case K::door_closed:
    case K::door_held_open_cleared:
      state.contact = "closed";
      state.alarm = "none";  // a forced or held-open door is over once closed
      break;
    default:
      break;
  }
  if (state == before) return std::nullopt;
  state.since = e.time;
  return std::make_pair(*e.door, payload(*e.door, state));
}

const DoorState* DoorStates::find(const core::DoorId& door) const {
  auto it = doors_.find(door.str());
  return it == doors_.end() ? nullptr : &it->second;
}

std::string DoorStates::payload(const core::DoorId& door, const DoorState& state) const {
  nlohmann::ordered_json j;
  j["v"] = 1;
  j["site"] = site_.str();
  j["gateway"] = gateway_.str();
  j["door"] = door.str();
  j["lock"] = state.lock;
  j["contact"] = state.contact;
  j["alarm"] = state.alarm;
  j["mode"] = state.mode;
  j["since"] = core::format_utc(state.since);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace vigil::mqtt
