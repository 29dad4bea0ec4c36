// vigilctl key show and log verify --checkpoint, as an operator runs them on
// a real journal with a real gateway key.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

class KeyCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-key-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto key = journal::GatewayKey::load_or_create(journal::private_key_path(db()),
                                                   journal::public_key_path(db()));
    journal::Journal j(db());
    std::vector<core::Event> events(20);
    for (std::size_t i = 0; i < events.size(); ++i) {
      events[i].kind = core::EventKind::door_opened;
      events[i].time = core::from_unix_micros(1'790'000'000'000'000 + static_cast<std::int64_t>(i));
      events[i].door = core::DoorId("lobby-main");
    }
    j.append(events);
    auto cp =
        journal::sign_checkpoint(key, j.journal_id(), 20, j.head_hash(), 1'790'000'100'000'000);
    std::vector<core::Event> row{journal::checkpoint_event(cp)};
    j.append(row);
    journal::write_checkpoint_file(dir_ / "taken.checkpoint", cp);
    public_hex_ = journal::to_hex(key.public_key());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "journal.db"; }
  void sql(const std::string& text) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, text.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  int verify(std::string& out_text, std::string& err_text) {
    std::ostringstream out, err;
    int rc = log_verify(VerifyArgs{.journal_path = db().string(),
                                   .checkpoint_path = (dir_ / "taken.checkpoint").string()},
                        out, err);
    out_text = out.str();
    err_text = err.str();
    return rc;
  }

  fs::path dir_;
  std::string public_hex_;
};

TEST_F(KeyCommands, KeyShowPrintsTheIdTheRawKeyAndThePem) {
  std::ostringstream out, err;
  EXPECT_EQ(key_show(db().string(), out, err), 0) << err.str();
  EXPECT_NE(out.str().find("public key  " + public_hex_), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  EXPECT_NE(out.str().find("key id      "), std::string::npos);
}

TEST_F(KeyCommands, KeyShowWithoutAKeySaysWhereItLooked) {
  std::ostringstream out, err;
  EXPECT_EQ(key_show((dir_ / "none.db").string(), out, err), 1);
  EXPECT_NE(err.str().find("none.db.pub"), std::string::npos);
}

TEST_F(KeyCommands, VerifyPassesAnIntactJournalAgainstItsCheckpoint) {
  std::string out, err;
  EXPECT_EQ(verify(out, err), 0) << err;
  EXPECT_NE(out.find("ok: 21 rows"), std::string::npos) << out;
  EXPECT_NE(out.find("1 checkpoint rows ok"), std::string::npos) << out;
  EXPECT_NE(out.find("checkpoint seq 20 ok"), std::string::npos) << out;
}

TEST_F(KeyCommands, VerifyNamesTheRowsCutOffTheEnd) {
  sql("DELETE FROM events WHERE seq > 12");
  std::string out, err;
  EXPECT_EQ(verify(out, err), 1);
  EXPECT_NE(err.find("tail_cut (rows 13..20 missing after seq 12) (checkpoint seq 20)"),
            std::string::npos)
      << err;
}

TEST_F(KeyCommands, VerifyNamesAnEmptiedJournal) {
  sql("DELETE FROM events");
  std::string out, err;
  EXPECT_EQ(verify(out, err), 1);
  EXPECT_NE(err.find("emptied (rows 1..20 missing"), std::string::npos) << err;
}

TEST_F(KeyCommands, VerifyRefusesAnUnreadableCheckpointFile) {
  std::ostringstream out, err;
  VerifyArgs args{.journal_path = db().string(), .checkpoint_path = (dir_ / "nope").string()};
  EXPECT_EQ(log_verify(args, out, err), 2);
  EXPECT_NE(err.str().find("not a checkpoint"), std::string::npos);
}

}  // namespace
}  // namespace vigil::ctl
