// A report as one self-contained HTML page for the supervisors'
// effectiveness report: inline CSS, inline SVG bar charts (entries per day,
// incidents by kind), no script, no font, image or link that leaves the
// page, so it prints and archives as it is.
#include <algorithm>
#include <map>
#include <ostream>
#include <vector>

#include "vigil/core/html.hpp"
#include "vigil/ctl/report.hpp"

namespace vigil::ctl {
namespace {

std::string esc(std::string_view s) {
  return core::html_escape(s);
}

// A bar chart: one bar per (label, value), labels under every `label_every`th bar.
void bar_chart(std::ostream& out, const char* title,
               const std::vector<std::pair<std::string, std::uint64_t>>& bars,
               std::size_t label_every) {
  const int width = 720, height = 200, left = 40, bottom = 40, top = 20;
  const std::uint64_t max = std::max<std::uint64_t>(
      1, bars.empty() ? 1 : std::max_element(bars.begin(), bars.end(), [](auto& a, auto& b) {
                              return a.second < b.second;
                            })->second);
  const double slot = bars.empty() ? 0.0 : double(width - left) / double(bars.size());
  out << "<svg class=\"chart\" role=\"img\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\"><title>" << esc(title)
      << "</title>\n";
  out << "<text x=\"0\" y=\"" << top - 6 << "\">" << max << "</text>";
  out << "<line x1=\"" << left << "\" y1=\"" << height - bottom << "\" x2=\"" << width << "\" y2=\""
      << height - bottom << "\" stroke=\"#444\"/>\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double h = double(height - bottom - top) * double(bars[i].second) / double(max);
    const double x = left + slot * double(i) + slot * 0.1;
    out << "<rect x=\"" << x << "\" y=\"" << double(height - bottom) - h << "\" width=\""
        << slot * 0.8 << "\" height=\"" << h << "\"><title>" << esc(bars[i].first) << ": "
        << bars[i].second << "</title></rect>";
    if (label_every != 0 && i % label_every == 0) {
      out << "<text x=\"" << x << "\" y=\"" << height - bottom + 14 << "\">" << esc(bars[i].first)
          << "</text>";
    }
    out << "\n";
  }
  out << "</svg>\n";
}

void table(std::ostream& out, const std::vector<std::string>& head,
           const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) {
    out << "<p>None.</p>\n";
    return;
  }
  out << "<table><tr>";
  for (const auto& h : head) out << "<th>" << esc(h) << "</th>";
  out << "</tr>\n";
  for (const auto& row : rows) {
    out << "<tr>";
    for (const auto& cell : row) out << "<td>" << esc(cell) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void zone_section(std::ostream& out, const Report& r, const ZoneReport& z) {
  using std::to_string;
  out << "<section><h2>Zone " << esc(z.zone) << " (" << esc(z.name) << ")</h2>\n";
  out << "<p>Entries: <b>" << z.entries << "</b></p>\n<h3>Entries per day</h3>\n";
  std::vector<std::pair<std::string, std::uint64_t>> days;
  for (std::size_t d = 0; d < z.entries_per_day.size(); ++d) {
    days.emplace_back(core::format_date(r.period.first_day + static_cast<std::int32_t>(d)),
                      z.entries_per_day[d]);
  }
  bar_chart(out, "Entries per day", days, std::max<std::size_t>(1, days.size() / 6));
  out << "<h3>Incidents by kind</h3>\n";
  std::map<std::string, std::uint64_t> by_kind;
  for (const auto& t : z.incidents) by_kind[t.kind] += t.open + t.acknowledged + t.resolved;
  bar_chart(out, "Incidents by kind", {by_kind.begin(), by_kind.end()}, 1);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [reason, n] : z.denials) rows.push_back({reason, to_string(n)});
  out << "<h3>Denials by reason</h3>\n";
  table(out, {"reason", "denials"}, rows);
  rows.clear();
  for (const auto& t : z.incidents) {
    rows.push_back(
        {t.kind, t.severity, to_string(t.open), to_string(t.acknowledged), to_string(t.resolved)});
  }
  out << "<h3>Incidents raised</h3>\n";
  table(out, {"kind", "severity", "open", "acknowledged", "resolved"}, rows);
  rows.clear();
  for (const auto& o : z.open_incidents) {
    rows.push_back({"#" + to_string(o.id), o.kind, o.severity, o.state,
                    core::format_utc(o.opened_at), to_string(o.age_hours)});
  }
  out << "<h3>Open incidents</h3>\n";
  table(out, {"incident", "kind", "severity", "state", "opened", "age (h)"}, rows);
  rows.clear();
  for (const auto& d : z.deficiencies)
    rows.push_back({d.category, to_string(d.opened), to_string(d.closed)});
  out << "<h3>Deficiencies</h3>\n";
  table(out, {"category", "opened", "closed"}, rows);
  rows.clear();
  for (const auto& f : z.flagged)
    rows.push_back({f.person, f.flag, to_string(f.entries), to_string(f.denials)});
  out << "<h3>Flagged-person activity</h3>\n";
  table(out, {"person", "flag", "entries", "denials"}, rows);
  rows.clear();
  for (const auto& t : z.trips) {
    std::string anomalies;
    for (const auto& a : t.anomalies) anomalies += (anomalies.empty() ? "" : ", ") + a;
    rows.push_back({to_string(t.trip), t.person, t.destination, t.first_day + " to " + t.last_day,
                    t.approval, t.returned ? "yes" : "no", anomalies});
  }
  out << "<h3>Trips abroad</h3>\n";
  table(out, {"trip", "person", "destination", "days", "approval", "returned", "anomalies"}, rows);
  rows.clear();
  for (const auto& c : z.clearance_expiries) rows.push_back({c.person, c.level, c.expires});
  out << "<h3>Clearance expiries</h3>\n";
  table(out, {"person", "clearance", "last day"}, rows);
  out << "</section>\n";
}

}  // namespace

