#include "vigil/mqtt/outbox.hpp"

#include <gtest/gtest.h>

#include "vigil/journal/journal.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::mqtt {
namespace {

// Runs one SQL statement on its own connection and returns the first column
// of the first row ("" if none): an outside view of the file.
std::string query(const std::filesystem::path& db, const char* sql) {
  journal::sqlite::Database conn{db};
  journal::sqlite::Statement statement{conn.handle(), sql};
  return statement.step() ? statement.column_text(0) : std::string{};
}

class OutboxTest : public ::testing::Test {
 protected:
  vigil::testing::TempDir dir_;
  std::filesystem::path db_ = dir_.file("vigil.db");
};

TEST_F(OutboxTest, RowsInsertedInAJournalAppendCommitWithTheEventsOrNotAtAll) {
  journal::Journal journal{db_};
  Outbox outbox(db_);
  std::vector<core::Event> events(2);
  journal.append(events, [&](journal::sqlite::Database& db) {
    Outbox::insert(db, "t/incident", R"({"seq":)" + std::to_string(events[1].seq) + "}");
  });
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox.peek(1)[0].payload, R"({"seq":2})");

  std::vector<core::Event> more(1);
  EXPECT_THROW(journal.append(more,
                              [&](journal::sqlite::Database& db) {
                                Outbox::insert(db, "t/incident", "lost");
                                throw journal::JournalError("publisher says no", 0);
                              }),
               journal::JournalError);
  EXPECT_EQ(outbox.size(), 1u);
  EXPECT_EQ(journal.last_seq(), 2u);
}

TEST_F(OutboxTest, StartsEmpty) {
  Outbox outbox(db_);
  EXPECT_EQ(outbox.size(), 0u);
  EXPECT_TRUE(outbox.empty());
  EXPECT_TRUE(outbox.peek(10).empty());
}

TEST_F(OutboxTest, EnqueueAssignsIncreasingIdsAndPeekReturnsOldestFirst) {
  Outbox outbox(db_);
  const auto a = outbox.enqueue("t/a", "1");
  const auto b = outbox.enqueue("t/b", "2");
  const auto c = outbox.enqueue("t/c", "3");
  ASSERT_TRUE(a && b && c) << a.error << b.error << c.error;
  EXPECT_LT(a.id, b.id);
  EXPECT_LT(b.id, c.id);
  EXPECT_EQ(outbox.size(), 3u);

  const auto two = outbox.peek(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, a.id);
  EXPECT_EQ(two[0].topic, "t/a");
  EXPECT_EQ(two[0].payload, "1");
  EXPECT_EQ(two[1].id, b.id);
  EXPECT_EQ(outbox.size(), 3u) << "peek must not remove";
}

TEST_F(OutboxTest, RemoveDeletesOnlyThatRow) {
  Outbox outbox(db_);
  const auto a = outbox.enqueue("t/a", "1");
  const auto b = outbox.enqueue("t/b", "2");
  EXPECT_TRUE(outbox.remove(b.id));
  EXPECT_FALSE(outbox.remove(b.id)) << "already gone";
  EXPECT_FALSE(outbox.remove(9999));
  const auto rest = outbox.peek(10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, a.id);
}

TEST_F(OutboxTest, PendingRowsSurviveReopeningInOrder) {
  {
    Outbox outbox(db_);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(outbox.enqueue("t", std::to_string(i)));
    ASSERT_TRUE(outbox.remove(outbox.peek(1).front().id));  // "0" was acknowledged
  }
  Outbox reopened(db_);
  const auto rows = reopened.peek(10);
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].payload, std::to_string(i + 1));
}

TEST_F(OutboxTest, RemoveThroughDeletesTheAcknowledgedStretchAndKeepsTheRestAcrossReopening) {
  {
    Outbox outbox(db_);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(outbox.enqueue("t", std::to_string(i)).id);
    EXPECT_EQ(outbox.remove_through(ids[2]), 3);  // PUBACKs for "0" to "2"
    EXPECT_EQ(outbox.remove_through(ids[2]), 0) << "already gone";
    EXPECT_FALSE(outbox.empty());
    // A row enqueued after the (unsynced) delete is still durable in order.
    ASSERT_TRUE(outbox.enqueue("t", "5"));
  }
  Outbox reopened(db_);
  std::vector<std::string> left;
  for (const auto& row : reopened.peek(10)) left.push_back(row.payload);
  EXPECT_EQ(left, (std::vector<std::string>{"3", "4", "5"}));
  reopened.remove_through(reopened.peek(10).back().id);
  EXPECT_TRUE(reopened.empty());
  EXPECT_EQ(reopened.size(), 0u);
}

TEST_F(OutboxTest, IdsAreNeverReusedAfterTheTableEmpties) {
  std::int64_t last = 0;
  {
    Outbox outbox(db_);
    last = outbox.enqueue("t", "x").id;
    ASSERT_TRUE(outbox.remove(last));
  }
  Outbox reopened(db_);
  EXPECT_GT(reopened.enqueue("t", "y").id, last);
}

TEST_F(OutboxTest, KeepsBinarySafeTopicsAndPayloads) {
  Outbox outbox(db_);
  const std::string payload("a\0b", 3);
  ASSERT_TRUE(outbox.enqueue("t/ü", payload));
  const auto row = outbox.peek(1).front();
  EXPECT_EQ(row.topic, "t/ü");
  EXPECT_EQ(row.payload, payload);
}

TEST_F(OutboxTest, PutsTheSharedDatabaseInWalModeAndLeavesOtherTablesAlone) {
  // The daemon passes the journal's file: another connection owns other tables.
  query(db_, "CREATE TABLE journal (seq INTEGER PRIMARY KEY, body TEXT)");
  query(db_, "INSERT INTO journal (body) VALUES ('e1')");
  Outbox outbox(db_);
  ASSERT_TRUE(outbox.enqueue("t", "x"));
  EXPECT_EQ(query(db_, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query(db_, "SELECT body FROM journal"), "e1");
  EXPECT_EQ(query(db_, "SELECT payload FROM outbox"), "x") << "visible to other connections";
}

TEST_F(OutboxTest, RefusesToOpenWhatIsNotADatabase) {
  EXPECT_THROW(Outbox(dir_.path() / "no-such-dir" / "vigil.db"), OutboxError);
}

}  // namespace
}  // namespace vigil::mqtt
