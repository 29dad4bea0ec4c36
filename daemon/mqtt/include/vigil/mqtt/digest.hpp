// The meeting digest (issue 11 item 6, gateway half): on a schedule (daily at
// a local time of day by default) each gateway publishes, retained on
// <prefix>/digest, what the security-maintenance meeting goes through: the
// incidents still open with their age, the incidents raised since the last
// digest by kind and by zone, and those resolved since then; and the device
// and inspection deficiencies still open, with those closed since then. Built
// from the journal (journal::IncidentLog, core::DeficiencyBook), so it is the
// same story `vigilctl incident list` and `vigilctl inspect` tell.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/deficiency.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"
#include "vigil/journal/incident_log.hpp"

namespace vigil::mqtt {

struct DigestSchedule {
  std::chrono::seconds at{7 * 3600};  // local time of day
  core::TimeZone zone;                // the site's
};

// The first digest instant strictly after `after`: today's `at` in the
// site's zone if still ahead, else tomorrow's.
core::TimePoint next_digest_time(const DigestSchedule& schedule, core::TimePoint after);

struct DigestWindow {
  core::TimePoint since{};  // the previous digest (or the slot before the first)
  core::TimePoint now{};
};

// What a digest is cut from: every incident with its lifecycle (oldest
// first) and every deficiency (DeficiencyBook::list()).
struct DigestSources {
  std::vector<journal::IncidentRecord> incidents;
  std::vector<core::Deficiency> deficiencies;
};

// The digest JSON (docs/schema/digest.schema.json). `segment` is the
// journal's segment id, as in incident ids; `zone` is the site's time zone, in
// which a deficiency's due date ends.
std::string digest_payload(const core::SiteId& site, const core::GatewayId& gateway,
                           const std::string& segment, const DigestSources& sources,
                           const DigestWindow& window, const core::TimeZone& zone);

// When the next digest is due: vigild asks on its clock tick (the wall time
// it already reads), so no timer or sleep of its own.
class DigestClock {
 public:
  DigestClock(DigestSchedule schedule, core::TimePoint start);
  // The window to publish when a digest is due at `now` (and moves on to
  // the next slot); nullopt otherwise. A clock that jumped over several
  // slots gives one digest covering them all.
  std::optional<DigestWindow> due(core::TimePoint now);
  core::TimePoint next() const { return next_; }

 private:
  DigestSchedule schedule_;
  core::TimePoint since_;
  core::TimePoint next_;
};

}  // namespace vigil::mqtt
