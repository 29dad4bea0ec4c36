// Incidents in the journal: derived from the events, and what people did
// about them appended as new rows. A resolution is a new record, never an
// edit: every byte stored before a full acknowledge/escalate/resolve
// sequence is still there, unchanged, afterwards, and the chain verifies.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "journal_test_support.hpp"
#include "vigil/journal/incident_log.hpp"

namespace vigil::journal {
namespace {

using testing::TempDir;

core::TimePoint at(int second) {
  return core::from_unix_micros(1'764'000'000'000'000 + std::int64_t{second} * 1'000'000);
}

// Every row of every table, as its column types and bytes, per table.
std::map<std::string, std::vector<std::string>> every_row(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> tables;
  sqlite3_stmt* list = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list, nullptr);
  while (sqlite3_step(list) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
  sqlite3_finalize(list);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& table : tables) {
    sqlite3_stmt* rows = nullptr;
    sqlite3_prepare_v2(db, ("SELECT * FROM \"" + table + "\"").c_str(), -1, &rows, nullptr);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(rows); ++c) {
        row += std::to_string(sqlite3_column_type(rows, c)) + ":";
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(rows, c));
        row.append(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(rows, c)));
        row += "|";
      }
      out[table].push_back(std::move(row));
    }
    sqlite3_finalize(rows);
    std::sort(out[table].begin(), out[table].end());
  }
  sqlite3_close(db);
  return out;
}

class IncidentLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Journal journal(path());
    std::vector<core::Event> events(3);
    events[0].kind = core::EventKind::daemon_started;
    events[0].time = at(0);
    events[1].kind = core::EventKind::door_forced;  // incident 2
    events[1].time = at(1);
    events[1].door = core::DoorId{"server-door"};
    events[2].kind = core::EventKind::door_closed;
    events[2].time = at(2);
    events[2].door = core::DoorId{"server-door"};
    journal.append(events);
  }
  std::filesystem::path path() const { return dir_.file("journal.db"); }
  IncidentLog log(const std::string& who) {
    IncidentLogOptions options;
    options.door_zones.emplace("server-door", core::ZoneId{"server-room"});
    return IncidentLog(path(), who, options);
  }

  TempDir dir_;
};

TEST_F(IncidentLogTest, LifecycleNeverUpdatesAStoredRow) {
  const auto before = every_row(path());
  auto ana = log("ana");
  auto bo = log("bo");
  ana.acknowledge(2, at(10));
  ana.escalate(2, "looks deliberate", at(11));
  bo.acknowledge(2, at(12));
  bo.escalate(2, "ethics must see this", at(13));
  bo.resolve(2, "contractor lost badge; door repaired", at(14));
  const auto after = every_row(path());

  for (const auto& [table, rows] : before) {
    SCOPED_TRACE(table);
    ASSERT_TRUE(after.count(table));
    const auto& now = after.at(table);
    for (const auto& row : rows) {
      EXPECT_TRUE(std::binary_search(now.begin(), now.end(), row))
          << "a row stored before the lifecycle changed or vanished";
    }
  }
  EXPECT_EQ(after.at("events").size(), before.at("events").size() + 5);

  const auto verified = Journal(path()).verify();
  EXPECT_TRUE(verified.ok) << verified.message;
  EXPECT_EQ(verified.rows, 8u);
}

TEST_F(IncidentLogTest, IncidentsAreDerivedWithTheirDoorsZoneAndOpenAtTheFirstLevel) {
  const auto all = log("ana").list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id(), 2u);
  EXPECT_EQ(all[0].incident.kind, core::IncidentKind::door_forced);
  EXPECT_EQ(all[0].incident.event.zone, core::ZoneId{"server-room"});
  EXPECT_EQ(all[0].lifecycle.state(), core::IncidentState::open);
  EXPECT_EQ(all[0].lifecycle.current().name, "shift_lead");
}

TEST_F(IncidentLogTest, ActionsAreJournalledWithTypedAttributes) {
  auto ana = log("ana");
  const auto e = ana.escalate(2, "needs the officer", at(10));
  const auto stored = Journal(path()).query(Filter{.after_seq = e.seq - 1, .limit = 1});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].kind, core::EventKind::incident_escalated);
  EXPECT_EQ(core::attr_int(stored[0].attrs, "incident"), 2);
  EXPECT_EQ(core::attr_text(stored[0].attrs, "operator"), "ana");
  EXPECT_EQ(core::attr_int(stored[0].attrs, "level"), 2);
  EXPECT_EQ(core::attr_text(stored[0].attrs, "level_name"), "security_officer");
  EXPECT_EQ(core::attr_text(stored[0].attrs, "note"), "needs the officer");
  EXPECT_EQ(stored[0].zone, core::ZoneId{"server-room"});
}

TEST_F(IncidentLogTest, IllegalTransitionsAreRefusedAndWriteNothing) {
  auto ana = log("ana");
  ana.resolve(2, "false alarm: the cleaner", at(10));
  const auto rows = Journal(path()).last_seq();
  struct Case {
    const char* what;
    std::function<void()> act;
    const char* message;
  };
  for (const auto& c : std::vector<Case>{
           {"resolve twice", [&] { ana.resolve(2, "again", at(11)); }, "already resolved (by ana"},
           {"ack resolved", [&] { ana.acknowledge(2, at(11)); }, "cannot be acknowledged"},
           {"escalate resolved", [&] { ana.escalate(2, "", at(11)); }, "cannot be escalated"},
           {"unknown incident", [&] { ana.acknowledge(3, at(11)); }, "no incident 3"},
       }) {
    SCOPED_TRACE(c.what);
    try {
      c.act();
      ADD_FAILURE() << "not refused";
    } catch (const JournalError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
    EXPECT_EQ(Journal(path()).last_seq(), rows) << "a refused action wrote a row";
  }
}

TEST_F(IncidentLogTest, EscalatingPastTheLastLevelIsRefused) {
  auto ana = log("ana");
  ana.escalate(2, "", at(10));
  ana.escalate(2, "", at(11));
  try {
    ana.escalate(2, "", at(12));
    ADD_FAILURE() << "not refused";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find("last escalation level (ethics_unit, 3 of 3)"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(IncidentLogTest, ReportedAnomalyIsAnIncidentOfItsOwn) {
  auto ana = log("ana");
  const auto record = ana.report(core::AnomalyKind::gift, core::ZoneId{"lobby"},
                                 "a supplier left an envelope", core::PersonId{"p02"}, at(20));
  EXPECT_EQ(record.id(), 4u);
  EXPECT_EQ(record.incident.kind, core::IncidentKind::reported_anomaly);
  const auto found = ana.find(4);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->incident.event.zone, core::ZoneId{"lobby"});
  EXPECT_EQ(found->incident.event.person, core::PersonId{"p02"});
  EXPECT_EQ(core::attr_text(found->incident.event.attrs, "anomaly"), "gift");
  EXPECT_THROW(
      ana.report(core::AnomalyKind::other, core::ZoneId{"lobby"}, "", std::nullopt, at(21)),
      JournalError);
}

TEST_F(IncidentLogTest, LifecycleOfOneIncidentMatchesTheFullList) {
  auto ana = log("ana");
  ana.acknowledge(2, at(10));
  const auto one = ana.lifecycle(2);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->state(), core::IncidentState::acknowledged);
  EXPECT_EQ(one->current().acknowledged->by, "ana");
  EXPECT_FALSE(ana.lifecycle(99));
}

}  // namespace
}  // namespace vigil::journal