void write_report_html(const Report& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Vigil report "
      << esc(r.period.label) << " " << esc(r.site) << "</title>\n<style>\n"
      << "body{font-family:sans-serif;margin:2em;max-width:60em}"
         "table{border-collapse:collapse;margin:.5em 0}"
         "td,th{border:1px solid #999;padding:.2em .6em;text-align:left}"
         "svg.chart rect{fill:#3a6ea5}svg.chart text{font-size:10px;fill:#222}"
         "section{page-break-inside:avoid;margin-top:2em}\n"
      << "</style></head><body>\n<h1>Vigil report " << esc(r.period.label) << "</h1>\n<p>Site "
      << esc(r.site) << ", gateway " << esc(r.gateway) << ". Period "
      << core::format_date(r.period.first_day) << " to " << core::format_date(r.period.end_day + -1)
      << " (" << esc(r.time_zone) << "), made " << core::format_utc(r.generated_at) << ".</p>\n";
  for (const auto& z : r.zones) zone_section(out, r, z);
  using std::to_string;
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.visits) {
    std::string zones, anomalies;
    for (const auto& z : v.zones) zones += (zones.empty() ? "" : ", ") + z;
    for (const auto& [reason, n] : v.anomalies)
      anomalies += (anomalies.empty() ? "" : ", ") + reason + " " + to_string(n);
    rows.push_back({to_string(static_cast<std::uint64_t>(v.visit)), v.visitor, v.host,
                    v.organisation, v.delegation, v.first_day + " to " + v.last_day, zones,
                    v.ended ? "yes" : "no", to_string(v.entries), anomalies});
  }
  out << "<section>\n<h2>Visits</h2>\n";
  table(out,
        {"visit", "visitor", "host", "organisation", "delegation", "days", "zones", "ended",
         "entries", "anomalies"},
        rows);
  out << "</section>\n";
  out << "</body></html>\n";
}

}  // namespace vigil::ctl
