// vigilctl as a user runs it: real config files, a real SQLite journal.
#include "vigil/ctl/commands.hpp"
#include "vigil/config/time_zone.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vigil/journal/journal.hpp"
#include "vigil/journal/people_store.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  fs::path demo_config() const { return fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml"; }

  // A journal with a grant, an entry and a denial at two doors.
  fs::path make_journal() {
    const fs::path path = dir_ / "journal.db";
    journal::Journal j(path);
    const core::TimePoint t0{std::chrono::hours(24 * 20782 + 9)};  // 2026-11-25 09:00Z
    std::vector<core::Event> events(3);
    events[0].kind = core::EventKind::access_granted;
    events[0].time = t0;
    events[0].person = core::PersonId("p01");
    events[0].door = core::DoorId("lobby-main");
    events[0].zone = core::ZoneId("lobby");
    events[0].card = core::CardNumber{12, 1001};
    events[1].kind = core::EventKind::entry;
    events[1].time = t0 + 1s;
    events[1].person = core::PersonId("p01");
    events[1].door = core::DoorId("lobby-main");
    events[1].zone = core::ZoneId("lobby");
    events[2].kind = core::EventKind::access_denied;
    events[2].reason = core::DenyReason::no_access_level;
    events[2].time = t0 + 1h;
    events[2].person = core::PersonId("p02");
    events[2].door = core::DoorId("server-room-door");
    events[2].zone = core::ZoneId("server-room");
    events[2].detail = "H10301, \"quoted\"";
    j.append(events);
    return path;
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

TEST_F(CtlTest, ConfigCheckAcceptsTheDemoSite) {
  EXPECT_EQ(config_check(demo_config().string(), out_, err_), 0) << err_.str();
  EXPECT_NE(out_.str().find(": ok"), std::string::npos);
}

TEST_F(CtlTest, ConfigCheckNamesFileLineAndColumnOfEachMistakeAndFails) {
  std::ifstream in(demo_config());
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  yaml += "bogus_key: 1\n";
  const fs::path bad = write("bad.yaml", yaml);
  EXPECT_NE(config_check(bad.string(), out_, err_), 0);
  const int last_line = static_cast<int>(std::count(yaml.begin(), yaml.end(), '\n'));
  EXPECT_NE(err_.str().find(bad.string() + ":" + std::to_string(last_line) + ":1:"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("bogus_key"), std::string::npos);
}

TEST_F(CtlTest, PersonImportLoadsTheDemoRoster) {
  const fs::path db = dir_ / "people.db";
  ImportArgs args{(fs::path(VIGIL_SOURCE_DIR) / "config/demo/people.csv").string(),
                  demo_config().string(), db.string()};
  ASSERT_EQ(person_import(args, out_, err_), 0) << err_.str();
  EXPECT_EQ(journal::PeopleStore(db).count().people, 20u);
}

TEST_F(CtlTest, PersonImportWithABadRowNamesItAndImportsNothing) {
  const fs::path db = dir_ / "people.db";
  const fs::path csv = write("people.csv",
                             "person_id,name,card,access_levels,active,valid_from,valid_until\n"
                             "x1,Good Row,12:5001,staff,true,,\n"
                             "x2,Bad Card,twelve,staff,true,,\n");
  ImportArgs args{csv.string(), demo_config().string(), db.string()};
  EXPECT_NE(person_import(args, out_, err_), 0);
  EXPECT_NE(err_.str().find(csv.string() + ":3"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("card"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("nothing imported"), std::string::npos);
  EXPECT_EQ(journal::PeopleStore(db).count().people, 0u);
}

TEST_F(CtlTest, PersonImportWhoseLastRowOfManyIsBadImportsNothing) {
  // Over 2 MiB: read in several chunks and checked row by row, the bad row
  // is found after thousands of good ones have streamed past.
  const fs::path db = dir_ / "people.db";
  std::string text = "person_id,name,card,access_levels,active,valid_from,valid_until\n";
  constexpr int kRows = 30'000;
  for (int i = 0; i < kRows; ++i) {
    text += "s" + std::to_string(i) + ",\"Streamed Person " + std::to_string(i) +
            ", Padding To Pass Several Chunks\",40:" + std::to_string(i) + ",staff,true,,\n";
  }
  text += "s-last,Last Row,40:7,staff,true,,\n";  // the card of row 8 again
  const fs::path csv = write("many.csv", text);
  ImportArgs args{csv.string(), demo_config().string(), db.string()};
  EXPECT_NE(person_import(args, out_, err_), 0);
  EXPECT_NE(err_.str().find(csv.string() + ":" + std::to_string(kRows + 2)), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("nothing imported"), std::string::npos);
  EXPECT_EQ(journal::PeopleStore(db).count().people, 0u);
}

TEST_F(CtlTest, PersonImportOfSeveralBatchesJournalsEveryRowAndTheFileHash) {
  const fs::path db = dir_ / "people.db";
  std::string text = "person_id,name,card,access_levels,active,valid_from,valid_until\n";
  constexpr int kRows = 12'345;  // two batches and a part
  for (int i = 0; i < kRows; ++i) {
    text += "b" + std::to_string(i) + ",Batch " + std::to_string(i) + ",41:" + std::to_string(i) +
            ",staff,true,,\n";
  }
  const fs::path csv = write("batches.csv", text);
  ImportArgs args{csv.string(), demo_config().string(), db.string()};
  ASSERT_EQ(person_import(args, out_, err_), 0) << err_.str();
  EXPECT_NE(out_.str().find("12345 added"), std::string::npos) << out_.str();
  // roster_imported, then one person_added (with the card) per row.
  EXPECT_NE(out_.str().find("journal #1..#12346"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("sha256 " + journal::sha256_hex(text)), std::string::npos);
  EXPECT_EQ(journal::PeopleStore(db).count().people, static_cast<std::size_t>(kRows));
  EXPECT_TRUE(journal::Journal(db).verify().ok);
}

TEST_F(CtlTest, LogQueryFiltersByPersonAndPrintsATable) {
  QueryArgs q;
  q.journal_path = make_journal().string();
  q.person = "p01";
  ASSERT_EQ(log_query(q, out_, err_), 0) << err_.str();
  const std::string s = out_.str();
  EXPECT_NE(s.find("access_granted"), std::string::npos);
  EXPECT_NE(s.find("entry"), std::string::npos);
  EXPECT_EQ(s.find("access_denied"), std::string::npos);
  EXPECT_NE(s.find("(2 events)"), std::string::npos);
}

TEST_F(CtlTest, LogQueryByZoneAndTimeRangeAsCsvQuotesFields) {
  QueryArgs q;
  q.journal_path = make_journal().string();
  q.zone = "server-room";
  q.from = "2026-11-25T09:30:00Z";
  q.to = "2026-11-26";
  q.format = "csv";
  ASSERT_EQ(log_query(q, out_, err_), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "seq,time,kind,reason,door,reader,zone,person,device,card,detail,attrs\r\n"
            "3,2026-11-25T10:00:00.000000Z,access_denied,no_access_level,server-room-door,,"
            "server-room,p02,,,\"H10301, \"\"quoted\"\"\",\r\n");
}

TEST_F(CtlTest, LogQueryAsJsonCarriesSeqAndFields) {
  QueryArgs q;
  q.journal_path = make_journal().string();
  q.door = "lobby-main";
  q.format = "json";
  ASSERT_EQ(log_query(q, out_, err_), 0) << err_.str();
  EXPECT_NE(out_.str().find("\"seq\": 1"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("\"card\": \"12:1001\""), std::string::npos);
}

TEST_F(CtlTest, LogQueryRejectsABadTime) {
  QueryArgs q;
  q.journal_path = make_journal().string();
  q.from = "last tuesday";
  EXPECT_EQ(log_query(q, out_, err_), 2);
  EXPECT_NE(err_.str().find("last tuesday"), std::string::npos);
}

TEST_F(CtlTest, LogQueryNamesAnUnknownIdWithTheClosestKnownOne) {
  const auto path = make_journal().string();
  const struct {
    void (*set)(QueryArgs&);
    const char* says;
  } cases[] = {
      {[](QueryArgs& q) { q.person = "p1"; }, "unknown person 'p1' (did you mean 'p01'?)"},
      {[](QueryArgs& q) { q.door = "lobby-mian"; }, "unknown door 'lobby-mian'"},
      {[](QueryArgs& q) { q.kinds = {"acces_denied"}; }, "(did you mean 'access_denied'?)"},
      {[](QueryArgs& q) { q.reasons = {"no_acess_level"}; }, "(did you mean 'no_access_level'?)"},
      {[](QueryArgs& q) { q.card = "12-1001"; }, "cannot read card '12-1001'"},
      {[](QueryArgs& q) { q.to = "2026-02-31"; }, "'2026-02-31': day 31 does not exist"},
  };
  for (const auto& c : cases) {
    QueryArgs q;
    q.journal_path = path;
    c.set(q);
    err_.str("");
    out_.str("");
    EXPECT_EQ(log_query(q, out_, err_), 2) << c.says;
    EXPECT_NE(err_.str().find(c.says), std::string::npos) << err_.str();
    EXPECT_EQ(out_.str(), "");
  }
}

TEST_F(CtlTest, LogQueryReadsAndShowsSiteTimeAndPagesWithACursor) {
  QueryArgs q;
  q.journal_path = make_journal().string();
  q.time_zone = config::load_time_zone("Europe/Berlin");
  q.from = "2026-11-25T10:30";  // 09:30Z
  q.kinds = {"access_denied", "access_granted"};
  q.limit = 1;
  ASSERT_EQ(log_query(q, out_, err_), 0) << err_.str();
  EXPECT_NE(out_.str().find("2026-11-25T11:00:00.000000+01:00"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("(more: --after-seq 3)"), std::string::npos) << out_.str();
}

TEST_F(CtlTest, LogVerifyPassesIntactAndNamesTheEditedRow) {
  const fs::path path = make_journal();
  EXPECT_EQ(log_verify(path.string(), out_, err_), 0) << err_.str();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE events SET card = '12:9999' WHERE seq = 2", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_NE(log_verify(path.string(), out_, err_), 0);
  EXPECT_NE(err_.str().find("row 2"), std::string::npos) << err_.str();
}

TEST_F(CtlTest, MissingJournalIsAClearError) {
  EXPECT_NE(log_verify((dir_ / "nope.db").string(), out_, err_), 0);
  EXPECT_NE(err_.str().find("no journal at"), std::string::npos);
}

}  // namespace
}  // namespace vigil::ctl
