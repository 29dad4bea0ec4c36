// The people store's WITHOUT ROWID tables (s22-import): a new file has them,
// and a file made before, with rowid tables, is rebuilt on open with every
// person, level and card kept.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace people_layout_test {

using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::RawSql;
using testing::TempDir;

// 3 when all three are WITHOUT ROWID.
constexpr const char* kWithoutRowid =
    "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND wr = 1 AND name IN "
    "('people', 'person_levels', 'credentials')";
constexpr const char* kAutoindexes =
    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'sqlite_autoindex_%' "
    "AND tbl_name IN ('people', 'person_levels', 'credentials')";

// The layout of files made before s22: the same columns in rowid tables.
void make_rowid_layout(RawSql& raw) {
  raw.exec("PRAGMA foreign_keys=OFF");
  raw.exec(R"sql(
BEGIN;
CREATE TABLE old_people (id TEXT PRIMARY KEY, name TEXT NOT NULL, active INTEGER NOT NULL,
  clearance TEXT, clearance_expires TEXT);
INSERT INTO old_people SELECT id, name, active, clearance, clearance_expires FROM people;
CREATE TABLE old_levels (person TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, level TEXT NOT NULL, PRIMARY KEY (person, position));
INSERT INTO old_levels SELECT person, position, level FROM person_levels;
CREATE TABLE old_credentials (card TEXT PRIMARY KEY,
  person TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE, active INTEGER NOT NULL,
  valid_from_us INTEGER, valid_until_us INTEGER);
INSERT INTO old_credentials SELECT * FROM credentials;
DROP TABLE credentials; DROP TABLE person_levels; DROP TABLE people;
ALTER TABLE old_people RENAME TO people;
ALTER TABLE old_levels RENAME TO person_levels;
ALTER TABLE old_credentials RENAME TO credentials;
CREATE INDEX credentials_by_person ON credentials(person);
COMMIT;
)sql");
}

core::Person cleared(core::Person p) {
  p.clearance = core::Clearance{core::ClearanceLevel::secret, core::parse_date("2027-06-30")};
  return p;
}

TEST(PeopleLayoutMigration, ANewFileHasItsPeopleTablesWithoutRowidAndNoKeyIndexes) {
  TempDir dir;
  Roster roster{dir.file("vigil.db"), "hr-admin"};
  RawSql raw{dir.file("vigil.db")};
  EXPECT_EQ(raw.integer(kWithoutRowid), 3);
  EXPECT_EQ(raw.integer(kAutoindexes), 0);
}

TEST(PeopleLayoutMigration, AFileWithRowidPeopleTablesIsRebuiltOnOpenAndKeepsItsRoster) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  {
    Roster roster{db, "hr-admin"};
    roster.import(file({cleared(person("p1", "Anna", {"staff", "vault"})),
                        person("p2", "Ben", {"night"}, /*active=*/false)},
                       {card(12, 1, "p1"), card(12, 2, "p1"), card(12, 3, "p2")}),
                  at(0));
  }
  {
    RawSql raw{db};
    make_rowid_layout(raw);
    ASSERT_EQ(raw.integer(kWithoutRowid), 0);
    ASSERT_EQ(raw.integer(kAutoindexes), 3);  // each table's key
  }
  Roster roster{db, "hr-admin"};
  {
    RawSql raw{db};
    EXPECT_EQ(raw.integer(kWithoutRowid), 3);
    EXPECT_EQ(raw.integer(kAutoindexes), 0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM person_levels"), 3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v3'"), 0);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 2);  // the journal format is unchanged
  }
  const auto anna = roster.store().find_person(core::PersonId{"p1"});
  ASSERT_TRUE(anna);
  EXPECT_EQ(anna->person.name, "Anna");
  ASSERT_EQ(anna->person.access_levels.size(), 2u);
  EXPECT_EQ(anna->person.access_levels[0].str(), "staff");
  EXPECT_EQ(anna->person.access_levels[1].str(), "vault");
  EXPECT_EQ(anna->person.clearance.level, core::ClearanceLevel::secret);
  ASSERT_EQ(anna->cards.size(), 2u);
  const auto directory = roster.store().load();
  ASSERT_TRUE(directory.find_person(core::PersonId{"p2"}));
  EXPECT_FALSE(directory.find_person(core::PersonId{"p2"})->active());
  EXPECT_TRUE(directory.find_card({.facility = 12, .number = 3}));
  EXPECT_EQ(directory.person_count(), 2u);
  EXPECT_EQ(directory.credential_count(), 3u);
  EXPECT_TRUE(roster.journal().verify().ok);
}

TEST(PeopleLayoutMigration, AMigratedFileTakesTheNextImportLikeAnyOther) {
  TempDir dir;
  const auto db = dir.file("vigil.db");
  {
    Roster roster{db, "hr-admin"};
    roster.import(file({person("p1", "Anna", {"staff"})}, {card(12, 1, "p1")}), at(0));
  }
  {
    RawSql raw{db};
    make_rowid_layout(raw);
  }
  Roster roster{db, "hr-admin"};
  // The next import changes the person and replaces their card, as on any file.
  auto change = roster.import(
      file({person("p1", "Anna B", {"staff", "night"}), person("p3", "Cleo", {"staff"})},
           {card(12, 7, "p1"), card(12, 8, "p3")}),
      at(1));
  EXPECT_EQ(change.count(core::EventKind::person_changed), 1u);
  EXPECT_EQ(change.count(core::EventKind::person_added), 1u);
  EXPECT_EQ(change.count(core::EventKind::credential_revoked), 1u);
  const auto anna = roster.store().find_person(core::PersonId{"p1"});
  ASSERT_TRUE(anna);
  EXPECT_EQ(anna->person.name, "Anna B");
  EXPECT_EQ(anna->person.access_levels.size(), 2u);
}

}  // namespace people_layout_test
}  // namespace vigil::journal
