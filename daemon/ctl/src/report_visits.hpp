// The visits section of a report (report_visits.cpp), built by build_report.
#pragma once

#include <vector>

#include "vigil/ctl/report.hpp"

namespace vigil::ctl {

// Visits overlapping the period that name one of `zones`, by first day.
std::vector<VisitLine> build_visit_lines(const config::SiteConfig& c, const ReportPeriod& p,
                                         const std::vector<core::ZoneId>& zones);

}  // namespace vigil::ctl
