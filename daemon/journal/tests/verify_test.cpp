// verify() against the tampering an insider with write access to the file
// could do with the sqlite3 shell: edit, delete, reorder. Each must be found
// and the report must name the first bad row.
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
  EXPECT_EQ(result.message, "ok: 50 rows, head " + to_hex(journal.head_hash()));
}

TEST(JournalVerifyEmpty, PassesOnAnEmptyJournal) {
  TempDir dir;
  auto result = Journal{dir.file("j.db")}.verify();
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.rows, 0u);
  EXPECT_EQ(result.head_hash, kGenesisHash);
}

TEST_F(JournalVerify, CatchesAnEditedField) {
  tamper("UPDATE events SET person = 'p-innocent' WHERE seq = 17");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 17u);
  EXPECT_EQ(result.message, "row 17: altered (hash mismatch)");
  EXPECT_EQ(result.rows, 16u);
}

TEST_F(JournalVerify, CatchesAnEditedTimestamp) {
  tamper("UPDATE events SET ts_us = ts_us - 3600000000 WHERE seq = 30");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 30u);
}

TEST_F(JournalVerify, CatchesAFieldSetFromAbsentToEmpty) {
  tamper("UPDATE events SET device = '' WHERE seq = 9 AND device IS NULL");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 9u);
}

TEST_F(JournalVerify, CatchesADeletedRow) {
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
    Journal journal{path()};
    auto rows = journal.query({.after_seq = 16, .limit = 1});
    ASSERT_EQ(rows.size(), 1u);
    auto text = to_row_text(rows[0]);
    text.detail = "nothing to see";
    RawSql raw{path()};
    auto prev = raw.text("SELECT hex(prev_hash) FROM events WHERE seq = 17");
    Hash prev_hash{};
    for (std::size_t i = 0; i < prev_hash.size(); ++i) {
      prev_hash[i] = static_cast<std::uint8_t>(std::stoi(prev.substr(2 * i, 2), nullptr, 16));
    }
    auto forged = RowHasher{}.hash_row(17, core::to_unix_micros(rows[0].time), text, prev_hash);
    raw.exec("UPDATE events SET detail = 'nothing to see', hash = x'" + to_hex(forged) +
             "' WHERE seq = 17");
  }
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 18u);
  EXPECT_EQ(result.message, "row 18: missing (prev_hash does not match row 17's hash)");
}

TEST_F(JournalVerify, ReportsOnlyTheFirstBadRow) {
  tamper("UPDATE events SET detail = 'x' WHERE seq IN (12, 40)");
  EXPECT_EQ(verify().bad_seq, 12u);
}

}  // namespace
}  // namespace vigil::journal
