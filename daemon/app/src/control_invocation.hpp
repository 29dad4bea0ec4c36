// What a served command's words chose (control_commands.cpp), shared with
// the files that declare the served commands.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "vigil/app/control_commands.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/time.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/incident_commands.hpp"
#include "vigil/ctl/report.hpp"

namespace vigil::app {

using Run = std::function<int(std::ostream&, std::ostream&)>;

// What parsing the words chose; ControlCommands::run calls it after the checks.
struct Invocation {
  std::string path;
  Run run;
  ctl::QueryArgs* query = nullptr;             // log query: the zone scope narrows it
  std::optional<std::string>* zone = nullptr;  // report: the zone scope narrows it
  // The one zone the command acts on (door unlock: the door's): an operator
  // whose scope does not cover it is refused.
  std::optional<core::ZoneId> target_zone{};
  // The sent file the command reads (person, trip, visit import): it must
  // have come with the request.
  std::optional<std::string> sent_file{};
  // Files the command returns to the operator (log export), base name -> bytes.
  std::map<std::string, std::string> returned_files{};
};

inline void choose(Invocation& inv, std::string path, Run run) {
  inv.path = std::move(path);
  inv.run = std::move(run);
}

// The argument structs of the operations commands, alive for one request.
struct OperationsArgs {
  std::optional<std::string> incident_state, incident_zone;
  std::string incident_id, incident_note;
  bool incident_json = false;
  ctl::IncidentReportArgs report;
  ctl::LockdownArgs lockdown;
  ctl::MusterArgs muster;
  std::string alarm_zone;
  bool alarm_bypass = false;
  std::string door;
  int door_seconds = 0;
};

// incident list|show|ack|resolve|escalate|report|form, lockdown
// set|release|list, muster, alarm arm|disarm|status, fire reset|release
// (control_operations.cpp).
void add_operations_commands(CLI::App& app, OperationsArgs& a, Invocation& inv,
                             const config::SiteConfig& c, core::TimePoint now);

// door unlock DOOR --seconds N (control_operations.cpp): through `unlocker`
// on vigild's door loop.
void add_door_commands(CLI::App& app, OperationsArgs& a, Invocation& inv,
                       const config::SiteConfig& c, const DoorUnlocker& unlocker);

// config reload (control_operations.cpp): through `reloader` on vigild's
// door loop; the answer says what changed or why nothing did.
void add_config_commands(CLI::App& app, Invocation& inv, const ConfigReloader& reloader);

// report --period P [--zone Z] [--format F] (control_report.cpp).
void add_report_command(CLI::App& app, ctl::ReportArgs& a, Invocation& inv,
                        const config::SiteConfig& c, core::TimePoint now);

// log export (control_export.cpp): the data and signed manifest written by
// vigild, returned in the reply.
struct ExportServeArgs {
  ctl::ExportArgs args;
  bool utc = false;
  std::string archive_before{};  // log archive --before
};
void add_export_command(CLI::App& log, ExportServeArgs& a, Invocation& inv,
                        const config::SiteConfig& c, core::TimePoint now);
// log archive --before YYYY-MM (control_export.cpp), on vigild's journal.
void add_archive_command(CLI::App& log, ExportServeArgs& a, Invocation& inv,
                         const config::SiteConfig& c, core::TimePoint now);

// inspection start|record|close|show, deficiency fix, inspect
// (control_inspections.cpp, docs/inspections.md).
void add_inspection_commands(CLI::App& app, Invocation& inv, const config::SiteConfig& c,
                             core::TimePoint now);

// visit add|end|list|show|import and trip import (control_visits.cpp), on
// vigild's journal, as the peer's operator; `visit add` and `visit import`
// check the zones against vigild's site. The imports read the file sent
// with the request, from `files_dir`. Call after the `trip` command exists.
void add_visit_commands(CLI::App& app, Invocation& inv, const config::SiteConfig& c,
                        const std::string& files_dir);

}  // namespace vigil::app
