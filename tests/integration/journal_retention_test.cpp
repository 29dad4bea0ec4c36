// journal.retention end to end (docs/journal.md, "Retention in vigild"):
// vigild started on a journal holding old months moves them to archive files
// by itself, through the same archive_before as `vigilctl log archive`, and
// everything still verifies, queries and exports as one chain while the
// doors keep journalling.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace retention_site_test {

using namespace std::chrono_literals;

std::pair<int, std::string> run_vigilctl(const SiteHarness& site, std::vector<std::string> args) {
  const auto log = site.config_path().parent_path() / "vigilctl-retention.log";
  std::filesystem::remove(log);
  args.insert(args.begin(), VIGILCTL_PATH);
  ChildProcess ctl(args, log);
  int rc = -1;
  if (ctl.wait_exit(30s) && WIFEXITED(*ctl.wait_status())) rc = WEXITSTATUS(*ctl.wait_status());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

core::TimePoint day_of_2026(unsigned month, unsigned day) {
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      (sys_days{year{2026} / std::chrono::month{month} / std::chrono::day{day}} + hours{9})
          .time_since_epoch())};
}

// Four grants a month in May, June and July 2026, the journal's first rows.
void write_old_months(const std::filesystem::path& db) {
  journal::Journal j(db);
  for (unsigned month = 5; month <= 7; ++month) {
    std::vector<core::Event> events;
    for (unsigned day = 1; day <= 4; ++day) {
      core::Event e;
      e.time = day_of_2026(month, day * 5);
      e.kind = core::EventKind::access_granted;
      e.person = core::PersonId{"p01"};
      e.door = core::DoorId{"lobby-main"};
      e.zone = core::ZoneId{"lobby"};
      events.push_back(e);
    }
    j.append(events);
  }
}

TEST(JournalRetention, VigildArchivesOldMonthsByItselfAndTheChainStillCoversEverything) {
  // The rows' months are fixed (May to July 2026); the cutoff follows the
  // clock, so keep_months is chosen to leave them all older than it.
  const auto now = std::chrono::system_clock::now();
  ASSERT_GE(now, std::chrono::sys_days{std::chrono::year{2026} / 10 / 1}) << "clock before 2026-10";
  TempDir journal_dir{"vigil-retention"};
  write_old_months(journal_dir.file("journal.db"));
  SiteHarness site(
      {}, {.journal_dir = journal_dir.path(), .journal_extra = "retention: { keep_months: 2 }"});
  site.start_vigild();
  const std::string config = site.config_path().string();
  const auto db = site.journal_path();

  // The start pass: one archive per month, each recorded in the chain by vigild.
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::journal_archived).size() == 3; }, 10s))
      << site.vigild_log();
  const auto records = site.events(core::EventKind::journal_archived);
  std::vector<std::string> months;
  for (const auto& r : records) {
    months.push_back(core::attr_text(r.attrs, "month").value_or(""));
    EXPECT_EQ(core::attr_text(r.attrs, "operator"), "vigild (journal.retention)");
  }
  EXPECT_EQ(months, (std::vector<std::string>{"2026-05", "2026-06", "2026-07"}));
  for (const auto& m : months)
    EXPECT_TRUE(std::filesystem::exists(journal::archive_dir(db) / (m + ".db"))) << m;
  EXPECT_NE(site.vigild_log().find("journal retention: archived 2026-05"), std::string::npos);

  // The doors keep journalling after the move.
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : site.events(core::EventKind::access_granted))
          if (e.time > day_of_2026(8, 1)) return true;
        return false;
      },
      5s))
      << site.vigild_log();

  // Through vigild: the chain verifies across the archives, and a query of
  // the archived months returns every row.
  auto [verify_rc, verify] = run_vigilctl(site, {"log", "verify", db.string()});
  EXPECT_EQ(verify_rc, 0) << verify;
  EXPECT_NE(verify.find("in 3 archive(s)"), std::string::npos) << verify;
  auto [query_rc, query] =
      run_vigilctl(site, {"log", "query", "-c", config, "--utc", "--from", "2026-05-01", "--to",
                          "2026-08-01", "--format", "csv"});
  EXPECT_EQ(query_rc, 0) << query;
  EXPECT_EQ(std::count(query.begin(), query.end(), '\n'), 1 + 12) << query;  // header + rows
  // The background full check (started after the pass) found nothing.
  EXPECT_TRUE(eventually(
      [&] { return site.vigild_log().find("journal fully rechecked: ok") != std::string::npos; },
      10s))
      << site.vigild_log();
  EXPECT_TRUE(site.events(core::EventKind::journal_integrity).empty());

  // A restart finds nothing more to move and keeps the archives.
  site.stop_vigild();
  site.start_vigild();
  site.stop_vigild();
  EXPECT_EQ(site.events(core::EventKind::journal_archived).size(), 3u);
  const auto whole = journal::verify_with_archives(journal::Journal(db));
  EXPECT_TRUE(whole.ok) << whole.message;
}

}  // namespace retention_site_test
}  // namespace vigil::testing
