#include "vigil/journal/journal_writer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <utility>

#include "vigil/journal/latency_trace.hpp"

namespace vigil::journal {

JournalWriter::JournalWriter(Journal journal, WriterOptions options)
    : journal_(std::move(journal)), options_(std::move(options)) {
  // In place of SQLite's autocheckpoint on this connection, which copies the
  // WAL into the database (and fsyncs it) inside the COMMIT that crosses
  // 1,000 pages: that batch's callbacks, its incidents' publish among them,
  // would wait for it. Same threshold, checkpointed after the callbacks.
  sqlite3_wal_hook(journal_.database().handle(), &JournalWriter::on_wal_commit, this);
  thread_ = std::thread([this] { run(); });
}

int JournalWriter::on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  static_cast<JournalWriter*>(self)->wal_pages_ = pages;
  return SQLITE_OK;
}

void JournalWriter::trace_commit(std::uint64_t first, std::uint64_t last) {
  // The page cache's misses and hits since the last commit (reset here):
  // a miss is a page read again from the file or the WAL.
  int miss = 0;
  int hit = 0;
  int high = 0;
  sqlite3_db_status(journal_.database().handle(), SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 1);
  sqlite3_db_status(journal_.database().handle(), SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 1);
  LatencyTrace::emit(first, last, miss, hit);
}

void JournalWriter::checkpoint_if_due() {
  constexpr int kCheckpointPages = 1000;  // SQLite's autocheckpoint default
  if (wal_pages_ < kCheckpointPages) return;
  wal_pages_ = 0;
  // PASSIVE, as the autocheckpoint: copies what no reader still needs and
  // never waits; a busy or failed one is simply tried after a later commit.
  (void)sqlite3_wal_checkpoint_v2(journal_.database().handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                  nullptr, nullptr);
}

JournalWriter::~JournalWriter() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

bool JournalWriter::submit(core::Event event, OnCommitted on_committed) {
  return enqueue(std::move(event), std::move(on_committed), true);
}

void JournalWriter::submit_report(core::Event event, OnCommitted on_committed) {
  enqueue(std::move(event), std::move(on_committed), false);
}

bool JournalWriter::enqueue(core::Event event, OnCommitted on_committed, bool bounded) {
  bool wake = false;
  {
    std::lock_guard lock{mutex_};
    if (bounded && stats_.pending() >= options_.max_pending) {
      // Newest events are the ones left out: what is held stays one gapless
      // run, and the summary says exactly what is missing after it.
      ++stats_.dropped;
      if (dropped_.dropped++ == 0) dropped_.first_dropped = event.time;
      dropped_.last_dropped = event.time;
      auto& by_kind = dropped_.dropped_by_kind;
      auto it = std::find_if(by_kind.begin(), by_kind.end(),
                             [&](const auto& k) { return k.first >= event.kind; });
      if (it == by_kind.end() || it->first != event.kind) it = by_kind.insert(it, {event.kind, 0});
      ++it->second;
      return false;
    }
    wake = queued_events_.empty() && holds_ == 0;
    queued_events_.push_back(std::move(event));
    queued_callbacks_.push_back(std::move(on_committed));
    ++stats_.submitted;
  }
  // Only the first event of a batch wakes the writer: while it commits, later
  // submissions just queue, and it looks at the queue before sleeping again.
  // That keeps submit() free of a futex call on the hot path.
  if (wake) work_ready_.notify_one();
  return true;
}

JournalWriter::Hold::Hold(JournalWriter& writer) : writer_(writer) {
  std::lock_guard lock{writer_.mutex_};
  ++writer_.holds_;
}

JournalWriter::Hold::~Hold() {
  bool wake = false;
  {
    std::lock_guard lock{writer_.mutex_};
    wake = --writer_.holds_ == 0 && !writer_.queued_events_.empty();
  }
  if (wake) {
    LatencyTrace::mark(LatencyTrace::Stage::writer_notified);
    writer_.work_ready_.notify_one();
  }
}

CommitResumed JournalWriter::take_resumed(std::uint32_t failed_attempts) {
  std::lock_guard lock{mutex_};
  CommitResumed r = std::exchange(dropped_, CommitResumed{});
  r.failed_attempts = failed_attempts;
  return r;
}

