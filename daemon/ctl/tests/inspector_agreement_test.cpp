// The inspector's script (scripts/inspect_journal.py: Python standard
// library plus `cryptography`) and `vigilctl log verify` must say the same
// thing, line for line and exit code, on good and tampered journals.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

struct VerifyRun {
  int rc = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class InspectorAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef VIGIL_PYTHON3
    GTEST_SKIP() << "no python3";
#else
    if (std::system(VIGIL_PYTHON3 " -c 'import cryptography' 2>/dev/null") != 0) {
      GTEST_SKIP() << "python3 has no cryptography module";
    }
#endif
    dir_ = fs::temp_directory_path() /
           ("vigil-inspect-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    key_ = std::make_unique<journal::GatewayKey>(journal::GatewayKey::load_or_create(
        journal::private_key_path(db()), journal::public_key_path(db())));
    journal::Journal j(db());
    append(j, 30, "");
    auto cp =
        journal::sign_checkpoint(*key_, j.journal_id(), 30, j.head_hash(), 1'790'000'000'000'000);
    std::vector<core::Event> row{journal::checkpoint_event(cp)};
    j.append(row);
    append(j, 10, "");
    cp = journal::sign_checkpoint(*key_, j.journal_id(), 41, j.head_hash(), 1'790'000'100'000'000);
    journal::write_checkpoint_file(dir_ / "taken.checkpoint", cp);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static void append(journal::Journal& j, int n, const std::string& detail) {
    std::vector<core::Event> events(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto& e = events[static_cast<std::size_t>(i)];
      e.kind = core::EventKind::access_granted;
      e.time = core::from_unix_micros(1'790'000'000'000'000 + i);
      e.door = core::DoorId("lobby-main");
      e.person = core::PersonId("p" + std::to_string(i % 3));
      e.detail = detail;
    }
    j.append(events);
  }
  fs::path db() const {
    return dir_ / "journal.db";
  }
  void sql(const std::string& text) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, text.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << text;
    sqlite3_close(raw);
  }

  VerifyRun vigilctl() {
    std::ostringstream out, err;
    VerifyRun r;
    r.rc = log_verify(VerifyArgs{.journal_path = db().string(),
                                 .checkpoint_path = (dir_ / "taken.checkpoint").string()},
                      out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  VerifyRun python() {
#ifdef VIGIL_PYTHON3
    const std::string cmd = std::string(VIGIL_PYTHON3) + " " + VIGIL_SOURCE_DIR +
                            "/scripts/inspect_journal.py " + db().string() + " --checkpoint " +
                            (dir_ / "taken.checkpoint").string() + " >" +
                            (dir_ / "py.out").string() + " 2>" + (dir_ / "py.err").string();
    VerifyRun r;
    const int status = std::system(cmd.c_str());
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "py.out");
    r.err = slurp(dir_ / "py.err");
    return r;
#else
    return {};
#endif
  }
  void expect_agreement(const std::string& expected_in_err) {
    const VerifyRun cpp = vigilctl();
    const VerifyRun py = python();
    EXPECT_EQ(py.rc, cpp.rc);
    EXPECT_EQ(py.out, cpp.out);
    EXPECT_EQ(py.err, cpp.err);
    if (expected_in_err.empty()) {
      EXPECT_EQ(cpp.rc, 0) << cpp.err;
    } else {
      EXPECT_EQ(cpp.rc, 1);
      EXPECT_NE(cpp.err.find(expected_in_err), std::string::npos) << cpp.err;
    }
  }

  fs::path dir_;
  std::unique_ptr<journal::GatewayKey> key_;
};

TEST_F(InspectorAgreement, AnIntactJournal) {
  expect_agreement("");
}

TEST_F(InspectorAgreement, ACutTail) {
  sql("DELETE FROM events WHERE seq > 35");
  expect_agreement("tail_cut (rows 36..41 missing after seq 35)");
}

TEST_F(InspectorAgreement, EveryRowDeleted) {
  sql("DELETE FROM events");
  expect_agreement("emptied (rows 1..41 missing");
}

TEST_F(InspectorAgreement, ATailRewrittenWithRecomputedHashes) {
  sql("DELETE FROM events WHERE seq > 35");
  {
    journal::Journal j(db());
    append(j, 8, "rewritten");
  }
  expect_agreement("tail_rewritten (row 41 hashes to ");
}

TEST_F(InspectorAgreement, AReplacedJournal) {
  fs::remove(db());
  {
    journal::Journal j(db());
    append(j, 50, "");
  }
  expect_agreement("replaced (journal id ");
}

TEST_F(InspectorAgreement, AForgedCheckpointSignature) {
  auto cp = journal::read_checkpoint_file(dir_ / "taken.checkpoint");
  ASSERT_TRUE(cp);
  cp->seq = 35;  // claims an earlier head under the old signature
  journal::write_checkpoint_file(dir_ / "taken.checkpoint", *cp);
  expect_agreement("checkpoint seq 35: checkpoint_forged");
}

TEST_F(InspectorAgreement, ACheckpointRowSignedByAnotherKey) {
  auto other = journal::GatewayKey::load_or_create(dir_ / "other.key", dir_ / "other.pub");
  {
    journal::Journal j(db());
    auto cp = journal::sign_checkpoint(other, j.journal_id(), 41, j.head_hash(), 1);
    std::vector<core::Event> row{journal::checkpoint_event(cp)};
    j.append(row);
  }
  expect_agreement("row 42: checkpoint seq 41: checkpoint_forged");
}

// log verify verifies only the newest checkpoint row's signature on an
// intact chain, but never for rows before a segment start: after a break the
// gateway signs what it found, which vouches for nothing before the break.
TEST_F(InspectorAgreement, ACheckpointRowBeforeASegmentStartSignedByAnotherKey) {
  auto other = journal::GatewayKey::load_or_create(dir_ / "other.key", dir_ / "other.pub");
  {
    journal::Journal j(db());
    auto cp = journal::sign_checkpoint(other, j.journal_id(), 41, j.head_hash(), 1);
    core::Event segment;
    segment.kind = core::EventKind::journal_integrity;
    segment.time = core::from_unix_micros(1'790'000'200'000'000);
    segment.detail = "row 42: checkpoint_forged";
    core::set_attr(segment.attrs, "problem", std::string{"checkpoint_forged"});
    core::set_attr(segment.attrs, "segment", std::int64_t{2});
    std::vector<core::Event> rows{journal::checkpoint_event(cp), segment};
    j.append(rows);  // rows 42 and 43
    append(j, 5, "");
    cp = journal::sign_checkpoint(*key_, j.journal_id(), 48, j.head_hash(), 2);
    rows = {journal::checkpoint_event(cp)};
    j.append(rows);  // row 49, signs row 48: good
    journal::write_checkpoint_file(dir_ / "taken.checkpoint", cp);
  }
  expect_agreement("row 42: checkpoint seq 41: checkpoint_forged");
}

TEST_F(InspectorAgreement, AStoredTypeChanged) {
  sql("PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')') "
      "WHERE name = 'events'; PRAGMA writable_schema=OFF;");
  sql("UPDATE events SET person_id = CAST(person_id AS BLOB) WHERE seq = 12");
  expect_agreement("row 12: type_changed");
}

TEST_F(InspectorAgreement, SwappedRows) {
  sql("UPDATE events SET seq = -1 WHERE seq = 20; UPDATE events SET seq = 20 WHERE seq = 21; "
      "UPDATE events SET seq = 21 WHERE seq = -1;");
  expect_agreement("row 20: reordered");
}

}  // namespace
}  // namespace vigil::ctl
