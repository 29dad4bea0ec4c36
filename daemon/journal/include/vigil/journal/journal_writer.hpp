// Group commit. The daemon's event loop submits events without blocking; one
// writer thread takes everything queued, appends it in one transaction (one
// fsync for the whole batch: the fsync is ~250 µs, so batching is what makes
// 100k durable appends/s possible), then calls each event's callback in seq
// order. The daemon's callbacks post back onto its io_context, so "durable
// before acknowledged" holds: nothing is published before its commit.
//
// A failed commit (full disk, a lock held too long) keeps every event queued
// and retries with exponential backoff, reporting each failure; no submitted
// event is ever dropped, including at destruction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
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

struct WriterOptions {
  std::chrono::milliseconds first_retry{10};
  std::chrono::milliseconds max_retry{2000};
  // Called on the writer thread after each failed commit; post it to the
  // event loop to raise an alarm. Must not block for long.
  std::function<void(const CommitFailure&)> on_commit_failure{};
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
  // its transaction is durable, in submission order.
  void submit(core::Event event, OnCommitted on_committed = {});

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

  Journal journal_;
  WriterOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // queue became non-empty, or stopping
  std::condition_variable committed_;   // a batch committed (flush waits on it)
  std::vector<core::Event> queued_events_;
  std::vector<OnCommitted> queued_callbacks_;
  WriterStats stats_;
  bool stopping_ = false;

  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace vigil::journal
