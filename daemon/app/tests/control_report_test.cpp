// `report` through vigild's control commands, as log query is: the roles
// that may read statistics, the operator's zones (a zone in scope, or a
// scope of one zone applied), and one audit record per request naming the
// filter, the zone sections returned and the digest of what was sent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "control_server_fixture.hpp"
#include "vigil/app/control_commands.hpp"
#include "vigil/journal/hash_chain.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/roster.hpp"  // sha256_hex
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace report_socket {

using core::EventKind;

// control_test's site (zones lab-a > lab-a-inner and lab-b, UTC) with one
// operator, olga, with `roles` and `zones`.
config::SiteConfig report_site(const testing::TempDir& dir, const std::string& roles,
                               const std::string& zones) {
  auto c = control_test::site_config(dir, control_test::operator_entry("olga", roles, zones));
  // Entries in October 2026: 3 in lab-a, 1 in lab-a-inner, 2 in lab-b.
  journal::Journal journal(c.journal_path);
  std::vector<core::Event> events;
  const auto oct = core::from_unix_micros(1'791'000'000'000'000);  // 2026-10-03T04:00Z
  for (const auto& [zone, n] : {std::pair{"lab-a", 3}, {"lab-a-inner", 1}, {"lab-b", 2}}) {
    for (int i = 0; i < n; ++i) {
      core::Event e;
      e.kind = EventKind::entry;
      e.time = oct + std::chrono::hours(i);
      e.zone = core::ZoneId(zone);
      events.push_back(e);
    }
  }
  journal.append(events);
  return c;
}

ControlOutcome ask(const config::SiteConfig& c, std::vector<std::string> argv) {
  ControlCommands commands(c);
  return commands.run(Peer{1000, "olga"}, ctl::ControlRequest{std::move(argv), {}},
                      core::from_unix_micros(1'793'000'000'000'000));
}

std::vector<std::string> zones_in(const std::string& json) {
  std::vector<std::string> out;
  const auto doc = nlohmann::json::parse(json);
  for (const auto& z : doc["zones"]) out.push_back(z["zone"]);
  return out;
}

TEST(ControlReport, AuditorOfZoneAGetsZoneAAndItsNestedZoneAndTheRequestIsAudited) {
  testing::TempDir dir{"vigil-report-socket"};
  const auto c = report_site(dir, "auditor", "lab-a");
  const auto r = ask(c, {"report", "--period", "2026-10", "--zone", "lab-a", "--format", "json"});
  EXPECT_EQ(r.reply.rc, 0) << r.reply.err;
  EXPECT_EQ(zones_in(r.reply.out), (std::vector<std::string>{"lab-a", "lab-a-inner"}));
  EXPECT_EQ(nlohmann::json::parse(r.reply.out)["zones"][0]["entries"], 3);
  EXPECT_EQ(r.audit.kind, EventKind::record_access);
  EXPECT_EQ(control_test::attr(r.audit, "command"), "report");
  EXPECT_EQ(control_test::attr(r.audit, "operator"), "olga");
  EXPECT_EQ(control_test::attr(r.audit, "filter"),
            "report --period 2026-10 --zone lab-a --format json");
  EXPECT_EQ(control_test::attr(r.audit, "rows"), "2");
  EXPECT_EQ(control_test::attr(r.audit, "period"), "2026-10");
  EXPECT_EQ(control_test::attr(r.audit, "digest"), journal::sha256_hex(r.reply.out));
}

TEST(ControlReport, ZonesOutsideTheScopeAndAnUnnamedZoneOfAWiderScopeAreRefused) {
  testing::TempDir dir{"vigil-report-socket"};
  const auto c = report_site(dir, "auditor", "lab-a");
  const auto b = ask(c, {"report", "--period", "2026-10", "--zone", "lab-b"});
  EXPECT_EQ(b.reply.rc, 3);
  EXPECT_TRUE(b.reply.out.empty());
  EXPECT_NE(b.reply.err.find("zone 'lab-b' is outside your scope"), std::string::npos);
  EXPECT_EQ(b.audit.kind, EventKind::access_refused);
  EXPECT_EQ(control_test::attr(b.audit, "command"), "report");
  const auto unnamed = ask(c, {"report", "--period", "2026-10"});
  EXPECT_EQ(unnamed.reply.rc, 3);
  EXPECT_NE(unnamed.reply.err.find("give --zone: one of lab-a, lab-a-inner"), std::string::npos);
  EXPECT_EQ(unnamed.audit.kind, EventKind::access_refused);
}

TEST(ControlReport, AScopeOfOneZoneIsAppliedAndRecordedInTheFilter) {
  testing::TempDir dir{"vigil-report-socket"};
  const auto c = report_site(dir, "supervisor", "lab-b");
  const auto r = ask(c, {"report", "--period", "2026-Q4", "--format", "json"});
  EXPECT_EQ(r.reply.rc, 0) << r.reply.err;
  EXPECT_EQ(zones_in(r.reply.out), (std::vector<std::string>{"lab-b"}));
  EXPECT_EQ(control_test::attr(r.audit, "filter"),
            "report --period 2026-Q4 --format json --zone lab-b");
}

TEST(ControlReport, AGuardOrFacilitiesMayNotReadReportsAndAnAdminReadsEveryZone) {
  for (const char* role : {"guard", "facilities"}) {
    testing::TempDir dir{"vigil-report-socket"};
    const auto c = report_site(dir, role, "\"*\"");
    const auto r = ask(c, {"report", "--period", "2026"});
    EXPECT_EQ(r.reply.rc, 3) << role;
    EXPECT_NE(r.reply.err.find("'report' needs the role auditor, supervisor, admin"),
              std::string::npos)
        << r.reply.err;
    EXPECT_EQ(r.audit.kind, EventKind::access_refused);
  }
  testing::TempDir dir{"vigil-report-socket"};
  const auto c = report_site(dir, "admin", "\"*\"");
  const auto all = ask(c, {"report", "--period", "2026", "--format", "json"});
  EXPECT_EQ(all.reply.rc, 0) << all.reply.err;
  EXPECT_EQ(zones_in(all.reply.out).size(), 4u);  // lab-a, lab-a-inner, lab-b, outside
  // A bad period is the command's own error (exit 2), still audited as run.
  const auto bad = ask(c, {"report", "--period", "2026-13"});
  EXPECT_EQ(bad.reply.rc, 2);
  EXPECT_EQ(bad.audit.kind, EventKind::record_access);
  EXPECT_EQ(control_test::attr(bad.audit, "rc"), "2");
}

}  // namespace report_socket
}  // namespace vigil::app
