// Signed checkpoints against what the chain alone cannot show: a cut tail, an
// emptied or replaced journal, a tail rewritten with recomputed hashes, and a
// forged signature. Each must be found and named from a checkpoint taken
// before the tampering.
#include "vigil/journal/checkpoint.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::sample_events;
using testing::TempDir;

constexpr std::int64_t kSignedAt = 1'790'000'000'000'000;

class JournalCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    Journal journal{path()};
    auto events = sample_events(50);
    journal.append(events);
    checkpoint_ = sign_checkpoint(key_, journal.journal_id(), 50, journal.head_hash(), kSignedAt);
  }
  std::filesystem::path path() const { return dir_.file("j.db"); }
  CheckpointCheck check() const {
    return check_checkpoint(Journal{path()}, checkpoint_, public_key());
  }
  void tamper(const std::string& sql) { RawSql{path()}.exec(sql); }
  const PublicKey& public_key() const { return key_.public_key(); }

  TempDir dir_;
  GatewayKey key_ = GatewayKey::load_or_create(dir_.file("j.db.key"), dir_.file("j.db.pub"));
  Checkpoint checkpoint_;
};

TEST_F(JournalCheckpoint, AnIntactJournalMatchesItsCheckpoint) {
  auto result = check();
  EXPECT_EQ(result.problem, CheckpointProblem::none);
  EXPECT_EQ(result.message, "checkpoint seq 50 ok (key " + key_id(public_key()) + ")");
}

TEST_F(JournalCheckpoint, NamesACutTailWithTheMissingRows) {
  tamper("DELETE FROM events WHERE seq > 40");
  ASSERT_TRUE(Journal{path()}.verify().ok);  // the chain alone cannot see it
  auto result = check();
  EXPECT_EQ(result.problem, CheckpointProblem::tail_cut);
  EXPECT_EQ(result.message, "tail_cut (rows 41..50 missing after seq 40) (checkpoint seq 50)");
}

TEST_F(JournalCheckpoint, NamesAJournalWithEveryRowDeleted) {
  tamper("DELETE FROM events");
  ASSERT_TRUE(Journal{path()}.verify().ok);
  auto result = check();
  EXPECT_EQ(result.problem, CheckpointProblem::emptied);
  EXPECT_EQ(result.message,
            "emptied (rows 1..50 missing, the journal is empty) (checkpoint seq 50)");
}

TEST_F(JournalCheckpoint, NamesATailRewrittenWithRecomputedHashes) {
  // The attacker deletes rows 41.. and appends different rows through the
  // real append path: every hash is right, the chain verifies.
  tamper("DELETE FROM events WHERE seq > 40");
  {
    Journal journal{path()};
    auto events = sample_events(12);
    for (auto& e : events) e.detail = "rewritten";
    journal.append(events);
    ASSERT_TRUE(journal.verify().ok);
  }
  auto result = check();
  EXPECT_EQ(result.problem, CheckpointProblem::tail_rewritten);
  EXPECT_NE(result.message.find("tail_rewritten (row 50 hashes to "), std::string::npos)
      << result.message;
}

TEST_F(JournalCheckpoint, NamesAReplacedJournal) {
  {
    Journal other{dir_.file("other.db")};
    auto events = sample_events(60);
    other.append(events);
  }
  std::filesystem::remove(path());
  std::filesystem::rename(dir_.file("other.db"), path());
  auto result = check();
  EXPECT_EQ(result.problem, CheckpointProblem::replaced);
  EXPECT_EQ(result.message.rfind("replaced (journal id ", 0), 0u) << result.message;
}

TEST_F(JournalCheckpoint, NamesAForgedSignature) {
  checkpoint_.signature[10] ^= 0x01;
  EXPECT_EQ(check().problem, CheckpointProblem::forged);
  EXPECT_EQ(check().message.find("checkpoint seq 50: checkpoint_forged"), 0u);
}

TEST_F(JournalCheckpoint, NamesACheckpointSignedByAnotherKey) {
  // An attacker signs their own head with their own key.
  GatewayKey attacker =
      GatewayKey::load_or_create(dir_.file("attacker.key"), dir_.file("attacker.pub"));
  checkpoint_ = sign_checkpoint(attacker, checkpoint_.journal_id, 50, checkpoint_.head, kSignedAt);
  EXPECT_EQ(check().problem, CheckpointProblem::forged);
}

