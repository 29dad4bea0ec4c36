// The append hook: work done inside the append's write transaction commits
// with the events or not at all (one transaction, one fsync). The daemon puts
// outbox rows and the incident cursor there; the people tables use it too.
#include <gtest/gtest.h>

#include <atomic>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::sample_events;
using testing::TempDir;

void create_side_table(const std::filesystem::path& path) {
  RawSql{path}.exec("CREATE TABLE side (seq INTEGER PRIMARY KEY) STRICT");
}

void insert_side_rows(sqlite::Database& db, std::span<const core::Event> events) {
  auto insert = db.cached("INSERT INTO side (seq) VALUES (?1)");
  for (const auto& event : events) {
    insert->bind(1, static_cast<std::int64_t>(event.seq));
    insert->step();
    insert->reset();
  }
}

TEST(AppendHook, RunsInsideTheTransactionWithSeqsAlreadyAssigned) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  create_side_table(dir.file("j.db"));
  auto events = sample_events(4);
  journal.append(events, [&](sqlite::Database& db) {
    EXPECT_TRUE(db.in_transaction());
    EXPECT_EQ(events[0].seq, 1u);
    EXPECT_EQ(events[3].seq, 4u);
    insert_side_rows(db, events);
  });
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(raw.integer("SELECT count(*) FROM side"), 4);
  EXPECT_EQ(raw.integer("SELECT max(seq) FROM side"), 4);
}

TEST(AppendHook, AThrowingHookRollsBackTheEventsAndLeavesTheirSeqs) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  create_side_table(dir.file("j.db"));
  auto events = sample_events(3);
  EXPECT_THROW(journal.append(events,
                              [&](sqlite::Database& db) {
                                insert_side_rows(db, events);
                                throw JournalError("outbox full", 13);
                              }),
               JournalError);
  EXPECT_EQ(events[0].seq, 0u);
  EXPECT_EQ(events[2].seq, 0u);
  EXPECT_EQ(journal.last_seq(), 0u);
  EXPECT_EQ(RawSql{dir.file("j.db")}.integer("SELECT count(*) FROM side"), 0);
  // The same span appends cleanly afterwards, new names included.
  journal.append(events);
  EXPECT_EQ(events[2].seq, 3u);
  EXPECT_TRUE(journal.verify().ok);
  EXPECT_EQ(journal.query({.person = core::PersonId{"p-0"}}).size(), 1u);
}

TEST(AppendHook, WriterRunsItPerBatchAndRetriesTheBatchWhenItFails) {
  TempDir dir;
  { Journal journal{dir.file("j.db")}; }
  create_side_table(dir.file("j.db"));
  std::atomic<int> calls{0};
  WriterOptions options;
  options.first_retry = std::chrono::milliseconds{1};
  options.in_batch_transaction = [&](std::span<const core::Event> events, sqlite::Database& db) {
    if (calls++ == 0) throw JournalError("first batch fails", 5);
    insert_side_rows(db, events);
  };
  {
    JournalWriter writer{Journal{dir.file("j.db")}, options};
    for (auto& event : sample_events(500)) writer.submit(event);
    writer.flush();
    EXPECT_EQ(writer.stats().failed_commits, 1u);
  }
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(raw.integer("SELECT count(*) FROM side"), 500);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM events"), 500);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM side JOIN events USING (seq)"), 500);
}

}  // namespace
}  // namespace vigil::journal
