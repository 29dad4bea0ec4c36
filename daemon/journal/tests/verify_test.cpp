// verify() against the tampering an insider with write access to the file
// could do with the sqlite3 shell: edit, delete, reorder, retype. Each must be
// found and the report must name the first bad row and the kind of damage.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::sample_events;
using testing::TempDir;

class JournalVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    Journal journal{path()};
    auto events = sample_events(50);
    journal.append(events);
  }
  std::filesystem::path path() const { return dir_.file("j.db"); }
  VerifyResult verify() const { return Journal{path()}.verify(); }
  void tamper(const std::string& sql) { RawSql{path()}.exec(sql); }

 private:
  TempDir dir_;
};

TEST_F(JournalVerify, PassesOnAnIntactJournalAndReportsRowsAndHead) {
  Journal journal{path()};
  auto result = journal.verify();
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.rows, 50u);
  EXPECT_EQ(result.head_hash, journal.head_hash());
  EXPECT_EQ(result.damage, Damage::none);
  EXPECT_EQ(result.journal_id, journal.journal_id());
  EXPECT_EQ(result.message, "ok: 50 rows, head " + to_hex(journal.head_hash()));
}

TEST(JournalVerifyEmpty, PassesOnAnEmptyJournalWithTheGenesisHead) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  auto result = journal.verify();
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.rows, 0u);
  EXPECT_EQ(result.head_hash, journal.genesis_hash());
}

TEST_F(JournalVerify, CatchesAnEditedField) {
  tamper("UPDATE events SET card = '12:9999' WHERE seq = 17");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 17u);
  EXPECT_EQ(result.message, "row 17: altered (hash mismatch)");
  EXPECT_EQ(result.rows, 16u);
}

TEST_F(JournalVerify, CatchesAnEventMovedToAnotherPerson) {
  tamper("INSERT INTO names (text) VALUES ('p-innocent')");
  tamper(
      "UPDATE events SET person_id = (SELECT id FROM names WHERE text = 'p-innocent') "
      "WHERE seq = 17");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 17u);
}

TEST_F(JournalVerify, CatchesARenamedName) {
  // One UPDATE on the dictionary would rename p-2 in every row that names it.
  tamper("UPDATE names SET text = 'p-innocent' WHERE text = 'p-2'");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 3u);  // sample_events: row 3 is p-2's first grant
}

TEST_F(JournalVerify, CatchesAnIdPointedAtADuplicateName) {
  // Same text, other id: the row still reads "p-2", but a query by person
  // would no longer find it. The hash covers the id as well as the text.
  RawSql raw{path()};
  raw.drop_strict("names");
  raw.exec("PRAGMA writable_schema=ON");
  raw.exec(
      "UPDATE sqlite_schema SET sql = replace(sql, 'TEXT NOT NULL UNIQUE', 'TEXT NOT NULL') "
      "WHERE name = 'names'");
  raw.exec("DELETE FROM sqlite_schema WHERE name = 'sqlite_autoindex_names_1'");
  raw.exec("PRAGMA writable_schema=OFF");
  RawSql after{path()};
  after.exec("INSERT INTO names (id, text) VALUES (999, 'p-2')");
  after.exec("UPDATE events SET person_id = 999 WHERE seq = 3");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 3u);
}

TEST_F(JournalVerify, StrictTablesRefuseATypeChangeOutright) {
  RawSql raw{path()};
  EXPECT_NE(sqlite3_exec(raw.handle(), "UPDATE events SET person_id = CAST(person_id AS BLOB)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
}

TEST_F(JournalVerify, NamesAStoredTypeChangeEvenWhereTheValueComparesEqual) {
  // Past STRICT (writable_schema), cast one person id to BLOB: the bytes are
  // the same, `person_id = 3` no longer matches it. verify must say so.
  RawSql{path()}.drop_strict("events");
  tamper("UPDATE events SET person_id = CAST(person_id AS BLOB) WHERE seq = 21");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::type_changed);
  EXPECT_EQ(result.bad_seq, 21u);
  EXPECT_EQ(result.message, "row 21: type_changed (person_id holds BLOB, the schema says INTEGER)");
}

TEST_F(JournalVerify, NamesATextCastToBlobInTheNamesDictionary) {
  RawSql{path()}.drop_strict("names");
  tamper("UPDATE names SET text = CAST(text AS BLOB) WHERE text = 'p-2'");
  RawSql raw{path()};
  EXPECT_EQ(raw.integer("SELECT count(*) FROM names WHERE text = 'p-2'"), 0);
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::type_changed);
  EXPECT_EQ(result.bad_seq, 3u);
  EXPECT_EQ(result.message,
            "row 3: type_changed (the name of person_id holds BLOB, the schema says TEXT)");
}

