// vigilctl alarm arm|disarm|status and fire reset|release (issue 9,
// docs/alarm.md). Commands are requests to a running vigild, written into
// the database (journal::OperatorCommands) with the operator; vigild
// applies them within a second and journals what they changed.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "vigil/core/time.hpp"

namespace vigil::ctl {

// kind: "alarm_arm" or "alarm_disarm". With a site config, an unknown zone
// is refused here (exit 2) rather than ignored by vigild.
int alarm_request(const std::string& db_path, const std::string& kind, const std::string& zone,
                  bool bypass, const std::optional<std::string>& config_path, core::TimePoint now,
                  std::ostream& out, std::ostream& err);
// Every alarm zone's state as the journal last recorded it.
int alarm_status(const std::string& db_path, std::ostream& out, std::ostream& err);
// kind: "fire_reset" or "fire_release".
int fire_request(const std::string& db_path, const std::string& kind, core::TimePoint now,
                 std::ostream& out, std::ostream& err);

}  // namespace vigil::ctl
