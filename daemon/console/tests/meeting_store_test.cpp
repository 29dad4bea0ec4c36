// The meeting's follow-ups: recorded with an owner and a due date, closed
// only by their owner or a meeting chair, kept in an append-only SQLite file
// that survives a restart.
#include "vigil/console/meeting_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "vigil/testing/temp_dir.hpp"

namespace vigil::console::meeting_store_test {

const NewFollowUp kFixLock{"proposal", "replace the lobby lock", "ben", "2026-12-01"};

TEST(MeetingStore, RecordsAFollowUpOpenWithItsOwnerAndDueDate) {
  vigil::testing::TempDir dir("meeting-store");
  MeetingStore store(dir.file("meeting.db"));
  const auto f = store.add(kFixLock, "ann", "2026-11-29T08:00:00Z");
  EXPECT_EQ(f.id, 1);
  const auto second = store.add({"resolution", "badge audit monthly", "ann", "2027-01-31"}, "ben",
                                "2026-11-29T08:05:00Z");
  EXPECT_EQ(second.id, 2);
  const auto all = store.list();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].kind, "proposal");
  EXPECT_EQ(all[0].text, "replace the lobby lock");
  EXPECT_EQ(all[0].owner, "ben");
  EXPECT_EQ(all[0].due, "2026-12-01");
  EXPECT_EQ(all[0].status, "open");
  EXPECT_EQ(all[0].created_by, "ann");
  EXPECT_EQ(all[0].created_at, "2026-11-29T08:00:00Z");
  EXPECT_TRUE(all[0].done_by.empty());
  EXPECT_EQ(all[1].kind, "resolution");
}

TEST(MeetingStore, OnlyTheOwnerOrAChairMarksItDone) {
  struct Case {
    std::string by;
    bool chair;
    bool done;
  };
  const std::vector<Case> cases = {
      {"ben", false, true},   // the owner
      {"cat", false, false},  // another operator
      {"cat", true, true},    // a meeting chair
  };
  for (const auto& c : cases) {
    vigil::testing::TempDir dir("meeting-store");
    MeetingStore store(dir.file("meeting.db"));
    const auto f = store.add(kFixLock, "ann", "2026-11-29T08:00:00Z");
    const auto result = store.mark_done(f.id, c.by, c.chair, "2026-11-30T09:00:00Z");
    EXPECT_EQ(std::holds_alternative<FollowUp>(result), c.done) << c.by << " chair " << c.chair;
    const auto now = store.find(f.id);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->status, c.done ? "done" : "open") << c.by;
    if (c.done) {
      EXPECT_EQ(now->done_by, c.by);
      EXPECT_EQ(now->done_at, "2026-11-30T09:00:00Z");
    } else {
      EXPECT_EQ(std::get<std::string>(result),
                "only ben (the owner) or a meeting chair may mark #1 done");
    }
  }
}

TEST(MeetingStore, RefusesToCloseAnUnknownOrAlreadyDoneFollowUp) {
  vigil::testing::TempDir dir("meeting-store");
  MeetingStore store(dir.file("meeting.db"));
  EXPECT_EQ(std::get<std::string>(store.mark_done(7, "ben", true, "t")), "no follow-up #7");
  const auto f = store.add(kFixLock, "ann", "t0");
  ASSERT_TRUE(std::holds_alternative<FollowUp>(store.mark_done(f.id, "ben", false, "t1")));
  EXPECT_EQ(std::get<std::string>(store.mark_done(f.id, "ben", false, "t2")),
            "follow-up #1 was already done by ben");
}

TEST(MeetingStore, AChangeIsANewRowAndTheFileRefusesUpdatesAndDeletes) {
  vigil::testing::TempDir dir("meeting-store");
  MeetingStore store(dir.file("meeting.db"));
  const auto f = store.add(kFixLock, "ann", "t0");
  (void)store.mark_done(f.id, "ben", false, "t1");
  EXPECT_EQ(store.rows(), 2);
  EXPECT_EQ(store.list().size(), 1U);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("meeting.db").c_str(), &db), SQLITE_OK);
  for (const char* sql :
       {"UPDATE followup_rows SET status = 'open'", "DELETE FROM followup_rows"}) {
    char* error = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << sql;
    EXPECT_NE(std::string(error != nullptr ? error : "").find("append-only"), std::string::npos);
    sqlite3_free(error);
  }
  sqlite3_close(db);
  EXPECT_EQ(store.rows(), 2);
}

TEST(MeetingStore, FollowUpsSurviveARestart) {
  vigil::testing::TempDir dir("meeting-store");
  {
    MeetingStore store(dir.file("meeting.db"));
    const auto f = store.add(kFixLock, "ann", "t0");
    (void)store.mark_done(f.id, "ben", false, "t1");
    (void)store.add({"proposal", "new camera", "ann", "2027-02-01"}, "ben", "t2");
  }
  MeetingStore again(dir.file("meeting.db"));
  const auto all = again.list();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].status, "done");
  EXPECT_EQ(all[0].done_by, "ben");
  EXPECT_EQ(all[1].status, "open");
  EXPECT_EQ(again.add(kFixLock, "ann", "t3").id, 3) << "numbers continue after a restart";
}

TEST(MeetingStore, AnUnopenableFileStopsTheConsole) {
  EXPECT_THROW(MeetingStore("/nonexistent/dir/meeting.db"), std::runtime_error);
}

TEST(MeetingFollowUp, IsOverdueWhenOpenAndDueBeforeToday) {
  struct Case {
    std::string due, status;
    bool overdue;
  };
  const std::vector<Case> cases = {
      {"2026-11-28", "open", true},
      {"2026-11-29", "open", false},  // due today: not yet
      {"2026-11-30", "open", false},
      {"2026-11-28", "done", false},
  };
  for (const auto& c : cases) {
    FollowUp f;
    f.due = c.due;
    f.status = c.status;
    EXPECT_EQ(is_overdue(f, "2026-11-29"), c.overdue) << c.due << " " << c.status;
    EXPECT_EQ(to_json(f, "2026-11-29")["overdue"], c.overdue);
  }
}

}  // namespace vigil::console::meeting_store_test
