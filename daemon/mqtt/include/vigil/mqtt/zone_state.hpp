// Each zone's live state for the retained topic <prefix>/state/zone/<zone>
// (docs/mqtt.md): its alarm state (armed or not), how many people are in it
// and the zones nested inside it, and whether a lockdown closes it (its own
// order or one on a zone around it). Folded from the same inputs the core
// uses: `entry` and `alarm_*` events as they are journalled, and the
// lockdown orders in force each time they change. A console that subscribes
// at any time gets every zone's state at once from the broker.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/core/alarm.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/lockdown.hpp"
#include "vigil/core/occupancy.hpp"
#include "vigil/core/site.hpp"

namespace vigil::mqtt {

struct ZoneState {
  // "none" for a zone that is not an alarm zone; otherwise the core's
  // AlarmState by name: "disarmed", "exit_delay", "armed", "entry_delay", "alarm".
  std::string alarm = "none";
  std::size_t occupancy = 0;             // people in it and its nested zones
  std::optional<core::ZoneId> lockdown;  // the zone whose order closes it, if any
  core::TimePoint since{};               // time of the change that made this state
  // Armed in the sense a guard means: the zone's sensors would raise an alarm.
  bool armed() const { return alarm == "armed" || alarm == "entry_delay" || alarm == "alarm"; }
  bool operator==(const ZoneState&) const = default;
};

using ZonePayloads = std::vector<std::pair<core::ZoneId, std::string>>;

class ZoneStates {
 public:
  // `site` must outlive this. Zones are the site's zones and the alarm
  // zones; `occupancy` is who is where at start (folded from the journal).
  ZoneStates(const core::Site& site, const std::vector<core::AlarmZone>& alarm_zones,
             core::Occupancy occupancy, const core::Lockdowns& lockdowns);

  // Every zone's payload, to publish at start.
  ZonePayloads start(core::TimePoint now);
  // The payloads of the zones `event` changed (an entry moves people out of
  // one zone and into another, and counts in every zone around them).
  ZonePayloads observe(const core::Event& event);
  // The payloads of the zones whose lockdown changed with the new orders.
  ZonePayloads set_lockdowns(const core::Lockdowns& lockdowns, core::TimePoint now);

  const ZoneState* find(const core::ZoneId& zone) const;
  // Who is where, as the events observed so far say (the muster lists).
  const core::Occupancy& occupancy() const { return occupancy_; }
  std::string payload(const core::ZoneId& zone, const ZoneState& state) const;

 private:
  // Recomputes occupancy and lockdown for every zone; the changed ones.
  ZonePayloads refresh(core::TimePoint at);

  const core::Site& site_;
  core::Occupancy occupancy_;
  core::Lockdowns lockdowns_;
  std::map<core::ZoneId, ZoneState> zones_;
};

}  // namespace vigil::mqtt
