// The visits section of `vigilctl report` (docs/reports.md): every visit
// whose days overlap the period and whose zones meet the reported zones,
// with the visitor's entries and the anomalies naming the visit.
#include <algorithm>

#include "report_visits.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {
namespace {

bool meets(const core::Visit& visit, const std::vector<core::ZoneId>& zones) {
  return std::any_of(visit.zones.begin(), visit.zones.end(), [&](const core::ZoneId& z) {
    return std::find(zones.begin(), zones.end(), z) != zones.end();
  });
}

}  // namespace

std::vector<VisitLine> build_visit_lines(const config::SiteConfig& c, const ReportPeriod& p,
                                         const std::vector<core::ZoneId>& zones) {
  std::vector<VisitLine> lines;
  const journal::PeopleStore store(c.journal_path);
  const journal::Journal journal(c.journal_path, {.archive_dir = c.journal_archive_dir});
  const auto& tz = c.site.time_zone;
  for (const auto& v : store.list_visits()) {
    if (v.first_day >= p.end_day || v.last_day < p.first_day || !meets(v, zones)) continue;
    VisitLine line{.visit = v.id,
                   .visitor = v.visitor.str(),
                   .host = v.host.str(),
                   .purpose = v.purpose,
                   .organisation = v.organisation,
                   .delegation = v.delegation,
                   .first_day = core::format_date(v.first_day),
                   .last_day = core::format_date(v.last_day),
                   .zones = {},
                   .ended = v.ended,
                   .entries = 0,
                   .anomalies = {}};
    for (const auto& z : v.zones) line.zones.push_back(z.str());
    const core::TimePoint from = std::max(p.from, tz.start_of(v.first_day));
    const core::TimePoint to = std::min(p.to, tz.start_of(v.last_day + 1));
    line.entries =
        vigil::journal::query_with_archives(
            journal,
            {.person = v.visitor, .from = from, .to = to, .kinds = {core::EventKind::entry}})
            .size();
    for (const auto& e :
         vigil::journal::query_with_archives(journal, {.person = v.visitor,
                                                      .from = p.from,
                                                      .to = p.to,
                                                      .kinds = {core::EventKind::access_denied}})) {
      if (core::attr_int(e.attrs, "visit") == v.id) ++line.anomalies[core::to_string(e.reason)];
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace vigil::ctl
