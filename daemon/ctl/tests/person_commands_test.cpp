// vigilctl person commands as an operator runs them: real CSV files, the demo
// site config, a real SQLite file; every change must show in `log query`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/people_store.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

const std::string kHeader = "person_id,name,card,access_levels,active,valid_from,valid_until\n";

class PersonCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-person-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string import(const std::string& rows, bool replace = false, int expect = 0) {
    const fs::path csv = dir_ / "people.csv";
    std::ofstream(csv) << kHeader << rows;
    ImportArgs args{csv.string(), config().string(), db(), replace};
    std::ostringstream out, err;
    EXPECT_EQ(person_import(args, out, err), expect) << err.str();
    return out.str() + err.str();
  }

  std::string run(int (*command)(const std::string&, const std::string&, std::ostream&,
                                 std::ostream&),
                  const std::string& arg, int expect = 0) {
    std::ostringstream out, err;
    EXPECT_EQ(command(db(), arg, out, err), expect) << err.str();
    return out.str() + err.str();
  }

  std::string query_csv() {
    QueryArgs q;
    q.journal_path = db();
    q.format = "csv";
    std::ostringstream out, err;
    EXPECT_EQ(log_query(q, out, err), 0) << err.str();
    return out.str();
  }

  bool card_opens(std::uint32_t facility, std::uint64_t number) {
    const auto directory = journal::PeopleStore(db()).load();  // the holder points into it
    auto holder = directory.find_card({facility, number});
    return holder && holder->person.active() && holder->credential.active();
  }

  fs::path config() const { return fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml"; }
  std::string db() const { return (dir_ / "vigil.db").string(); }

  fs::path dir_;
};

TEST_F(PersonCommands, ImportReportsWhatChangedAndJournalsTheFileHashAndOperator) {
  const std::string rows = "p01,Anna,12:1001,staff,true,,\np02,Ben,12:1002,staff,true,,\n";
  const std::string report = import(rows);
  EXPECT_NE(report.find("2 added"), std::string::npos) << report;
  const std::string sha = journal::sha256_hex(kHeader + rows);
  EXPECT_NE(report.find(sha), std::string::npos) << report;

  const std::string log = query_csv();
  EXPECT_NE(log.find("roster_imported"), std::string::npos) << log;
  EXPECT_NE(log.find("sha256=" + sha), std::string::npos) << log;
  EXPECT_NE(log.find("operator=" + current_operator()), std::string::npos) << log;
  EXPECT_NE(log.find("rows=2"), std::string::npos) << log;
}

TEST_F(PersonCommands, ReplaceDeactivatesTheAbsentAndAChangedCardRevokesTheOld) {
  import("p01,Anna,12:1001,staff,true,,\np02,Ben,12:1002,staff,true,,\n");
  const std::string report = import("p01,Anna,12:1777,staff,true,,\n", true);
  EXPECT_NE(report.find("1 deactivated"), std::string::npos) << report;
  EXPECT_NE(report.find("1 cards revoked"), std::string::npos) << report;
  EXPECT_FALSE(card_opens(12, 1002));  // Ben left
  EXPECT_FALSE(card_opens(12, 1001));  // Anna's old card
  EXPECT_TRUE(card_opens(12, 1777));
}

TEST_F(PersonCommands, ImportListingARevokedCardIsRefusedAndNothingChanges) {
  import("p01,Anna,12:1001,staff,true,,\n");
  run(person_revoke, "12:1001");
  const std::string report = import("p01,Anna Roy,12:1001,staff,true,,\n", false, 1);
  EXPECT_NE(report.find("revoked"), std::string::npos) << report;
  EXPECT_EQ(journal::PeopleStore(db()).load().find_person(core::PersonId{"p01"})->name(), "Anna");
}

TEST_F(PersonCommands, RevokeDisableAndEnableChangeAccessAndSayWhatTheyDid) {
  import("p01,Anna,12:1001,staff,true,,\np02,Ben,12:1002,staff,true,,\n");
  EXPECT_NE(run(person_revoke, "12:1001").find("credential_revoked"), std::string::npos);
  EXPECT_FALSE(card_opens(12, 1001));
  EXPECT_NE(run(person_revoke, "12:1001", 1).find("already revoked"), std::string::npos);
  EXPECT_NE(run(person_revoke, "twelve", 2).find("facility:number"), std::string::npos);

  EXPECT_NE(run(person_disable, "p02").find("person_deactivated"), std::string::npos);
  EXPECT_FALSE(card_opens(12, 1002));
  EXPECT_NE(run(person_disable, "p02").find("already inactive"), std::string::npos);
  EXPECT_NE(run(person_enable, "p02").find("person_activated"), std::string::npos);
  EXPECT_TRUE(card_opens(12, 1002));
  EXPECT_NE(run(person_disable, "nobody", 1).find("no person 'nobody'"), std::string::npos);
}

