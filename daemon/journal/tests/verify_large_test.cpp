// verify() on a journal many check batches long: damage deep inside, and
// damage that straddles the boundary between two batches (verify hands rows
// to its checking thread 1,024 at a time), is named at the same row and with
// the same kind as on a short journal.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::sample_events;
using testing::TempDir;

constexpr int kRows = 20'000;

class JournalVerifyLarge : public ::testing::Test {
 protected:
  void SetUp() override {
    Journal journal{path()};
    auto events = sample_events(kRows);
    journal.append(events);
  }
  std::filesystem::path path() const { return dir_.file("j.db"); }
  VerifyResult verify() const { return Journal{path()}.verify(); }
  void tamper(const std::string& sql) { RawSql{path()}.exec(sql); }
  void swap_rows(int a, int b) {
    tamper("UPDATE events SET seq = -1 WHERE seq = " + std::to_string(a));
    tamper("UPDATE events SET seq = " + std::to_string(a) + " WHERE seq = " + std::to_string(b));
    tamper("UPDATE events SET seq = " + std::to_string(b) + " WHERE seq = -1");
  }

 private:
  TempDir dir_;
};

TEST_F(JournalVerifyLarge, PassesWithEveryRowCountedAndTheHead) {
  Journal journal{path()};
  auto result = journal.verify();
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.rows, static_cast<std::uint64_t>(kRows));
  EXPECT_EQ(result.head_hash, journal.head_hash());
  EXPECT_EQ(result.message, "ok: 20000 rows, head " + to_hex(journal.head_hash()));
}

TEST_F(JournalVerifyLarge, NamesAnEditedRowDeepInside) {
  tamper("UPDATE events SET detail = 'x' WHERE seq = 15000");
  auto result = verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.damage, Damage::altered);
  EXPECT_EQ(result.bad_seq, 15000u);
  EXPECT_EQ(result.rows, 14999u);
  EXPECT_EQ(result.message, "row 15000: altered (hash mismatch)");
}

TEST_F(JournalVerifyLarge, NamesATypeChangeDeepInside) {
  RawSql{path()}.drop_strict("events");
  tamper("UPDATE events SET ts_us = CAST(ts_us AS BLOB) WHERE seq = 17000");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::type_changed);
  EXPECT_EQ(result.bad_seq, 17000u);
  EXPECT_EQ(result.message, "row 17000: type_changed (ts_us holds BLOB, the schema says INTEGER)");
}

TEST_F(JournalVerifyLarge, NamesRowsSwappedAcrossABatchBoundary) {
  swap_rows(1024, 1025);
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::reordered);
  EXPECT_EQ(result.bad_seq, 1024u);
  EXPECT_EQ(result.rows, 1023u);
  EXPECT_EQ(result.message, "row 1024: reordered (holds the entry chained as row 1025)");
}

TEST_F(JournalVerifyLarge, NamesTheFirstRowOfALaterBatchWhenItWasSwappedFarBack) {
  swap_rows(4097, 12000);
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::reordered);
  EXPECT_EQ(result.bad_seq, 4097u);
  EXPECT_EQ(result.message, "row 4097: reordered (holds the entry chained as row 12000)");
}

TEST_F(JournalVerifyLarge, NamesADeletedRowAtTheEndOfABatch) {
  tamper("DELETE FROM events WHERE seq = 18432");
  auto result = verify();
  EXPECT_EQ(result.damage, Damage::missing);
  EXPECT_EQ(result.bad_seq, 18432u);
  EXPECT_EQ(result.message, "row 18432: missing (seq jumps from 18431 to 18433)");
}

TEST_F(JournalVerifyLarge, NamesABrokenLinkInTheLastPartialBatch) {
  tamper("UPDATE events SET prev_hash = zeroblob(32) WHERE seq = 19999");
  auto result = verify();
  EXPECT_EQ(result.bad_seq, 19999u);
  EXPECT_EQ(result.damage, Damage::altered);  // prev_hash is hashed too
}

TEST_F(JournalVerifyLarge, NamesTheFirstOfTwoDamagedRowsInDifferentBatches) {
  tamper("UPDATE events SET detail = 'x' WHERE seq IN (3000, 9000)");
  EXPECT_EQ(verify().bad_seq, 3000u);
}

}  // namespace
}  // namespace vigil::journal

namespace vigil::journal {
namespace {

std::string swap_sql(int a, int b) {
  const auto sa = std::to_string(a);
  const auto sb = std::to_string(b);
  return "UPDATE events SET seq = -1 WHERE seq = " + sa + "; UPDATE events SET seq = " + sa +
         " WHERE seq = " + sb + "; UPDATE events SET seq = " + sb + " WHERE seq = -1";
}

// verify() walks the two halves at once (rows 1..10000 and 10001..20000 here)
// and must name every damage exactly as one walk does, at the seam too, and
// at the seams of the batches each half checks on its own thread (64 rows).
TEST(JournalVerifySplit, NamesTheSameFirstBadRowAsOneWalkAtTheSeamAndAround) {
  for (const std::string& sql : {
           std::string{"DELETE FROM events WHERE seq = 10001"},
           std::string{"UPDATE events SET detail = 'x' WHERE seq = 10000"},
           std::string{"UPDATE events SET detail = 'x' WHERE seq = 10001"},
           std::string{"UPDATE events SET prev_hash = zeroblob(32) WHERE seq = 10001"},
           std::string{"UPDATE events SET detail = 'x' WHERE seq IN (15000, 4000)"},
           std::string{"DELETE FROM events WHERE seq > 10000"},
           std::string{"UPDATE events SET seq = seq + 100000 WHERE seq = 10001"},
           swap_sql(64, 65),
           swap_sql(10064, 10065),
           std::string{"DELETE FROM events WHERE seq = 10065"},
           std::string{"UPDATE events SET detail = 'x' WHERE seq = 20000"},
           std::string{"UPDATE events SET detail = 'x' WHERE seq = 1"},
       }) {
    SCOPED_TRACE(sql);
    TempDir dir;
    {
      Journal journal{dir.file("j.db")};
      auto events = sample_events(20'000);
      journal.append(events);
    }
    RawSql{dir.file("j.db")}.exec(sql);
    Journal journal{dir.file("j.db")};
    const auto split = journal.verify();
    const auto single = journal.verify_from(1, 1);
    EXPECT_EQ(split.message, single.message);
    EXPECT_EQ(split.ok, single.ok);
    EXPECT_EQ(split.bad_seq, single.bad_seq);
    EXPECT_EQ(split.rows, single.rows);
    EXPECT_EQ(split.head_hash, single.head_hash);
  }
}

}  // namespace
}  // namespace vigil::journal
