// `vigilctl report --period 2026-10|2026-Q3|2026 [--zone Z] [--format
// text|csv|json|html]` (issue 10 item 7, docs/reports.md): the ethics unit's
// periodic statistics per zone, computed from the journal and the roster
// tables of one database file. The period is a calendar month, quarter or
// year in the site's time zone (DST-correct: a month that changes to summer
// time is an hour shorter). Build once (build_report), then render in any
// format; the JSON is what the MQTT meeting digest carries
// (docs/schema/report.schema.json).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/site_config.hpp"
#include "vigil/core/time.hpp"

namespace vigil::ctl {

struct ReportPeriod {
  std::string label;          // "2026-10", "2026-Q3", "2026"
  core::LocalDate first_day;  // local, inclusive
  core::LocalDate end_day;    // local, exclusive: the day after the last
  core::TimePoint from;       // local midnight starting first_day (inclusive)
  core::TimePoint to;         // local midnight starting end_day (exclusive)
};

// nullopt for anything but YYYY-MM (01..12), YYYY-QN (1..4) or YYYY.
std::optional<ReportPeriod> parse_period(std::string_view text, const core::TimeZone& tz);

struct IncidentTally {
  std::string kind, severity;
  std::uint64_t open = 0, acknowledged = 0, resolved = 0;
};
struct OpenIncident {
  std::uint64_t id = 0;  // the seq of the event that raised it
  std::string kind, severity, state;
  core::TimePoint opened_at{};
  std::int64_t age_hours = 0;  // at the report's generation time
};
// Deficiencies of a zone's devices and doors: opened and closed in the
// period, per category (docs/reports.md lists how each is derived).
struct DeficiencyTally {
  std::string category;
  std::uint64_t opened = 0, closed = 0;
};
struct FlaggedActivity {
  std::string person, flag;
  std::uint64_t entries = 0, denials = 0;
};
struct TripLine {
  std::int64_t trip = 0;
  std::string person, destination, approval, first_day, last_day;
  bool returned = false;
  std::vector<std::string> anomalies;  // "return_overdue", "credential_used_while_abroad", ...
};
struct ClearanceExpiry {
  std::string person, level, expires;
};

struct ZoneReport {
  std::string zone, name;
  std::uint64_t entries = 0;
  std::vector<std::uint64_t> entries_per_day;    // one per local day of the period
  std::map<std::string, std::uint64_t> denials;  // by reason
  std::vector<IncidentTally> incidents;          // raised in the period, by kind and severity
  std::vector<OpenIncident> open_incidents;      // raised before the end, unresolved now
  std::vector<DeficiencyTally> deficiencies;     // every category, zeros included
  std::vector<FlaggedActivity> flagged;          // people flagged at any time in the period
  std::vector<TripLine> trips;                   // of people whose levels cover the zone
  std::map<std::string, std::uint64_t> trips_by_destination;
  std::vector<ClearanceExpiry> clearance_expiries;  // last valid day within the period
};

// A visit whose days overlap the period and whose zones meet the reported
// ones (issue 8 item 6): the report on foreign delegations.
struct VisitLine {
  std::int64_t visit = 0;
  std::string visitor, host, purpose, organisation, delegation, first_day, last_day;
  std::vector<std::string> zones;
  bool ended = false;
  // The visitor's `entry` events in the period and on the visit's days.
  std::uint64_t entries = 0;
  // Refusals in the period naming the visit (visitor_anomaly), by reason.
  std::map<std::string, std::uint64_t> anomalies;
};

struct Report {
  std::string site, gateway, time_zone;
  ReportPeriod period;
  core::TimePoint generated_at{};
  std::vector<ZoneReport> zones;
  std::vector<VisitLine> visits;  // by first day, then visit number
};

// Reads `config.journal_path`; `zones` in the order to report. Throws
// journal::JournalError when the file cannot be read.
Report build_report(const config::SiteConfig& config, const ReportPeriod& period,
                    const std::vector<core::ZoneId>& zones, core::TimePoint now);

void write_report_text(const Report& report, std::ostream& out);
void write_report_csv(const Report& report, std::ostream& out);
void write_report_json(const Report& report, std::ostream& out);
// One self-contained page: inline CSS and SVG, no script, no external URL.
void write_report_html(const Report& report, std::ostream& out);

// Every member has an initializer so designated initializers may skip any.
struct ReportArgs {
  std::string period{};
  std::optional<std::string> zone{};  // the zone and its nested zones; none: every zone
  std::string format = "text";
  core::TimePoint now{};
};
// The command: 0 done, 1 the journal cannot be read, 2 bad arguments.
int report(const config::SiteConfig& config, const ReportArgs& args, std::ostream& out,
           std::ostream& err);

// vigilctl's local path (no vigild, or a copy of a database): the site
// config `config_path` for zones, doors and time zone; `journal`, when given,
// instead of the config's journal.path.
int report_from_files(const std::string& config_path, const std::optional<std::string>& journal,
                      ReportArgs args, std::ostream& out, std::ostream& err);

}  // namespace vigil::ctl
