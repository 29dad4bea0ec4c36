#include "vigil/journal/journal_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "journal_test_support.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::sample_events;
using testing::TempDir;

// Collects committed seqs from the writer thread.
struct Committed {
  std::mutex mutex;
  std::vector<std::uint64_t> seqs;
  JournalWriter::OnCommitted callback() {
    return [this](const core::Event& event) {
      std::lock_guard lock{mutex};
      seqs.push_back(event.seq);
    };
  }
};

std::vector<std::uint64_t> one_to(std::uint64_t n) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

// Fulfils a future on the first reported commit failure.
struct FirstFailure {
  std::promise<CommitFailure> promise;
  std::atomic<bool> seen{false};
  std::function<void(const CommitFailure&)> callback() {
    return [this](const CommitFailure& failure) {
      if (!seen.exchange(true)) promise.set_value(failure);
    };
  }
};

TEST(JournalWriter, CallsCallbacksInSubmissionOrderWithSeqsSet) {
  TempDir dir;
  Committed committed;
  JournalWriter writer{Journal{dir.file("j.db")}};
  for (auto& event : sample_events(1000)) writer.submit(event, committed.callback());
  writer.flush();
  EXPECT_EQ(committed.seqs, one_to(1000));
  EXPECT_EQ(writer.stats().committed, 1000u);
  EXPECT_EQ(writer.stats().pending(), 0u);
}

TEST(JournalWriter, DestructionCommitsEverythingSubmitted) {
  TempDir dir;
  Committed committed;
  {
    JournalWriter writer{Journal{dir.file("j.db")}};
    for (auto& event : sample_events(5000)) writer.submit(event, committed.callback());
  }
  EXPECT_EQ(committed.seqs, one_to(5000));
  Journal reopened{dir.file("j.db")};
  EXPECT_EQ(reopened.last_seq(), 5000u);
  EXPECT_TRUE(reopened.verify().ok);
}

TEST(JournalWriter, CommitsEverythingQueuedInOneTransaction) {
  TempDir dir;
  RawSql lock{dir.file("j.db")};
  Journal journal{dir.file("j.db")};
  // Hold the write lock so the writer's first commit waits while 500 events
  // queue behind it; once released they must go in at most two commits.
  lock.exec("BEGIN IMMEDIATE");
  JournalWriter writer{std::move(journal)};
  for (auto& event : sample_events(500)) writer.submit(event);
  lock.exec("COMMIT");
  writer.flush();
  auto stats = writer.stats();
  EXPECT_EQ(stats.committed, 500u);
  EXPECT_LE(stats.batches, 2u);
  EXPECT_GE(stats.largest_batch, 250u);
}

// A forced door's door_opened and door_forced: one input's events, one
// transaction and one fsync, even though the first submission would have
// woken an idle writer on its own.
TEST(JournalWriter, EventsSubmittedUnderOneHoldCommitInOneTransaction) {
  TempDir dir;
  std::mutex mutex;
  std::vector<std::size_t> batches;
  JournalWriter writer{
      Journal{dir.file("j.db")},
      WriterOptions{
          .in_batch_transaction = [&](std::span<const core::Event> events, sqlite::Database&) {
            std::lock_guard lock{mutex};
            batches.push_back(events.size());
          }}};
  for (int input = 0; input < 20; ++input) {
    {
      const JournalWriter::Hold together{writer};
      for (auto& event : sample_events(3)) writer.submit(event);
    }
    writer.flush();
  }
  EXPECT_EQ(batches, std::vector<std::size_t>(20, 3));
  EXPECT_EQ(writer.stats().committed, 60u);
}

// The writer checkpoints after a batch's callbacks, not inside its COMMIT;
// it must still checkpoint, or the WAL would grow without bound and every
// read would walk it.
TEST(JournalWriter, CheckpointsTheWalIntoTheDatabaseFileWhileRunning) {
  TempDir dir;
  const auto path = dir.file("j.db");
  JournalWriter writer{Journal{path}};
  for (int batch = 0; batch < 10; ++batch) {
    for (auto& event : sample_events(2000)) writer.submit(event);
    writer.flush();
  }
  // A commit after the last checkpoint: the writer checkpoints before it
  // takes the next batch, so this flush returns after it.
  writer.submit(sample_events(1)[0]);
  writer.flush();
  // 20,000 rows are several MiB; before any checkpoint the database file
  // holds only its schema.
  EXPECT_GT(std::filesystem::file_size(path), 1u << 20);
}

TEST(JournalWriter, SubmitWithoutCallbackIsAllowed) {
  TempDir dir;
  JournalWriter writer{Journal{dir.file("j.db")}};
  writer.submit(sample_events(1)[0]);
  writer.flush();
  EXPECT_EQ(writer.stats().committed, 1u);
}

