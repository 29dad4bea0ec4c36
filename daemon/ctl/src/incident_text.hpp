// How vigilctl prints incidents: one line for lists, and the notification
// form (text and JSON) for `incident show` and `incident form`.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "vigil/journal/incident_log.hpp"

namespace vigil::ctl {

// "17" or "#17"; nullopt (message on err) otherwise.
std::optional<std::uint64_t> parse_incident_id(const std::string& text, std::ostream& err);

// "#2  acknowledged  L1 shift_lead  major  door_forced  zone server-room  2026-...Z  summary"
std::string incident_line(const journal::IncidentRecord& r);

// `escalation`: the site's chain, so levels not reached yet are listed too.
std::string form_text(const journal::IncidentRecord& r, const std::vector<std::string>& escalation);
std::string form_json(const journal::IncidentRecord& r, const std::vector<std::string>& escalation);

}  // namespace vigil::ctl