TEST_F(JournalVerify, NamesARowThatZoneQueriesWouldNoLongerFind) {
  tamper("DELETE FROM door_zones");
  EXPECT_TRUE(Journal{path()}.query({.zone = core::ZoneId{"lab"}}).empty());
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::unindexed);
  EXPECT_EQ(result.bad_seq, 1u);
}

TEST_F(JournalVerify, CatchesAnEditedTimestamp) {
  tamper("UPDATE events SET ts_us = ts_us - 3600000000 WHERE seq = 30");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 30u);
}

TEST_F(JournalVerify, CatchesAFieldSetFromAbsentToEmpty) {
  tamper("UPDATE events SET card = '' WHERE seq = 2 AND card IS NULL");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 2u);
}

TEST_F(JournalVerify, CatchesADeletedMiddleRow) {
  tamper("DELETE FROM events WHERE seq = 17");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 17u);
  EXPECT_EQ(result.message, "row 17: missing (seq jumps from 16 to 18)");
}

TEST_F(JournalVerify, CatchesADeletedFirstRow) {
  tamper("DELETE FROM events WHERE seq = 1");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 1u);
  EXPECT_EQ(result.message, "row 1: missing (journal starts at seq 2)");
}

TEST_F(JournalVerify, CatchesADeletionHiddenByRenumbering) {
  tamper("DELETE FROM events WHERE seq = 17");
  for (int seq = 18; seq <= 50; ++seq) {
    tamper("UPDATE events SET seq = " + std::to_string(seq - 1) +
           " WHERE seq = " + std::to_string(seq));
  }
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 17u);
}

TEST_F(JournalVerify, CatchesASwappedPairOfRows) {
  tamper("UPDATE events SET seq = -1 WHERE seq = 16");
  tamper("UPDATE events SET seq = 16 WHERE seq = 17");
  tamper("UPDATE events SET seq = 17 WHERE seq = -1");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::reordered);
  EXPECT_EQ(result.bad_seq, 16u);
  EXPECT_EQ(result.message, "row 16: reordered (holds the entry chained as row 17)");
}

TEST_F(JournalVerify, CatchesRowsSwappedFarApart) {
  tamper("UPDATE events SET seq = -1 WHERE seq = 5");
  tamper("UPDATE events SET seq = 5 WHERE seq = 44");
  tamper("UPDATE events SET seq = 44 WHERE seq = -1");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::reordered);
  EXPECT_EQ(result.bad_seq, 5u);
}

TEST_F(JournalVerify, CatchesAnEditWhoseHashWasRecomputed) {
  // An attacker who edits row 17 and recomputes its hash (the format is
  // public) still breaks the link from row 18, which is then reported.
  {
    RawSql raw{path()};
    raw.exec("UPDATE events SET detail = 'nothing to see' WHERE seq = 17");
    auto bytes = testing::canonical_bytes_of(raw, 17);
    auto forged = RowHasher{}.sha256(bytes);
    raw.exec("UPDATE events SET hash = x'" + to_hex(forged) + "' WHERE seq = 17");
  }
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 18u);
  EXPECT_EQ(result.message, "row 18: missing (prev_hash does not match row 17's hash)");
}

TEST_F(JournalVerify, CatchesARowOneReChainedFromAnotherJournalsGenesis) {
  tamper("UPDATE events SET prev_hash = zeroblob(32) WHERE seq = 1");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.bad_seq, 1u);
}

TEST_F(JournalVerify, ReportsOnlyTheFirstBadRow) {
  tamper("UPDATE events SET detail = 'x' WHERE seq IN (12, 40)");
  EXPECT_EQ(verify().bad_seq, 12u);
}

}  // namespace
}  // namespace vigil::journal

namespace vigil::journal {
namespace {

TEST_F(JournalVerify, FromARowChecksOnlyThatRowOnwards) {
  tamper("UPDATE events SET card = '12:9999' WHERE seq = 17");
  Journal journal{path()};
  auto tail = journal.verify_from(30);
  EXPECT_TRUE(tail.ok) << tail.message;
  EXPECT_EQ(tail.rows, 50u);
  EXPECT_EQ(tail.head_hash, journal.head_hash());
  EXPECT_EQ(tail.message, "ok: rows 30..50, head " + to_hex(journal.head_hash()));
  auto from_start = journal.verify_from(10);
  EXPECT_FALSE(from_start.ok);
  EXPECT_EQ(from_start.bad_seq, 17u);
}

TEST_F(JournalVerify, FromARowFindsDamageAfterIt) {
  tamper("UPDATE events SET card = '12:9999' WHERE seq = 41");
  auto result = Journal{path()}.verify_from(30);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 41u);
  EXPECT_EQ(result.rows, 40u);
}

TEST_F(JournalVerify, FromARowThatIsGoneIsMissing) {
  tamper("DELETE FROM events WHERE seq >= 30");
  auto result = Journal{path()}.verify_from(30);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 30u);
}

}  // namespace
}  // namespace vigil::journal