TEST_F(JournalCheckpoint, AChangedStoredTypeIsNamedByTheChainWithACheckpointGiven) {
  RawSql{path()}.drop_strict("events");
  tamper("UPDATE events SET person_id = CAST(person_id AS BLOB) WHERE seq = 21");
  Journal journal{path()};
  EXPECT_EQ(journal.verify().damage, Damage::type_changed);
  EXPECT_EQ(check().problem, CheckpointProblem::none);  // row 50 itself was kept
}

TEST_F(JournalCheckpoint, SwappedRowsAreNamedByTheChainWithACheckpointGiven) {
  tamper("UPDATE events SET seq = -1 WHERE seq = 49");
  tamper("UPDATE events SET seq = 49 WHERE seq = 50");
  tamper("UPDATE events SET seq = 50 WHERE seq = -1");
  EXPECT_EQ(Journal{path()}.verify().damage, Damage::reordered);
  EXPECT_EQ(check().problem, CheckpointProblem::tail_rewritten);
}

TEST_F(JournalCheckpoint, JournalledCheckpointRowsAreCheckedAgainstTheirRows) {
  {
    Journal journal{path()};
    std::vector<core::Event> row{checkpoint_event(checkpoint_)};
    journal.append(row);
  }
  auto good = check_checkpoint_rows(Journal{path()}, public_key());
  EXPECT_EQ(good.problem, CheckpointProblem::none);
  EXPECT_EQ(good.checked, 1u);
  ASSERT_TRUE(good.newest);
  EXPECT_EQ(good.newest->seq, 50u);

  GatewayKey other = GatewayKey::load_or_create(dir_.file("o.key"), dir_.file("o.pub"));
  auto forged = check_checkpoint_rows(Journal{path()}, other.public_key());
  EXPECT_EQ(forged.problem, CheckpointProblem::forged);
  EXPECT_EQ(forged.row, 51u);
}

TEST(CheckpointMessage, IsTheTagTheIdTheSeqTheHeadAndTheTimeBigEndian) {
  Checkpoint c{.journal_id = "00112233445566778899aabbccddeeff", .seq = 0x0102, .time_us = 0x0a0b};
  c.head.fill(0xee);
  const auto bytes = checkpoint_message(c);
  ASSERT_EQ(bytes.size(), 19u + 16 + 8 + 32 + 8);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 19), "vigil.checkpoint.v1");
  EXPECT_EQ(to_hex(bytes), to_hex(std::span(bytes.data(), 19)) +
                               "00112233445566778899aabbccddeeff" + "0000000000000102" +
                               std::string(64, 'e') + "0000000000000a0b");
}

TEST(CheckpointJson, RoundTripsThroughTheFileAndRefusesGarbage) {
  TempDir dir;
  GatewayKey key = GatewayKey::load_or_create(dir.file("k"), dir.file("k.pub"));
  Hash head{};
  head.fill(7);
  auto c = sign_checkpoint(key, "00112233445566778899aabbccddeeff", 9, head, kSignedAt);
  write_checkpoint_file(dir.file("cp"), c);
  auto back = read_checkpoint_file(dir.file("cp"));
  ASSERT_TRUE(back);
  EXPECT_EQ(checkpoint_to_json(*back), checkpoint_to_json(c));
  EXPECT_TRUE(signature_valid(*back, key.public_key()));
  for (const char* bad : {"", "[]", "{}", "{\"format\":\"vigil.checkpoint.v1\"}", "\xff\xfe",
                          R"({"format":"vigil.checkpoint.v1","journal_id":"zz","seq":1})"}) {
    std::string why;
    EXPECT_FALSE(checkpoint_from_json(bad, &why)) << bad;
    EXPECT_FALSE(why.empty());
  }
}

TEST(GatewayKeyFiles, PrivateKeyIsCreatedOnceWithMode0600AndReloaded) {
  TempDir dir;
  auto first = GatewayKey::load_or_create(dir.file("j.db.key"), dir.file("j.db.pub"));
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("j.db.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = GatewayKey::load_or_create(dir.file("j.db.key"), dir.file("j.db.pub"));
  EXPECT_EQ(first.public_key(), second.public_key());
  EXPECT_EQ(read_public_key(dir.file("j.db.pub")), first.public_key());
  EXPECT_EQ(key_id(first.public_key()).size(), 16u);
}

TEST(GatewayKeyFiles, RefusesAKeyFileThatIsNotEd25519) {
  TempDir dir;
  std::ofstream(dir.file("bad.key"))
      << "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_THROW(GatewayKey::load(dir.file("bad.key")), std::runtime_error);
  EXPECT_FALSE(read_public_key(dir.file("bad.key")));
  EXPECT_FALSE(read_public_key(dir.file("missing.pub")));
}

}  // namespace
}  // namespace vigil::journal
