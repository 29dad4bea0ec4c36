// Clearances in the people store (issue 8): stored with the person, changed
// only through the roster with before/after on the record, and added to a
// file written before they existed.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace clearance_store_test {

using core::ClearanceLevel;
using core::EventKind;
using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::RawSql;
using testing::TempDir;

core::Person cleared(const std::string& id, ClearanceLevel level, const char* last_day) {
  auto p = person(id, id, {"staff"});
  p.clearance = core::Clearance{level, last_day ? core::parse_date(last_day) : std::nullopt};
  return p;
}

std::string text(const core::Event& e, const char* key) {
  return core::attr_text(e.attrs, key).value_or("<missing>");
}

class ClearanceStore : public ::testing::Test {
 protected:
  std::filesystem::path db() const { return dir_.file("vigil.db"); }
  TempDir dir_;
  Roster roster_{db(), "hr-admin"};
};

TEST_F(ClearanceStore, ImportStoresTheClearanceAndJournalsIt) {
  auto change = roster_.import(
      file({cleared("p1", ClearanceLevel::secret, "2027-06-30")}, {card(12, 1, "p1")}), at(0));
  EXPECT_EQ(text(change.events.at(1), "clearance"), "secret until 2027-06-30");

  const auto directory = roster_.store().load();
  const auto holder = directory.find_card({12, 1});
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->person.clearance(),
            (core::Clearance{ClearanceLevel::secret, core::parse_date("2027-06-30")}));
  EXPECT_EQ(roster_.store().find_person(core::PersonId{"p1"})->person.clearance,
            holder->person.clearance());
}

TEST_F(ClearanceStore, AChangedClearanceIsJournalledBeforeAndAfter) {
  roster_.import(file({cleared("p1", ClearanceLevel::secret, "2027-06-30")}, {}), at(0));
  auto change =
      roster_.import(file({cleared("p1", ClearanceLevel::top_secret, nullptr)}, {}), at(1));
  ASSERT_EQ(change.count(EventKind::person_changed), 1u);
  const auto& changed = change.events.at(1);
  EXPECT_EQ(text(changed, "clearance_before"), "secret until 2027-06-30");
  EXPECT_EQ(text(changed, "clearance_after"), "top_secret");
  EXPECT_EQ(text(changed, "operator"), "hr-admin");
}

TEST_F(ClearanceStore, AFileWithoutAClearanceColumnKeepsTheStoredClearance) {
  roster_.import(file({cleared("p1", ClearanceLevel::secret, "2027-06-30")}, {}), at(0));
  auto old_sheet = file({person("p1", "p1", {"staff"})}, {});
  old_sheet.sets_clearance = false;
  auto change = roster_.import(old_sheet, at(1));
  EXPECT_EQ(change.count(EventKind::person_changed), 0u);
  EXPECT_EQ(roster_.store().find_person(core::PersonId{"p1"})->person.clearance.level,
            ClearanceLevel::secret);
}

TEST_F(ClearanceStore, AFileFromBeforeClearancesGainsTheColumnsOnOpen) {
  roster_.import(file({person("p1", "Anna", {"staff"})}, {card(12, 1, "p1")}), at(0));
  {
    RawSql raw{db()};
    raw.exec("ALTER TABLE people DROP COLUMN clearance_expires");
    raw.exec("ALTER TABLE people DROP COLUMN clearance");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM pragma_table_info('people')"), 3);
  }
  PeopleStore store{db()};
  const auto record = store.find_person(core::PersonId{"p1"});
  ASSERT_TRUE(record);
  EXPECT_EQ(record->person.name, "Anna");
  EXPECT_EQ(record->person.clearance, core::Clearance{});
  RawSql raw{db()};
  EXPECT_EQ(raw.integer("SELECT count(*) FROM pragma_table_info('people')"), 5);
  EXPECT_EQ(raw.integer("PRAGMA user_version"), 2);  // the journal format is unchanged
}

TEST_F(ClearanceStore, TheStoreRefusesAClearanceItDoesNotKnow) {
  roster_.import(file({person("p1", "Anna", {"staff"})}, {}), at(0));
  RawSql raw{db()};
  EXPECT_EQ(raw.integer("SELECT count(*) FROM people"), 1);
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db().c_str(), &handle), SQLITE_OK);
  EXPECT_EQ(
      sqlite3_exec(handle, "UPDATE people SET clearance = 'cosmic'", nullptr, nullptr, nullptr),
      SQLITE_CONSTRAINT);
  sqlite3_close(handle);
}

TEST_F(ClearanceStore, ListsClearancesExpiringByADaySoonestFirst) {
  roster_.import(
      file({cleared("late", ClearanceLevel::secret, "2027-01-31"),
            cleared("soon", ClearanceLevel::secret, "2026-12-01"),
            cleared("never", ClearanceLevel::secret, nullptr), person("none", "none", {})},
           {}),
      at(0));
  std::vector<std::string> ids;
  for (const auto& p : roster_.store().list_people(core::parse_date("2026-12-31"))) {
    ids.push_back(p.id.str());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"soon"}));
  ids.clear();
  for (const auto& p : roster_.store().list_people(core::parse_date("2027-01-31"))) {
    ids.push_back(p.id.str());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"soon", "late"}));
  EXPECT_EQ(roster_.store().list_people().size(), 4u);
}

}  // namespace clearance_store_test
}  // namespace vigil::journal
