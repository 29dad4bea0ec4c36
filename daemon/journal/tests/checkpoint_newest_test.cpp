// check_checkpoint_rows_by_newest(): on an intact chain the newest
// checkpoint row's signature vouches for every row up to the seq it signs,
// so the older checkpoint rows need no signature of their own. What it must
// still check one by one: rows after that seq, and rows before a segment
// start (after a break the gateway signs what it found, tampered or not).
// Whatever it passes, check_checkpoint_rows() passes with the same message.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::sample_events;
using testing::TempDir;

class CheckpointRowsByNewest : public ::testing::Test {
 protected:
  std::filesystem::path path() const { return dir_.file("j.db"); }
  // `n` events, then a checkpoint row signed by `key` over the head before it.
  void append_signed(int n, const GatewayKey& key) {
    append_events(n);
    append_row(sign_head(key));
  }
  void append_events(int n) {
    Journal journal{path()};
    auto events = sample_events(n);
    journal.append(events);
  }
  Checkpoint sign_head(const GatewayKey& key) const {
    const Journal journal{path()};
    return sign_checkpoint(key, journal.journal_id(), journal.last_seq(), journal.head_hash(),
                           1'790'000'000'000'000);
  }
  void append_row(const Checkpoint& c) {
    Journal journal{path()};
    std::vector<core::Event> row{checkpoint_event(c)};
    journal.append(row);
  }
  // A segment start as vigild journals it after a break (docs/journal.md).
  void append_segment_start() {
    Journal journal{path()};
    core::Event e;
    e.kind = core::EventKind::journal_integrity;
    e.time = core::from_unix_micros(1'790'000'000'000'000);
    e.detail = "tail_rewritten (row 10 hashes to ...)";
    core::set_attr(e.attrs, "problem", std::string{"tail_rewritten"});
    core::set_attr(e.attrs, "segment", std::int64_t{2});
    std::vector<core::Event> row{e};
    journal.append(row);
  }
  const PublicKey& public_key() const { return key_.public_key(); }

  TempDir dir_;
  GatewayKey key_ = GatewayKey::load_or_create(dir_.file("j.db.key"), dir_.file("j.db.pub"));
  GatewayKey other_ = GatewayKey::load_or_create(dir_.file("o.key"), dir_.file("o.pub"));
};

TEST_F(CheckpointRowsByNewest, VerifiesOneSignatureAndReportsWhatEveryRowCheckReports) {
  for (int i = 0; i < 5; ++i) append_signed(20, key_);
  const Journal journal{path()};
  ASSERT_TRUE(journal.verify().ok);
  const auto fast = check_checkpoint_rows_by_newest(journal, public_key());
  const auto full = check_checkpoint_rows(journal, public_key());
  EXPECT_EQ(fast.problem, CheckpointProblem::none) << fast.message;
  EXPECT_EQ(fast.signatures, 1u);
  EXPECT_EQ(full.signatures, 5u);
  EXPECT_EQ(fast.checked, full.checked);
  EXPECT_EQ(fast.message, full.message);
  EXPECT_EQ(fast.message, "5 checkpoint rows ok");
  ASSERT_TRUE(fast.newest && full.newest);
  EXPECT_EQ(fast.newest->seq, full.newest->seq);
}

TEST_F(CheckpointRowsByNewest, ANewestRowSignedByAnotherKeyIsNotTrusted) {
  append_signed(20, key_);
  append_signed(20, other_);
  const Journal journal{path()};
  const auto fast = check_checkpoint_rows_by_newest(journal, public_key());
  EXPECT_EQ(fast.problem, CheckpointProblem::forged);
  EXPECT_EQ(fast.row, 42u);
}

TEST_F(CheckpointRowsByNewest, ChecksARowJournalledAfterTheSeqTheNewestSigns) {
  // Rows 1-20, then a forged checkpoint row (21) and the newest (22), which
  // signs row 20: row 21 lies outside what that signature covers.
  append_events(20);
  const auto good = sign_head(key_);
  append_row(sign_head(other_));  // row 21: forged
  append_row(good);               // row 22: signs row 20
  const Journal journal{path()};
  ASSERT_TRUE(journal.verify().ok);
  const auto fast = check_checkpoint_rows_by_newest(journal, public_key());
  const auto full = check_checkpoint_rows(journal, public_key());
  EXPECT_EQ(fast.problem, CheckpointProblem::forged);
  EXPECT_EQ(fast.row, 21u);
  EXPECT_EQ(full.row, 21u);
}

TEST_F(CheckpointRowsByNewest, ChecksEveryRowBeforeTheNewestSegmentStart) {
  // A row the old key signed, then a break (the gateway signs what it found
  // from then on): the newest signature vouches for nothing before the break.
  append_signed(10, other_);  // row 11: does not verify with key_
  append_segment_start();     // row 12
  append_signed(5, key_);     // row 18 signs row 17
  const Journal journal{path()};
  ASSERT_TRUE(journal.verify().ok);
  const auto full = check_checkpoint_rows(journal, public_key());
  EXPECT_EQ(full.problem, CheckpointProblem::forged);
  EXPECT_EQ(full.row, 11u);
  const auto fast = check_checkpoint_rows_by_newest(journal, public_key(), 12);
  EXPECT_EQ(fast.problem, CheckpointProblem::forged);
  EXPECT_EQ(fast.row, 11u);
  // Why the break matters: without it the newest would vouch for row 11.
  EXPECT_EQ(check_checkpoint_rows_by_newest(journal, public_key(), 0).problem,
            CheckpointProblem::none);
}

}  // namespace
}  // namespace vigil::journal
