// `vigilctl incident ...` (issue 10): the incident lifecycle and the
// notification form. Each command is a function over a context (database,
// operator, the site's escalation chain, now) and two streams, so the same
// logic serves the command line today and vigild's control socket later
// (which passes its peer's operator instead of the Unix user running
// vigilctl). Each returns the exit code: 0 done, 1 refused or failed (the
// reason on err), 2 bad arguments.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <unordered_map>

#include "vigil/core/ids.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/core/time.hpp"

namespace vigil::ctl {

struct IncidentContext {
  std::string db_path;
  std::string operator_name;          // journalled on every action
  core::IncidentRulesConfig rules{};  // escalation chain and rules (site config `incidents`)
  std::unordered_map<std::string, core::ZoneId> door_zones{};  // door -> the zone it leads into
  std::optional<std::vector<core::ZoneId>> zones{};  // the site's zones when a config was read
  core::TimePoint now{};
};

// From --journal or --config (whose journal.path, incidents and doors are
// used; with --journal alone the default escalation chain). The operator
// is current_operator(), the time now. nullopt (message on err) if neither
// is given or the config is bad.
std::optional<IncidentContext> incident_context(const std::optional<std::string>& journal,
                                                const std::optional<std::string>& config,
                                                std::ostream& err);

// `incident list [--state open|acknowledged|resolved] [--zone Z]`: one line
// per incident, oldest first.
int incident_list(const IncidentContext& ctx, const std::optional<std::string>& state,
                  const std::optional<std::string>& zone, std::ostream& out, std::ostream& err);
// `incident show ID`: the incident, its state and its escalation chain.
int incident_show(const IncidentContext& ctx, const std::string& id, std::ostream& out,
                  std::ostream& err);
int incident_ack(const IncidentContext& ctx, const std::string& id, std::ostream& out,
                 std::ostream& err);
int incident_resolve(const IncidentContext& ctx, const std::string& id, const std::string& note,
                     std::ostream& out, std::ostream& err);
int incident_escalate(const IncidentContext& ctx, const std::string& id, const std::string& note,
                      std::ostream& out, std::ostream& err);

// `incident report --kind approach|probing|unexplained_check|gift|other
// --zone Z --note TEXT [--person P]`.
struct IncidentReportArgs {
  std::string kind;
  std::string zone;
  std::string note;
  std::optional<std::string> person;
};
int incident_report(const IncidentContext& ctx, const IncidentReportArgs& args, std::ostream& out,
                    std::ostream& err);

// `incident form ID [--json]`: the notification-form record: what, where,
// when, who, what was done, and the escalation chain with each level's
// acknowledgement.
int incident_form(const IncidentContext& ctx, const std::string& id, bool json, std::ostream& out,
                  std::ostream& err);

}  // namespace vigil::ctl
