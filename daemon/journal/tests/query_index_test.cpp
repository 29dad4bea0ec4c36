// The (person_id, ts_us) and (door_id, ts_us) indexes: a person's month, a
// door's day and a zone's day read only their time range, and a file made
// with the older (person_id) and (door_id) indexes is migrated on open with
// its chain untouched.
#include <gtest/gtest.h>

#include <algorithm>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

std::string qindex_joined(const std::vector<std::string>& plan) {
  std::string out;
  for (const auto& step : plan) out += step + "; ";
  return out;
}

std::vector<std::uint64_t> qindex_seqs(const std::vector<core::Event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

std::vector<std::string> qindex_names(testing::RawSql& raw) {
  std::vector<std::string> out;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw.handle(),
                     "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                     "tbl_name = 'events' AND sql IS NOT NULL ORDER BY name",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  return out;
}

// Two people and two lab doors over three days, a vault door, and a zone
// event with no door: seq 1..13.
std::vector<core::Event> qindex_days() {
  using testing::granted;
  const std::int64_t day = 86'400;
  std::vector<core::Event> events;
  for (std::int64_t d = 0; d < 3; ++d) {
    events.push_back(granted(d * day, "alice", "lab-door", "lab"));
    events.push_back(granted(d * day + 60, "bob", "side-door", "lab"));
    events.push_back(granted(d * day + 120, "alice", "vault-door", "vault"));
    events.push_back(testing::door_event(d * day + 180, core::EventKind::door_opened, "lab-door"));
  }
  core::Event zone_only;  // day 1, a zone-level event with no door: seq 13
  zone_only.time = testing::at(day + 300);
  zone_only.kind = core::EventKind::door_held_open;
  zone_only.zone = core::ZoneId{"lab"};
  events.push_back(zone_only);
  return events;
}

const std::vector<std::string> kQindexCurrentIndexes{"events_by_card",
                                                     "events_by_door_time",
                                                     "events_by_kind",
                                                     "events_by_person_time",
                                                     "events_by_reason",
                                                     "events_by_time",
                                                     "events_by_zone_without_door"};

TEST(JournalQueryPlan, PersonDoorAndZoneTimeRangesAreSearchedOnTheirTimeIndex) {
  testing::TempDir dir;
  Journal journal{dir.file("j.db")};
  auto events = qindex_days();
  journal.append(events);
  const auto from = testing::at(86'400);
  const auto to = testing::at(2 * 86'400);
  const struct {
    const char* what;
    Filter filter;
    const char* step;
  } cases[] = {
      {"person's day",
       {.person = core::PersonId{"alice"}, .from = from, .to = to},
       "USING INDEX events_by_person_time (person_id=? AND ts_us>? AND ts_us<?)"},
      {"person since",
       {.person = core::PersonId{"alice"}, .from = from},
       "USING INDEX events_by_person_time (person_id=? AND ts_us>?)"},
      {"door's day",
       {.door = core::DoorId{"lab-door"}, .from = from, .to = to},
       "USING INDEX events_by_door_time (door_id=? AND ts_us>? AND ts_us<?)"},
      {"zone's day",
       {.zone = core::ZoneId{"lab"}, .from = from, .to = to},
       "USING INDEX events_by_door_time (door_id=? AND ts_us>? AND ts_us<?)"},
  };
  for (const auto& c : cases) {
    auto plan = qindex_joined(journal.query_plan(c.filter));
    EXPECT_NE(plan.find(c.step), std::string::npos) << c.what << ": " << plan;
    EXPECT_EQ(plan.find("SCAN events"), std::string::npos) << c.what << ": " << plan;
  }
}

TEST(JournalQueryZone, AZonesDayHasItsDoorsRowsAndItsDoorlessRowsOfThatDayOnly) {
  testing::TempDir dir;
  Journal journal{dir.file("j.db")};
  auto events = qindex_days();
  journal.append(events);
  const auto from = testing::at(86'400);
  const auto to = testing::at(2 * 86'400);
  EXPECT_EQ(qindex_seqs(journal.query({.zone = core::ZoneId{"lab"}, .from = from, .to = to})),
            (std::vector<std::uint64_t>{5, 6, 13}));
  EXPECT_EQ(qindex_seqs(journal.query(
                {.zone = core::ZoneId{"lab"}, .from = from, .to = to, .after_seq = 5, .limit = 1})),
            (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(qindex_seqs(journal.query({.zone = core::ZoneId{"vault"}, .from = from})),
            (std::vector<std::uint64_t>{7, 11}));
  EXPECT_EQ(qindex_seqs(journal.query({.person = core::PersonId{"alice"}, .to = from})),
            (std::vector<std::uint64_t>{1, 3}));
}

TEST(JournalIndexMigration, AFileWithThePersonAndDoorIndexesOfBeforeGetsTheTimeIndexesOnOpen) {
  testing::TempDir dir;
  const auto path = dir.file("j.db");
  VerifyResult before;
  {
    Journal journal{path};
    auto events = qindex_days();
    journal.append(events);
    before = journal.verify();
  }
  {
    testing::RawSql raw{path};  // the indexes a journal of before s19 has
    raw.exec(
        "DROP INDEX events_by_person_time; DROP INDEX events_by_door_time;"
        "CREATE INDEX events_by_person ON events(person_id) WHERE person_id IS NOT NULL;"
        "CREATE INDEX events_by_door ON events(door_id) WHERE door_id IS NOT NULL;");
  }
  const Filter month{.person = core::PersonId{"alice"},
                     .from = testing::at(86'400),
                     .to = testing::at(2 * 86'400)};
  {
    Journal journal{path};
    EXPECT_EQ(qindex_seqs(journal.query(month)), (std::vector<std::uint64_t>{5, 7}));
    auto plan = qindex_joined(journal.query_plan(month));
    EXPECT_NE(plan.find("events_by_person_time (person_id=? AND ts_us>? AND ts_us<?)"),
              std::string::npos)
        << plan;
    auto after = journal.verify();
    EXPECT_TRUE(after.ok) << after.message;
    EXPECT_EQ(after.message, before.message);  // rows and head hash unchanged
  }
  testing::RawSql raw{path};
  EXPECT_EQ(qindex_names(raw), kQindexCurrentIndexes);
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
}

TEST(JournalIndexMigration, ANewFileHasTheTimeIndexesAndNoOthersForPersonOrDoor) {
  testing::TempDir dir;
  { Journal journal{dir.file("j.db")}; }
  testing::RawSql raw{dir.file("j.db")};
  EXPECT_EQ(qindex_names(raw), kQindexCurrentIndexes);
}

}  // namespace
}  // namespace vigil::journal
