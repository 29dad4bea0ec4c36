// Each door's live state for the retained topic <prefix>/state/door/<door>
// (docs/mqtt.md): lock, contact, alarm and mode, derived from the events the
// controller produces (which record what the hardware did: a lock is
// "unlocked" only once the driver confirmed it). A console that subscribes
// at any time gets every door's current state at once from the broker.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/core/ids.hpp"

namespace vigil::mqtt {

struct DoorState {
  // "locked", "unlocked", "released" (a fail-safe door at its safe state),
  // or "unknown" (never confirmed, or a write failed: the daemon cannot vouch)
  std::string lock = "unknown";
  std::string contact = "unknown";  // "open", "closed", "unknown"
  std::string alarm = "none";       // "none", "forced", "held_open"
  std::string mode = "normal";
  core::TimePoint since{};  // time of the event that last changed it
  bool operator==(const DoorState&) const = default;
};

class DoorStates {
 public:
  DoorStates(core::SiteId site, core::GatewayId gateway) : site_(site), gateway_(gateway) {}

  // Every door in state "unknown" (before anything was confirmed): the
  // payloads to publish at start.
  std::vector<std::pair<core::DoorId, std::string>> start(const std::vector<core::DoorId>& doors,
                                                          core::TimePoint now);
  // The door's new payload when `event` changed its state; nullopt otherwise.
  std::optional<std::pair<core::DoorId, std::string>> observe(const core::Event& event);

  const DoorState* find(const core::DoorId& door) const;
  std::string payload(const core::DoorId& door, const DoorState& state) const;

 private:
  core::SiteId site_;
  core::GatewayId gateway_;
  std::map<std::string, DoorState> doors_;
};

}  // namespace vigil::mqtt
