// Report periods as the ethics unit types them: calendar months, quarters
// and years in the site's time zone, with DST-correct boundaries (March and
// October 2026 in Europe/Berlin), and nothing else accepted.
#include <gtest/gtest.h>

#include <filesystem>

#include "vigil/config/load.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/ctl/report.hpp"

namespace vigil::ctl {
namespace report_period_test {

namespace fs = std::filesystem;

core::TimeZone berlin() {
  auto loaded =
      config::load_site_config((fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml").string());
  if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
  return loaded.value().site.time_zone;  // the demo site: Europe/Berlin
}

TEST(ReportPeriod, ParsesMonthsQuartersAndYearsInTheSiteTimeZone) {
  const auto tz = berlin();
  struct Row {
    const char* text;
    const char* from;
    const char* to;
  };
  const Row table[] = {
      // Winter time (UTC+1) at both ends.
      {"2026-02", "2026-01-31T23:00:00.000000Z", "2026-02-28T23:00:00.000000Z"},
      // Summer time starts on 29 March: March ends at UTC+2.
      {"2026-03", "2026-02-28T23:00:00.000000Z", "2026-03-31T22:00:00.000000Z"},
      // Summer time ends on 25 October: October starts at UTC+2, ends at UTC+1.
      {"2026-10", "2026-09-30T22:00:00.000000Z", "2026-10-31T23:00:00.000000Z"},
      {"2026-12", "2026-11-30T23:00:00.000000Z", "2026-12-31T23:00:00.000000Z"},
      {"2026-Q1", "2025-12-31T23:00:00.000000Z", "2026-03-31T22:00:00.000000Z"},
      {"2026-Q3", "2026-06-30T22:00:00.000000Z", "2026-09-30T22:00:00.000000Z"},
      {"2026-Q4", "2026-09-30T22:00:00.000000Z", "2026-12-31T23:00:00.000000Z"},
      {"2026", "2025-12-31T23:00:00.000000Z", "2026-12-31T23:00:00.000000Z"},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.text);
    const auto p = parse_period(row.text, tz);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->label, row.text);
    EXPECT_EQ(core::format_utc(p->from), row.from);
    EXPECT_EQ(core::format_utc(p->to), row.to);
  }
  // March 2026 in Berlin is one hour short of 31 days; October one hour long.
  EXPECT_EQ(parse_period("2026-03", tz)->to - parse_period("2026-03", tz)->from,
            std::chrono::hours(31 * 24 - 1));
  EXPECT_EQ(parse_period("2026-10", tz)->to - parse_period("2026-10", tz)->from,
            std::chrono::hours(31 * 24 + 1));
}

TEST(ReportPeriod, RejectsMonthsAndQuartersThatDoNotExistAndJunk) {
  const auto tz = berlin();
  for (const char* bad :
       {"2026-13",  "2026-00", "2026-Q5", "2026-Q0", "2026-Q",     "2026-1",     "2026-010",
        "2026-10x", "2026-q1", "20261",   "202",     "",           " 2026",      "2026 ",
        "abcd",     "2026/10", "-2026",   "1969",    "2026-02-01", "2026-Q1junk"}) {
    EXPECT_FALSE(parse_period(bad, tz)) << "'" << bad << "'";
  }
}

TEST(ReportPeriod, TheCommandGoesThroughVigildWhateverItsOptions) {
  // `--period 2026-10` must not read as a subcommand "report 2026-10".
  EXPECT_EQ(command_path({"report", "--period", "2026-10", "--zone", "lab-a", "-c", "s.yaml"}),
            "report");
  EXPECT_TRUE(served_by_daemon("report"));
}

}  // namespace report_period_test
}  // namespace vigil::ctl
