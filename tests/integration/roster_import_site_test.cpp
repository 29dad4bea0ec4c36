// Trip and visit CSV import end to end (issue 8): `vigilctl trip import` and
// `visit import` through the running vigild's control socket (the file's
// bytes sent with the request), all rows or none, each row journalled like
// `trip add` / `visit add`; the running vigild applies them within a second.
// The same commands run locally with -j DB once vigild has stopped. The
// journal rows are read back with the sqlite3 shell, an independent peer.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace roster_import_site_test {

using namespace std::chrono_literals;

std::filesystem::path write_csv(const SiteHarness& site, const std::string& name,
                                const std::string& text) {
  const auto path = site.config_path().parent_path() / name;
  std::ofstream(path) << text;
  return path;
}

// A command's exit code and output (stdout and stderr, through a log file).
std::pair<int, std::string> run_logged(std::vector<std::string> args,
                                       const std::filesystem::path& log) {
  std::filesystem::remove(log);
  ChildProcess child(std::move(args), log);
  int rc = -1;
  if (child.wait_exit(30s) && WIFEXITED(*child.wait_status()))
    rc = WEXITSTATUS(*child.wait_status());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

std::size_t count_kind(const SiteHarness& site, core::EventKind kind) {
  return site.events(kind).size();
}

TEST(RosterImportSite, TripAndVisitSheetsImportWhollyOrNotAtAllThroughVigild) {
  SiteHarness site;
  {
    // Vera, a visitor-to-be, with her visitor card 12:1003.
    journal::Roster roster(site.journal_path(), "reception");
    journal::RosterFile file;
    file.people.push_back(core::Person{core::PersonId("p03"), "Vera", true, {}});
    file.credentials.push_back(core::Credential{{12, 1003}, core::PersonId("p03"), true, {}, {}});
    file.name = "visitors.csv";
    roster.import(file, core::TimePoint{});
  }
  site.start_vigild();
  const auto today = core::format_date(core::LocalDate{static_cast<std::int32_t>(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
          .time_since_epoch()
          .count())});

  // A sheet with one unknown person imports nothing and says where.
  const auto bad_trips = write_csv(site, "trips.csv",
                                   "person_id,first_day,last_day,destination,approval\n"
                                   "p01," +
                                       today + "," + today +
                                       ",XX,TRAVEL-118\n"
                                       "p99,2026-12-01,2026-12-02,YY,TRAVEL-119\n");
  auto [bad_rc, bad_out] = site_vigilctl(site, {"trip", "import", bad_trips.string()});
  EXPECT_EQ(bad_rc, 1) << bad_out;
  EXPECT_NE(bad_out.find("trips.csv:3:1: field 'person_id': no person 'p99' in the roster"),
            std::string::npos)
      << bad_out;
  EXPECT_NE(bad_out.find("nothing imported"), std::string::npos) << bad_out;
  // vigild never saw the operator's path, only the bytes.
  EXPECT_EQ(bad_out.find(site.config_path().parent_path().string()), std::string::npos) << bad_out;
  EXPECT_EQ(count_kind(site, core::EventKind::trip_added), 0u);

  // The good sheet: Anna abroad today, so her card is refused at once.
  const auto trips = write_csv(site, "trips.csv",
                               "person_id,first_day,last_day,destination,approval\n"
                               "p01," +
                                   today + "," + today +
                                   ",XX,TRAVEL-118\n"
                                   "p02,2026-12-01,2026-12-02,YY,TRAVEL-119\n");
  auto [rc, out] = site_vigilctl(site, {"trip", "import", trips.string()});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("trips.csv: imported 2 trips"), std::string::npos) << out;
  ASSERT_EQ(count_kind(site, core::EventKind::trip_added), 2u);
  const auto added = site.events(core::EventKind::trip_added);
  EXPECT_EQ(added[0].person, core::PersonId("p01"));
  EXPECT_EQ(core::attr_text(added[0].attrs, "operator"), SiteHarness::test_user());
  EXPECT_EQ(core::attr_text(added[1].attrs, "approval"), "TRAVEL-119");
  EXPECT_EQ(core::attr_int(added[1].attrs, "trip"), 2);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::roster_reloaded).empty(); }, 5s))
      << site.vigild_log();
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::access_denied).empty(); }, 5s))
      << site.vigild_log();
  EXPECT_EQ(site.events(core::EventKind::access_denied).back().reason,
            core::DenyReason::credential_used_while_abroad);

  // Visits: Ben hosts Vera; a second row naming Vera as a host is refused.
  const auto bad_visits =
      write_csv(site, "visits.csv",
                "visitor,host,purpose,organisation,delegation,first_day,last_day,zones\n"
                "p03,p02,audit,Ministry of X,DEL-1," +
                    today + "," + today +
                    ",lobby\n"
                    "p01,p03,audit,Ministry of X,DEL-1," +
                    today + "," + today + ",lobby\n");
  auto [bad_visit_rc, bad_visit_out] =
      site_vigilctl(site, {"visit", "import", bad_visits.string()});
  EXPECT_EQ(bad_visit_rc, 1) << bad_visit_out;
  EXPECT_NE(bad_visit_out.find("visits.csv:3:2: field 'host': 'p03' is a visitor"),
            std::string::npos)
      << bad_visit_out;
  EXPECT_EQ(count_kind(site, core::EventKind::visit_added), 0u);
  const auto visits =
      write_csv(site, "visits.csv",
                "visitor,host,purpose,organisation,delegation,first_day,last_day,zones\n"
                "p03,p02,\"audit, phase 2\",Ministry of X,DEL-1," +
                    today + "," + today + ",lobby\n");
  auto [visit_rc, visit_out] = site_vigilctl(site, {"visit", "import", visits.string()});
  ASSERT_EQ(visit_rc, 0) << visit_out;
  ASSERT_EQ(count_kind(site, core::EventKind::visit_added), 1u);
  EXPECT_EQ(core::attr_text(site.events(core::EventKind::visit_added)[0].attrs, "purpose"),
            "audit, phase 2");

  // Every import through the socket is audited, with the file's digest.
  std::size_t audited = 0;
  for (const auto& e : site.events(core::EventKind::record_access)) {
    const auto command = core::attr_text(e.attrs, "command").value_or("");
    if (command != "trip import" && command != "visit import") continue;
    ++audited;
    EXPECT_TRUE(core::attr_text(e.attrs, "file.trips.csv") ||
                core::attr_text(e.attrs, "file.visits.csv"));
  }
  EXPECT_EQ(audited, 4u);
  site.stop_vigild();

  // Locally on the file (-j DB), without vigild.
  const auto more = write_csv(site, "more-trips.csv",
                              "person_id,first_day,last_day,destination,approval\n"
                              "p02,2027-01-10,2027-01-12,ZZ,TRAVEL-120\n");
  auto [local_rc, local_out] = run_logged(
      {VIGILCTL_PATH, "trip", "import", more.string(), "-j", site.journal_path().string()},
      site.config_path().parent_path() / "local.log");
  ASSERT_EQ(local_rc, 0) << local_out;
  EXPECT_EQ(count_kind(site, core::EventKind::trip_added), 3u);

  if (std::string(VIGIL_SQLITE3_SHELL).empty()) GTEST_SKIP() << "no sqlite3 shell";
  // The sqlite3 shell reads the same rows: kind, person, and the approval
  // in the attrs blob, in seq order.
  const auto query =
      "SELECT k.text || ' ' || p.text || ' ' || "
      "(instr(e.attrs, CAST('TRAVEL-11' AS BLOB)) > 0 OR instr(e.attrs, CAST('TRAVEL-12' AS "
      "BLOB)) > 0) FROM events e JOIN names k ON k.id = e.kind_id JOIN names p ON p.id = "
      "e.person_id WHERE k.text IN ('trip_added', 'visit_added') ORDER BY e.seq;";
  auto [sql_rc, sql_out] =
      run_logged({VIGIL_SQLITE3_SHELL, "-readonly", site.journal_path().string(), query},
                 site.config_path().parent_path() / "sqlite.log");
  ASSERT_EQ(sql_rc, 0) << sql_out;
  EXPECT_EQ(sql_out, "trip_added p01 1\ntrip_added p02 1\nvisit_added p03 0\ntrip_added p02 1\n");
}

}  // namespace roster_import_site_test
}  // namespace vigil::testing