void JournalWriter::flush() {
  std::unique_lock lock{mutex_};
  const auto target = stats_.submitted;
  committed_.wait(lock, [&] { return stats_.committed >= target; });
}

WriterStats JournalWriter::stats() const {
  std::lock_guard lock{mutex_};
  return stats_;
}

bool JournalWriter::take_queued(std::vector<core::Event>& events,
                                std::vector<OnCommitted>& callbacks) {
  std::unique_lock lock{mutex_};
  if (events.empty()) {
    // Not while a Hold is open: its events go in one transaction together.
    work_ready_.wait(lock, [&] { return (!queued_events_.empty() && holds_ == 0) || stopping_; });
    if (queued_events_.empty()) return false;  // stopping, and all committed
    // The common case: swap whole vectors, so the queue keeps the capacity
    // of the last batch and submit() rarely allocates.
    events.swap(queued_events_);
    callbacks.swap(queued_callbacks_);
    LatencyTrace::mark(LatencyTrace::Stage::writer_woken);
    return true;
  }
  // Retrying a failed batch: it commits together with whatever queued since,
  // in order, so the retry also catches up.
  std::move(queued_events_.begin(), queued_events_.end(), std::back_inserter(events));
  std::move(queued_callbacks_.begin(), queued_callbacks_.end(), std::back_inserter(callbacks));
  queued_events_.clear();
  queued_callbacks_.clear();
  return true;
}

void JournalWriter::report_failure(const std::string& message, int sqlite_code,
                                   std::uint32_t attempt, std::size_t in_flight,
                                   std::chrono::milliseconds retry_in) {
  std::size_t pending = 0;
  {
    std::lock_guard lock{mutex_};
    ++stats_.failed_commits;
    pending = std::max<std::size_t>(in_flight, stats_.pending());
  }
  if (options_.on_commit_failure) {
    options_.on_commit_failure(CommitFailure{.message = message,
                                             .sqlite_code = sqlite_code,
                                             .attempt = attempt,
                                             .pending = pending,
                                             .retry_in = retry_in});
  }
}

void JournalWriter::run() {
  std::vector<core::Event> events;
  std::vector<OnCommitted> callbacks;
  std::uint32_t attempt = 0;
  auto retry_in = options_.first_retry;

  while (take_queued(events, callbacks)) {
    try {
      if (options_.in_batch_transaction) {
        journal_.append(events, [&](sqlite::Database& db) {
          options_.in_batch_transaction(std::span<const core::Event>{events}, db);
        });
      } else {
        journal_.append(events);
      }
    } catch (const std::exception& error) {
      // Journal::append left the file and the events untouched, so the same
      // batch is simply tried again later. Nothing is dropped: an entry log
      // with holes is worse than one that catches up after the disk clears.
      const auto* journal_error = dynamic_cast<const JournalError*>(&error);
      report_failure(error.what(), journal_error ? journal_error->sqlite_code() : 0, ++attempt,
                     events.size(), retry_in);
      std::this_thread::sleep_for(retry_in);
      retry_in = std::min(retry_in * 2, options_.max_retry);
      continue;
    }
    if (options_.on_commit_resumed) {
      bool any_dropped = false;
      {
        std::lock_guard lock{mutex_};
        any_dropped = dropped_.dropped > 0;
      }
      if (attempt > 0 || any_dropped) {
        try {
          options_.on_commit_resumed(take_resumed(attempt));
        } catch (...) {
          // reporting must not stop the journal
        }
      }
    }
    LatencyTrace::mark(LatencyTrace::Stage::committed);
    attempt = 0;
    retry_in = options_.first_retry;

    std::uint64_t callback_failures = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (!callbacks[i]) continue;
      try {
        callbacks[i](events[i]);
      } catch (...) {
        // A throwing callback must not stop the journal; it is counted.
        ++callback_failures;
      }
    }
    {
      std::lock_guard lock{mutex_};
      stats_.committed += events.size();
      stats_.batches += 1;
      stats_.callback_failures += callback_failures;
      stats_.largest_batch = std::max(stats_.largest_batch, events.size());
    }
    committed_.notify_all();
    if (LatencyTrace::on() && !events.empty()) trace_commit(events.front().seq, events.back().seq);
    events.clear();
    callbacks.clear();
    checkpoint_if_due();
  }
}

}  // namespace vigil::journal
