// The Checkpointer on a real io_context, JournalWriter and SQLite file, and
// vigild's start-up check on journals someone changed behind its back.
#include "vigil/app/checkpointer.hpp"

#include "vigil/app/full_verify.hpp"
#include "vigil/core/incident.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "vigil/journal/journal_writer.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace {

std::vector<core::Event> opened(int n) {
  std::vector<core::Event> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)].kind = core::EventKind::door_opened;
    out[static_cast<std::size_t>(i)].time = core::from_unix_micros(1'790'000'000'000'000 + i);
    out[static_cast<std::size_t>(i)].door = core::DoorId("lobby-main");
  }
  return out;
}

class CheckpointerTest : public ::testing::Test {
 protected:
  std::filesystem::path db() const { return dir_.file("j.db"); }
  journal::GatewayKey key() const {
    return journal::GatewayKey::load_or_create(journal::private_key_path(db()),
                                               journal::public_key_path(db()));
  }
  // Runs `events` through a writer and a Checkpointer that signs every 10.
  void run_vigild_like(int events, bool clean_stop) {
    boost::asio::io_context io;
    journal::JournalWriter writer{journal::Journal(db())};
    std::unique_ptr<Checkpointer> checkpointer;
    auto committed = [&](const core::Event& e) {
      boost::asio::post(io, [&, e] { checkpointer->observe(e); });
    };
    checkpointer = std::make_unique<Checkpointer>(
        io, db(), key(), CheckpointerOptions{.every_events = 10},
        [&](core::Event e, std::function<void(const core::Event&)> durable) {
          writer.submit(std::move(e), [&, durable](const core::Event& c) {
            durable(c);
            committed(c);
          });
        },
        [&](const std::string& json) { published_.push_back(json); });
    checkpointer->start();
    // In bursts of up to 10, each committed and observed before the next.
    for (int done = 0; done < events; done += 10) {
      for (auto& e : opened(std::min(10, events - done))) writer.submit(std::move(e), committed);
      writer.flush();
      io.poll();  // observes the burst: may submit a checkpoint
      writer.flush();
      io.restart();
      io.poll();
      io.restart();
    }
    if (clean_stop) {
      checkpointer->stop();
      checkpointer->checkpoint_now(core::from_unix_micros(1'790'000'100'000'000));
      writer.flush();
    }
  }
  StartCheck start_check() {
    auto k = key();
    return check_at_start(journal::Journal(db()), k.public_key(), journal::checkpoint_path(db()),
                          core::from_unix_micros(1'790'000'200'000'000));
  }
  void sql(const std::string& text) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, text.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << text;
    sqlite3_close(raw);
  }

  testing::TempDir dir_{"vigil-checkpointer"};
  std::vector<std::string> published_;
};

TEST_F(CheckpointerTest, SignsAfterEveryTenCommittedEventsAndAtACleanStop) {
  run_vigild_like(25, true);
  journal::Journal j(db());
  const auto rows = j.query(journal::Filter{.kinds = {core::EventKind::checkpoint}});
  ASSERT_EQ(rows.size(), 3u);  // after 10, after 20, and the stop's
  const auto file = journal::read_checkpoint_file(journal::checkpoint_path(db()));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->seq, rows[2].seq - 1);  // the stop's checkpoint signs the head before its row
  EXPECT_EQ(journal::check_checkpoint(j, *file, key().public_key()).problem,
            journal::CheckpointProblem::none);
  ASSERT_EQ(published_.size(), 3u);
  EXPECT_EQ(published_.back(), journal::checkpoint_to_json(*file));
}

TEST_F(CheckpointerTest, StartCheckPassesAnUntouchedJournalInSegmentOne) {
  run_vigild_like(25, true);
  const auto check = start_check();
  EXPECT_FALSE(check.integrity) << check.summary;
  EXPECT_EQ(check.segment, 1u);
  EXPECT_EQ(check.segment_id, journal::Journal(db()).journal_id().substr(0, 8));
}

TEST_F(CheckpointerTest, StartCheckNamesEachTamperingAndStartsANewSegment) {
  struct Case {
    const char* sql;
    const char* problem;
  };
  for (const Case c : {Case{"DELETE FROM events WHERE seq > 15", "tail_cut"},
                       Case{"DELETE FROM events", "emptied"},
                       // After the newest checkpoint: what the start walks.
                       Case{"UPDATE events SET detail = 'x' WHERE seq = (SELECT MAX(seq) FROM "
                            "events)",
                            "chain_broken"}}) {
    SCOPED_TRACE(c.problem);
    std::filesystem::remove_all(dir_.path());
    std::filesystem::create_directories(dir_.path());
    run_vigild_like(25, true);
    const std::string before = start_check().segment_id;
    sql(c.sql);
    const auto check = start_check();
    ASSERT_TRUE(check.integrity);
    EXPECT_EQ(core::attr_text(check.integrity->attrs, "problem"), c.problem);
    EXPECT_EQ(check.segment, 2u);
    EXPECT_NE(check.segment_id, before);
    EXPECT_EQ(core::attr_text(check.integrity->attrs, "segment_id"), check.segment_id);

    // vigild journals the break, signs at once and runs on: the next start
    // does not raise the same problem again, and stays in segment 2.
    {
      journal::Journal j(db());
      std::vector<core::Event> row{*check.integrity};
      j.append(row);
    }
    run_vigild_like(5, true);
    const auto again = start_check();
    EXPECT_FALSE(again.integrity) << again.summary;
    EXPECT_EQ(again.segment, 2u);
    EXPECT_EQ(again.segment_id, check.segment_id);
  }
}

TEST_F(CheckpointerTest, StartCheckWalksOnlyFromTheNewestCheckpoint) {
  run_vigild_like(25, true);
  const auto newest = journal::read_checkpoint_file(journal::checkpoint_path(db()));
  ASSERT_TRUE(newest);
  const auto check = start_check();
  EXPECT_FALSE(check.integrity) << check.summary;
  EXPECT_EQ(check.verified_from, newest->seq);
  EXPECT_NE(check.summary.find("rows " + std::to_string(newest->seq) + ".."), std::string::npos)
      << check.summary;
}

TEST_F(CheckpointerTest, DamageBeforeTheNewestCheckpointIsFoundByTheBackgroundWalk) {
  run_vigild_like(25, true);
  sql("UPDATE events SET detail = 'x' WHERE seq = 3");  // no hash recomputed
  const auto check = start_check();
  EXPECT_FALSE(check.integrity) << check.summary;  // the start trusts the signed checkpoint

  boost::asio::io_context io;
  std::vector<core::Event> found;
  FullVerify walk{io, db(), check, [&](core::Event e) { found.push_back(std::move(e)); }};
  walk.start();
  EXPECT_NE(walk.wait().find("row 3: altered"), std::string::npos);
  io.run();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, core::EventKind::journal_integrity);
  EXPECT_EQ(core::attr_text(found[0].attrs, "problem"), "chain_broken");
  EXPECT_EQ(core::attr_int(found[0].attrs, "first_bad_seq"), 3);
  EXPECT_EQ(core::attr_int(found[0].attrs, "segment"), 1);  // same segment: no id at stake
  const auto incident = core::IncidentRules{}.observe(found[0]);
  ASSERT_TRUE(incident);
  EXPECT_NE(incident->summary.find("background check"), std::string::npos);

  // Once journalled, neither the next start nor the next walk raises it again.
  {
    journal::Journal j(db());
    j.append(found);
  }
  run_vigild_like(5, true);
  const auto again = start_check();
  EXPECT_FALSE(again.integrity) << again.summary;
  std::vector<core::Event> found_again;
  FullVerify second{io, db(), again, [&](core::Event e) { found_again.push_back(std::move(e)); }};
  second.start();
  second.wait();
  io.restart();
  io.run();
  EXPECT_TRUE(found_again.empty());
}

TEST_F(CheckpointerTest, StartCheckNamesADeletedCheckpointFile) {
  run_vigild_like(25, true);
  std::filesystem::remove(journal::checkpoint_path(db()));
  const auto check = start_check();
  ASSERT_TRUE(check.integrity);
  EXPECT_EQ(core::attr_text(check.integrity->attrs, "problem"), "checkpoint_missing");
}

// vigild's second start after an import of many people: the check walks the
// few rows after the newest checkpoint and reads only the names they use
// (s22-start), yet a name changed under one of those rows is still found.
TEST_F(CheckpointerTest, StartCheckAfterManyPeopleChecksTheNamesOfTheNewRows) {
  std::vector<core::Event> granted(400);
  for (std::size_t i = 0; i < granted.size(); ++i) {
    granted[i].kind = core::EventKind::access_granted;
    granted[i].time = core::from_unix_micros(1'789'000'000'000'000 + static_cast<std::int64_t>(i));
    granted[i].door = core::DoorId("lobby-main");
    granted[i].person = core::PersonId("p" + std::to_string(1000 + i));
  }
  journal::Journal(db()).append(granted);
  run_vigild_like(5, true);
  const auto newest = journal::read_checkpoint_file(journal::checkpoint_path(db()));
  ASSERT_TRUE(newest);
  std::vector<core::Event> later{granted[7], granted[300]};
  later[0].time = later[1].time = core::from_unix_micros(1'790'000'150'000'000);
  journal::Journal(db()).append(later);
  const std::uint64_t head = journal::Journal(db()).last_seq();

  const auto check = start_check();
  EXPECT_FALSE(check.integrity) << check.summary;
  EXPECT_EQ(check.verified_from, newest->seq);
  EXPECT_NE(check.summary.find(".." + std::to_string(head)), std::string::npos) << check.summary;

  sql("UPDATE names SET text = 'p9999' WHERE text = 'p1300'");  // no hash recomputed
  const auto tampered = start_check();
  ASSERT_TRUE(tampered.integrity) << tampered.summary;
  EXPECT_EQ(core::attr_text(tampered.integrity->attrs, "problem"), "chain_broken");
  EXPECT_EQ(core::attr_int(tampered.integrity->attrs, "first_bad_seq"),
            static_cast<std::int64_t>(head));
}

}  // namespace
}  // namespace vigil::app
