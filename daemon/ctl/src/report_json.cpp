// A report as JSON (docs/reports.md, docs/schema/report.schema.json): the
// body of the MQTT meeting digest. Times are ISO 8601 UTC; days are the
// site's local calendar days.
#include <nlohmann/json.hpp>
#include <ostream>

#include "vigil/ctl/report.hpp"

namespace vigil::ctl {

void write_report_json(const Report& r, std::ostream& out) {
  using nlohmann::json;
  json zones = json::array();
  for (const auto& z : r.zones) {
    json per_day = json::array();
    for (std::size_t d = 0; d < z.entries_per_day.size(); ++d) {
      per_day.push_back(
          {{"day", core::format_date(r.period.first_day + static_cast<std::int32_t>(d))},
           {"entries", z.entries_per_day[d]}});
    }
    json incidents = json::array();
    for (const auto& t : z.incidents) {
      incidents.push_back({{"kind", t.kind},
                           {"severity", t.severity},
                           {"open", t.open},
                           {"acknowledged", t.acknowledged},
                           {"resolved", t.resolved}});
    }
    json open = json::array();
    for (const auto& o : z.open_incidents) {
      open.push_back({{"id", o.id},
                      {"kind", o.kind},
                      {"severity", o.severity},
                      {"state", o.state},
                      {"opened_at", core::format_utc(o.opened_at)},
                      {"age_hours", o.age_hours}});
    }
    json deficiencies = json::array();
    for (const auto& d : z.deficiencies)
      deficiencies.push_back(
          {{"category", d.category}, {"opened", d.opened}, {"closed", d.closed}});
    json flagged = json::array();
    for (const auto& f : z.flagged) {
      flagged.push_back(
          {{"person", f.person}, {"flag", f.flag}, {"entries", f.entries}, {"denials", f.denials}});
    }
    json trips = json::array();
    for (const auto& t : z.trips) {
      trips.push_back({{"trip", t.trip},
                       {"person", t.person},
                       {"destination", t.destination},
                       {"approval", t.approval},
                       {"first_day", t.first_day},
                       {"last_day", t.last_day},
                       {"returned", t.returned},
                       {"anomalies", t.anomalies}});
    }
    json expiries = json::array();
    for (const auto& c : z.clearance_expiries)
      expiries.push_back({{"person", c.person}, {"level", c.level}, {"last_day", c.expires}});
    zones.push_back({{"zone", z.zone},
                     {"name", z.name},
                     {"entries", z.entries},
                     {"entries_per_day", per_day},
                     {"denials_by_reason", z.denials},
                     {"incidents", incidents},
                     {"open_incidents", open},
                     {"deficiencies", deficiencies},
                     {"flagged_activity", flagged},
                     {"trips", trips},
                     {"trips_by_destination", z.trips_by_destination},
                     {"clearance_expiries", expiries}});
  }
  json visits = json::array();
  for (const auto& v : r.visits) {
    visits.push_back({{"visit", v.visit},
                      {"visitor", v.visitor},
                      {"host", v.host},
                      {"purpose", v.purpose},
                      {"organisation", v.organisation},
                      {"delegation", v.delegation},
                      {"first_day", v.first_day},
                      {"last_day", v.last_day},
                      {"zones", v.zones},
                      {"ended", v.ended},
                      {"entries", v.entries},
                      {"anomalies", v.anomalies}});
  }
  const json doc{{"report", "vigil.report.v2"},
                 {"site", r.site},
                 {"gateway", r.gateway},
                 {"time_zone", r.time_zone},
                 {"period",
                  {{"label", r.period.label},
                   {"first_day", core::format_date(r.period.first_day)},
                   {"last_day", core::format_date(r.period.end_day + -1)},
                   {"from", core::format_utc(r.period.from)},
                   {"to", core::format_utc(r.period.to)}}},
                 {"generated_at", core::format_utc(r.generated_at)},
                 {"zones", zones},
                 {"visits", visits}};
  out << doc.dump(2) << "\n";
}

}  // namespace vigil::ctl