TEST_F(PersonCommands, EveryRosterChangeIsInLogQueryAndTheJournalVerifies) {
  import("p01,Anna,12:1001,staff,true,,\np02,Ben,12:1002,staff,true,,\n");
  import("p01,Anna Roy,12:1777,staff;all-hours,true,,\n", true);
  run(person_revoke, "12:1777");
  run(person_enable, "p02");
  run(person_disable, "p02");

  const std::string log = query_csv();
  for (const char* kind : {"roster_imported", "person_added", "credential_added", "person_changed",
                           "person_deactivated", "person_activated", "credential_revoked"}) {
    EXPECT_NE(log.find(kind), std::string::npos) << kind << "\n" << log;
  }
  EXPECT_NE(log.find("name_after=\"\"Anna Roy\"\" name_before=Anna"), std::string::npos) << log;
  std::ostringstream out, err;
  EXPECT_EQ(log_verify(db(), out, err), 0) << err.str();
}

TEST_F(PersonCommands, ShowPrintsThePersonTheirCardsAndTheirHistory) {
  import("p01,Anna,12:1001,staff,true,,\n");
  import("p01,Anna,12:1777,staff,true,,2030-12-31\n");
  const std::string shown = run(person_show, "p01");
  EXPECT_NE(shown.find("name    Anna"), std::string::npos) << shown;
  EXPECT_NE(shown.find("status  active"), std::string::npos) << shown;
  EXPECT_NE(shown.find("12:1001  revoked"), std::string::npos) << shown;
  EXPECT_NE(shown.find("12:1777  active  valid - .. 2030-12-31"), std::string::npos) << shown;
  EXPECT_NE(shown.find("person_added"), std::string::npos) << shown;
  EXPECT_NE(shown.find("credential_revoked"), std::string::npos) << shown;
  // person_added (with 12:1001), credential_added (12:1777), credential_revoked.
  EXPECT_NE(shown.find("(3 events)"), std::string::npos) << shown;
  EXPECT_NE(run(person_show, "nobody", 1).find("no person"), std::string::npos);
}

TEST_F(PersonCommands, CommandsOnAMissingDatabaseSaySoAndCreateNothing) {
  EXPECT_NE(run(person_show, "p01", 2).find("no database at"), std::string::npos);
  EXPECT_NE(run(person_disable, "p01", 2).find("no database at"), std::string::npos);
  EXPECT_FALSE(fs::exists(db()));
}

}  // namespace
}  // namespace vigil::ctl

namespace vigil::ctl {
namespace {

TEST_F(PersonCommands, ListExpiringShowsClearancesEndingWithinThirtyDaysSoonestFirst) {
  const fs::path csv = dir_ / "cleared.csv";
  std::ofstream(csv) << "person_id,name,card,access_levels,clearance,clearance_expires\n"
                        "p01,Anna,12:1001,staff,secret,2026-12-29\n"
                        "p02,Ben,12:1002,staff,secret,2026-12-30\n"
                        "p03,Cleo,12:1003,staff,confidential,2026-11-28\n"
                        "p04,Dan,12:1004,staff,top_secret,\n"
                        "p05,Eve,12:1005,staff,,\n";
  std::ostringstream out, err;
  ASSERT_EQ(person_import(ImportArgs{csv.string(), config().string(), db(), false}, out, err), 0)
      << err.str();

  PersonListArgs args{
      .db_path = db(), .expiring = true, .days = 30, .today = *core::parse_date("2026-11-29")};
  std::ostringstream list, list_err;
  ASSERT_EQ(person_list(args, list, list_err), 0) << list_err.str();
  EXPECT_EQ(list.str(),
            "p03  Cleo  active  confidential until 2026-11-28  expired\n"
            "p01  Anna  active  secret until 2026-12-29  30 days\n"
            "2 clearances expiring by 2026-12-29\n");

  std::ostringstream all, all_err;
  args.expiring = false;
  ASSERT_EQ(person_list(args, all, all_err), 0);
  EXPECT_NE(all.str().find("p04  Dan  active  top_secret\n"), std::string::npos) << all.str();
  EXPECT_NE(all.str().find("p05  Eve  active  (none)\n"), std::string::npos) << all.str();
  EXPECT_NE(run(person_show, "p01").find("clearance secret until 2026-12-29\n"), std::string::npos);
}

}  // namespace
}  // namespace vigil::ctl
