// Group commit. The daemon's event loop submits events without blocking; one
// writer thread takes everything queued, appends it in one transaction (one
// fsync for the whole batch: the fsync is ~250 µs, so batching is what makes
// 100k durable appends/s possible), then calls each event's callback in seq
// order. The daemon's callbacks post back onto its io_context, so "durable
// before acknowledged" holds: nothing is published before its commit.
//
// A failed commit (full disk, a lock held too long) keeps every event queued
// and retries with exponential backoff, reporting each failure. Memory is
// bounded: past max_pending uncommitted events, new events are not queued but
// counted by kind, and the next successful commit reports the counts
// (on_commit_resumed) so the daemon journals them; nothing goes silently.
// Every accepted event commits, in order, including at destruction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {

struct CommitFailure {
  std::string message{};      // SQLite's message, with the statement
  int sqlite_code = 0;        // SQLITE_FULL (13) on a full disk, 0 if not from SQLite
  std::uint32_t attempt = 0;  // consecutive failures of this batch so far
  std::size_t pending = 0;    // events waiting to commit (none dropped)
  std::chrono::milliseconds retry_in{0};
};

// After a successful commit that ends a streak of failures, or that follows
// events the bound kept out of memory.
struct CommitResumed {
  std::uint32_t failed_attempts = 0;  // failed commits in the streak just ended
  std::uint64_t dropped = 0;          // events not queued (max_pending reached)
  std::vector<std::pair<core::EventKind, std::uint64_t>> dropped_by_kind{};  // in kind order
  core::TimePoint first_dropped{};  // event times of the first and last dropped
  core::TimePoint last_dropped{};
};

struct WriterOptions {
  std::chrono::milliseconds first_retry{10};
  std::chrono::milliseconds max_retry{2000};
  // Called on the writer thread after each failed commit; post it to the
  // event loop to raise an alarm. Must not block for long.
  std::function<void(const CommitFailure&)> on_commit_failure{};
  // Called on the writer thread after the commit that ends a failure streak
  // or follows dropped events (before that batch's callbacks).
  std::function<void(const CommitResumed&)> on_commit_resumed{};
  // The most events held uncommitted (queued or in the batch being retried).
  // 200,000 events is hours of a busy site (~100 bytes each in memory, ~20 MB);
  // past it, submit() counts the event instead of queueing it.
  std::size_t max_pending = 200'000;
  // Runs on the writer thread inside each batch's write transaction, after
  // the batch's rows are inserted (seq set on every event): insert outbox
  // rows, advance a cursor, all committed atomically with the events under
  // the same fsync. If it throws, the batch rolls back and is retried like
  // any failed commit, so it must be safe to run again for the same events.
  std::function<void(std::span<const core::Event>, sqlite::Database&)> in_batch_transaction{};
};

struct WriterStats {
  std::uint64_t submitted = 0;
  std::uint64_t committed = 0;
  std::uint64_t batches = 0;            // successful transactions
  std::uint64_t failed_commits = 0;     // each one retried
  std::uint64_t callback_failures = 0;  // callbacks that threw (caught and counted)
  std::uint64_t dropped = 0;            // not queued: max_pending reached
  std::size_t largest_batch = 0;
  std::uint64_t pending() const { return submitted - committed; }
};

class JournalWriter {
 public:
  using OnCommitted = std::function<void(const core::Event&)>;

  // Takes the journal over: from here on only the writer thread touches it.
  explicit JournalWriter(Journal journal, WriterOptions options = {});
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  // Commits everything submitted, then joins the thread. While commits fail
  // it keeps retrying rather than lose events; a service manager's stop
  // timeout is the backstop.
  ~JournalWriter();

  // Cheap and non-blocking for the caller: a short lock and a queue push.
  // on_committed runs on the writer thread with the event's seq set, after
  // its transaction is durable, in submission order. Returns false (and
  // counts the event, see CommitResumed) when max_pending events are already
  // held: that event will never commit and its callback never runs.
  bool submit(core::Event event, OnCommitted on_committed = {});
  // submit(), exempt from max_pending: for the few events that report on the
  // journal itself (journal_failing, journal_recovered with the drop counts),
  // which must not be lost to the bound they report on.
  void submit_report(core::Event event, OnCommitted on_committed = {});

  // While a Hold lives, submit() queues without waking the writer, and the
  // writer does not take the queue; the last Hold to end wakes it once. The
  // daemon holds one across the events of one input (a forced door's
  // door_opened and door_forced), so they commit in one transaction under
  // one fsync: woken by the first, the writer would commit it alone and the
  // incident's event would wait for a second fsync behind it. Submissions
  // from other threads meanwhile wait for the Hold's end too (microseconds:
  // the loop's work for one input). Never flush() while holding one.
  class Hold {
   public:
    explicit Hold(JournalWriter& writer);
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold();

   private:
    JournalWriter& writer_;
  };

  // Blocks until every event submitted before the call is committed. For
  // shutdown paths and tests; the event loop never calls it.
  void flush();

  WriterStats stats() const;

 private:
  void run();
  // Moves the queue into the in-flight batch; returns false when stopping
  // with nothing left to do.
  bool take_queued(std::vector<core::Event>& events, std::vector<OnCommitted>& callbacks);
  void report_failure(const std::string& message, int sqlite_code, std::uint32_t attempt,
                      std::size_t in_flight, std::chrono::milliseconds retry_in);

  // Takes the drop counts (under mutex_) for on_commit_resumed.
  CommitResumed take_resumed(std::uint32_t failed_attempts);
  bool enqueue(core::Event event, OnCommitted on_committed, bool bounded);
  // SQLite's WAL hook on the writer's connection, and the checkpoint it
  // defers to after a batch's callbacks.
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int pages);
  void checkpoint_if_due();
  // VIGIL_LATENCY_TRACE only: the commit's line of the timeline.
  void trace_commit(std::uint64_t first, std::uint64_t last);

  Journal journal_;
  WriterOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // queue became non-empty, or stopping
  std::condition_variable committed_;   // a batch committed (flush waits on it)
  std::vector<core::Event> queued_events_;
  std::vector<OnCommitted> queued_callbacks_;
  WriterStats stats_;
  CommitResumed dropped_{};  // drops since the last report
  bool stopping_ = false;
  int holds_ = 0;      // Holds alive: submissions do not wake the writer
  int wal_pages_ = 0;  // the WAL's size after the last commit (writer thread only)

  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace vigil::journal
