// The retained muster list of each zone, <prefix>/muster/<zone> (docs/mqtt.md):
// the people whose current zone is exactly that zone, by time of entry, named
// as far as broker.events.personal_data allows (the same setting as
// event/<zone>): with `none` the message carries the count only. At most
// `max_names` people are listed; `truncated` says when there were more and
// `count` is always the whole number. Entries only mark the zones they change;
// the daemon takes the marked zones' payloads on a short timer, so a burst of
// entries costs one message per zone, not one per entry.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>

#include "vigil/core/event.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/occupancy.hpp"
#include "vigil/core/site.hpp"
#include "vigil/mqtt/payload.hpp"
#include "vigil/mqtt/zone_state.hpp"

namespace vigil::mqtt {

inline constexpr std::size_t kMusterMaxNames = 100;

class Musters {
 public:
  // A person's full name, "" when unknown (asked at publish time only, and
  // only with PersonalData::full_name).
  using NameOf = std::function<std::string(const core::PersonId&)>;
  // `site` must outlive this.
  Musters(const core::Site& site, PersonalData personal, NameOf name_of,
          std::size_t max_names = kMusterMaxNames);

  // Marks the zones `event` changes: for an entry with a person, the zone
  // they leave (as `before` still says, so call it before the occupancy
  // observes the event) and the zone they enter. True when a zone of the
  // site was marked.
  bool mark(const core::Occupancy& before, const core::Event& event);
  bool pending() const { return !marked_.empty(); }
  // The payload of every marked zone, as `occupancy` says now; clears the marks.
  ZonePayloads take(const core::Occupancy& occupancy, core::TimePoint now);
  // Every zone of the site, to publish at start.
  ZonePayloads all(const core::Occupancy& occupancy, core::TimePoint now);
  std::string payload(const core::ZoneId& zone, const core::Occupancy& occupancy,
                      core::TimePoint now) const;

 private:
  bool mark_zone(const core::ZoneId& zone);

  const core::Site& site_;
  PersonalData personal_;
  NameOf name_of_;
  std::size_t max_names_;
  std::set<core::ZoneId> marked_;
};

}  // namespace vigil::mqtt