TEST(JournalWriter, AThrowingCallbackIsCountedAndDoesNotStopTheJournal) {
  TempDir dir;
  Committed committed;
  JournalWriter writer{Journal{dir.file("j.db")}};
  writer.submit(sample_events(1)[0], [](const core::Event&) { throw std::runtime_error("bug"); });
  writer.submit(sample_events(1)[0], committed.callback());
  writer.flush();
  EXPECT_EQ(committed.seqs, (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(writer.stats().callback_failures, 1u);
}

TEST(JournalWriter, KeepsEventsAndRetriesWhenTheDiskIsFull) {
  TempDir dir;
  const auto path = dir.file("j.db");
  { Journal create{path}; }
  {
    // Ballast: pages the "operator" frees later to make room.
    RawSql raw{path};
    raw.exec("CREATE TABLE ballast (b BLOB)");
    raw.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) "
        "INSERT INTO ballast SELECT zeroblob(4000) FROM n");
  }
  FirstFailure failure;
  Committed committed;
  auto writer = std::make_unique<JournalWriter>(
      Journal{path, JournalOptions{.max_size_bytes = 1}},  // no room to grow: SQLITE_FULL
      WriterOptions{.first_retry = std::chrono::milliseconds{1},
                    .max_retry = std::chrono::milliseconds{20},
                    .on_commit_failure = failure.callback()});
  for (auto& event : sample_events(3000)) writer->submit(event, committed.callback());

  auto first = failure.promise.get_future().get();
  EXPECT_EQ(first.sqlite_code, SQLITE_FULL) << first.message;
  EXPECT_EQ(first.attempt, 1u);
  EXPECT_GT(first.pending, 0u);
  {
    std::lock_guard lock{committed.mutex};
    EXPECT_LT(committed.seqs.size(), 3000u);
  }

  RawSql{path}.exec("DELETE FROM ballast");  // space freed: the retry must get through
  writer->flush();
  EXPECT_GE(writer->stats().failed_commits, 1u);
  writer.reset();

  EXPECT_EQ(committed.seqs, one_to(3000));
  Journal reopened{path};
  EXPECT_EQ(reopened.last_seq(), 3000u);
  EXPECT_TRUE(reopened.verify().ok);
}

TEST(JournalWriter, RetriesWhenAnotherConnectionHoldsTheWriteLock) {
  TempDir dir;
  const auto path = dir.file("j.db");
  RawSql lock{path};
  FirstFailure failure;
  Committed committed;
  JournalWriter writer{Journal{path, JournalOptions{.busy_timeout = std::chrono::milliseconds{10}}},
                       WriterOptions{.first_retry = std::chrono::milliseconds{1},
                                     .on_commit_failure = failure.callback()}};
  lock.exec("BEGIN IMMEDIATE");
  for (auto& event : sample_events(10)) writer.submit(event, committed.callback());
  auto first = failure.promise.get_future().get();
  EXPECT_EQ(first.sqlite_code, SQLITE_BUSY) << first.message;
  lock.exec("COMMIT");
  writer.flush();
  EXPECT_EQ(committed.seqs, one_to(10));
}

TEST(JournalWriter, PastMaxPendingCountsNewEventsByKindAndReportsThemAtTheNextCommit) {
  TempDir dir;
  const auto path = dir.file("j.db");
  RawSql lock{path};
  std::promise<CommitResumed> resumed;
  FirstFailure failure;
  Committed committed;
  JournalWriter writer{
      Journal{path, JournalOptions{.busy_timeout = std::chrono::milliseconds{10}}},
      WriterOptions{.first_retry = std::chrono::milliseconds{1},
                    .max_retry = std::chrono::milliseconds{5},
                    .on_commit_failure = failure.callback(),
                    .on_commit_resumed = [&](const CommitResumed& r) { resumed.set_value(r); },
                    .max_pending = 5}};
  lock.exec("BEGIN IMMEDIATE");  // nothing can commit: every event is held
  auto events = sample_events(8);
  for (std::size_t i = 0; i < events.size(); ++i) {
    events[i].kind = i < 6 ? core::EventKind::access_granted : core::EventKind::door_forced;
    events[i].time = core::TimePoint{std::chrono::seconds(100 + i)};
  }
  std::vector<bool> accepted;
  for (auto& event : events) accepted.push_back(writer.submit(event, committed.callback()));
  EXPECT_EQ(accepted, (std::vector<bool>{true, true, true, true, true, false, false, false}));
  EXPECT_EQ(writer.stats().dropped, 3u);
  // A report on the journal itself is never left out.
  writer.submit_report(events[0], committed.callback());

  failure.promise.get_future().wait();
  lock.exec("COMMIT");
  writer.flush();
  const CommitResumed r = resumed.get_future().get();
  EXPECT_GE(r.failed_attempts, 1u);
  EXPECT_EQ(r.dropped, 3u);
  using Counts = std::vector<std::pair<core::EventKind, std::uint64_t>>;
  EXPECT_EQ(r.dropped_by_kind,
            (Counts{{core::EventKind::access_granted, 1}, {core::EventKind::door_forced, 2}}));
  EXPECT_EQ(r.first_dropped, core::TimePoint{std::chrono::seconds(105)});
  EXPECT_EQ(r.last_dropped, core::TimePoint{std::chrono::seconds(107)});
  EXPECT_EQ(committed.seqs, one_to(6));
  // Below the bound again: events are accepted.
  EXPECT_TRUE(writer.submit(events[0]));
}

}  // namespace
}  // namespace vigil::journal
