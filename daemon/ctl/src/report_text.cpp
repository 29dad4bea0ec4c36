// A report as plain text (one block per zone) and as CSV (one long table:
// zone, section, item, detail, value), for a terminal and a spreadsheet.
#include <ostream>

#include "vigil/ctl/report.hpp"

namespace vigil::ctl {
namespace report_text_impl {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
}  // namespace report_text_impl

void write_report_text(const Report& r, std::ostream& out) {
  out << "Report " << r.period.label << " for site " << r.site << " (gateway " << r.gateway << "), "
      << core::format_date(r.period.first_day) << " to " << core::format_date(r.period.end_day + -1)
      << " " << r.time_zone << "\n"
      << "  from " << core::format_utc(r.period.from) << " to " << core::format_utc(r.period.to)
      << ", made " << core::format_utc(r.generated_at) << "\n";
  for (const auto& z : r.zones) {
    out << "\n== Zone " << z.zone << " (" << z.name << ")\n";
    out << "Entries: " << z.entries << "\n";
    out << "Denials by reason:" << (z.denials.empty() ? " none" : "") << "\n";
    for (const auto& [reason, n] : z.denials) out << "  " << reason << ": " << n << "\n";
    out << "Incidents raised (kind, severity: open / acknowledged / resolved):"
        << (z.incidents.empty() ? " none" : "") << "\n";
    for (const auto& t : z.incidents) {
      out << "  " << t.kind << ", " << t.severity << ": " << t.open << " / " << t.acknowledged
          << " / " << t.resolved << "\n";
    }
    out << "Open incidents:" << (z.open_incidents.empty() ? " none" : "") << "\n";
    for (const auto& o : z.open_incidents) {
      out << "  #" << o.id << " " << o.kind << " " << o.severity << " " << o.state << ", opened "
          << core::format_utc(o.opened_at) << ", age " << o.age_hours << " h\n";
    }
    out << "Deficiencies (opened / closed):\n";
    for (const auto& d : z.deficiencies)
      out << "  " << d.category << ": " << d.opened << " / " << d.closed << "\n";
    out << "Flagged-person activity (entries / denials):" << (z.flagged.empty() ? " none" : "")
        << "\n";
    for (const auto& f : z.flagged)
      out << "  " << f.person << " (" << f.flag << "): " << f.entries << " / " << f.denials << "\n";
    out << "Trips abroad:" << (z.trips.empty() ? " none" : "") << "\n";
    for (const auto& [destination, n] : z.trips_by_destination)
      out << "  to " << destination << ": " << n << "\n";
    for (const auto& t : z.trips) {
      out << "  trip " << t.trip << " " << t.person << " " << t.destination << " " << t.first_day
          << ".." << t.last_day << " approval " << t.approval
          << (t.returned ? " returned" : " not returned");
      for (const auto& a : t.anomalies) out << " ANOMALY " << a;
      out << "\n";
    }
    out << "Clearance expiries:" << (z.clearance_expiries.empty() ? " none" : "") << "\n";
    for (const auto& c : z.clearance_expiries)
      out << "  " << c.person << " " << c.level << " last day " << c.expires << "\n";
  }
  out << "\nVisits:" << (r.visits.empty() ? " none" : "") << "\n";
  for (const auto& v : r.visits) {
    std::string zones;
    for (const auto& z : v.zones) zones += (zones.empty() ? "" : ",") + z;
    out << "  visit " << v.visit << " " << v.visitor << " of " << v.organisation
        << (v.delegation.empty() ? "" : " (delegation " + v.delegation + ")") << " host " << v.host
        << " " << v.first_day << ".." << v.last_day << " zones " << zones
        << (v.ended ? " ended" : "") << ": " << v.entries << " entries";
    for (const auto& [reason, n] : v.anomalies) out << " ANOMALY " << reason << " x" << n;
    out << "\n";
  }
}

void write_report_csv(const Report& r, std::ostream& out) {
  out << "zone,section,item,detail,value\n";
  auto row = [&](const std::string& zone, const char* section, const std::string& item,
                 const std::string& detail, const std::string& value) {
    out << report_text_impl::csv_field(zone) << "," << section << ","
        << report_text_impl::csv_field(item) << "," << report_text_impl::csv_field(detail) << ","
        << report_text_impl::csv_field(value) << "\n";
  };
  for (const auto& z : r.zones) {
    row(z.zone, "entries", "", "", std::to_string(z.entries));
    for (std::size_t d = 0; d < z.entries_per_day.size(); ++d) {
      row(z.zone, "entries_per_day",
          core::format_date(r.period.first_day + static_cast<std::int32_t>(d)), "",
          std::to_string(z.entries_per_day[d]));
    }
    for (const auto& [reason, n] : z.denials) row(z.zone, "denials", reason, "", std::to_string(n));
    for (const auto& t : z.incidents) {
      row(z.zone, "incidents", t.kind, t.severity + ":open", std::to_string(t.open));
      row(z.zone, "incidents", t.kind, t.severity + ":acknowledged",
          std::to_string(t.acknowledged));
      row(z.zone, "incidents", t.kind, t.severity + ":resolved", std::to_string(t.resolved));
    }
    for (const auto& o : z.open_incidents) {
      row(z.zone, "open_incidents", std::to_string(o.id), o.kind + ":" + o.severity + ":" + o.state,
          std::to_string(o.age_hours));
    }
    for (const auto& d : z.deficiencies) {
      row(z.zone, "deficiencies", d.category, "opened", std::to_string(d.opened));
      row(z.zone, "deficiencies", d.category, "closed", std::to_string(d.closed));
    }
    for (const auto& f : z.flagged) {
      row(z.zone, "flagged", f.person, f.flag + ":entries", std::to_string(f.entries));
      row(z.zone, "flagged", f.person, f.flag + ":denials", std::to_string(f.denials));
    }
    for (const auto& [destination, n] : z.trips_by_destination)
      row(z.zone, "trips_by_destination", destination, "", std::to_string(n));
    for (const auto& t : z.trips) {
      std::string anomalies;
      for (const auto& a : t.anomalies) anomalies += (anomalies.empty() ? "" : ";") + a;
      row(z.zone, "trips", std::to_string(t.trip),
          t.person + ":" + t.destination + ":" + t.first_day + ":" + t.last_day, anomalies);
    }
    for (const auto& c : z.clearance_expiries)
      row(z.zone, "clearance_expiries", c.person, c.level, c.expires);
  }
  // Visits belong to the site, not one zone: the zone column stays empty.
  for (const auto& v : r.visits) {
    std::string zones;
    for (const auto& z : v.zones) zones += (zones.empty() ? "" : ";") + z;
    row("", "visits", std::to_string(v.visit),
        v.visitor + ":" + v.host + ":" + v.organisation + ":" + v.delegation + ":" + v.first_day +
            ":" + v.last_day + ":" + zones + (v.ended ? ":ended" : ""),
        std::to_string(v.entries));
    for (const auto& [reason, n] : v.anomalies)
      row("", "visit_anomalies", std::to_string(v.visit), reason, std::to_string(n));
  }
}

}  // namespace vigil::ctl
