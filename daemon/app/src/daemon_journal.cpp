// The daemon's side of the journal writer: the hook that stores incidents in
// the writer's transaction, and what happens while commits fail. Doors never
// wait for any of it: outputs are applied before events reach the journal.
#include <spdlog/spdlog.h>

#include <future>
#include <memory>

#include "vigil/app/clocks.hpp"
#include "vigil/app/daemon.hpp"
#include "vigil/app/incident_pipeline.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/latency_trace.hpp"
#include "vigil/mqtt/publisher.hpp"

namespace vigil::app {

journal::WriterOptions Daemon::writer_options() {
  journal::WriterOptions wopts;
  if (options_.journal_max_pending > 0) wopts.max_pending = options_.journal_max_pending;
  // Writer thread: log, then let the loop decide what a guard must see.
  wopts.on_commit_failure = [this](const journal::CommitFailure& f) {
    spdlog::error("journal commit failed (attempt {}, {} events waiting): {}", f.attempt, f.pending,
                  f.message);
    boost::asio::post(io_, [this, f] { on_journal_failing(f); });
  };
  wopts.on_commit_resumed = [this](const journal::CommitResumed& r) {
    boost::asio::post(io_, [this, r] { on_journal_resumed(r); });
  };
  // The writer deletes the acknowledged outbox rows in its own transactions:
  // a delete committed by the sender's connection made SQLite drop the
  // writer's page cache, and the next incident's commit read every page of
  // its tables and indexes again (docs/design.md, s25-forced).
  publisher_->leave_deletes_to_writer();
  wopts.in_batch_transaction = [this](std::span<const core::Event> events,
                                      journal::sqlite::Database& db) {
    pipeline_->in_transaction(events, db);
    // Told before the commit: should it roll back, the retry deletes them
    // again, and a process that dies first resends them (duplicates a
    // console drops by id, never a loss).
    if (const auto through = pipeline_->delete_acknowledged(db, publisher_->acknowledged_through());
        through > 0) {
      publisher_->outbox_deleted_through(through);
    }
    journal::LatencyTrace::mark(journal::LatencyTrace::Stage::acked_deleted);
  };
  return wopts;
}

bool Daemon::journal_audit(core::Event event) {
  // The control thread waits here, never the loop. A commit streak that
  // fails longer than this withholds the reply (the record still commits
  // later, in order, like every held event).
  constexpr auto kDurableWithin = std::chrono::seconds(10);
  auto done = std::make_shared<std::promise<void>>();
  auto durable = done->get_future();
  const bool queued = journal_->submit(std::move(event), [this, done](const core::Event& c) {
    publisher_->outbox_committed(pipeline_->take_committed());
    boost::asio::post(io_, [this, c] { on_committed(c); });
    done->set_value();
  });
  return queued && durable.wait_for(kDurableWithin) == std::future_status::ready;
}

void Daemon::on_journal_failing(const journal::CommitFailure& failure) {
  if (journal_failing_) return;
  journal_failing_ = true;
  core::Event e;
  e.kind = core::EventKind::journal_failing;
  e.time = wall_now();
  e.mono = mono_now();
  e.detail = failure.message;
  core::set_attr(e.attrs, "sqlite_code", std::int64_t{failure.sqlite_code});
  core::set_attr(e.attrs, "pending", static_cast<std::int64_t>(failure.pending));
  // The outbox is in the database that cannot commit: this incident goes
  // straight from memory. The event itself commits with the rest later.
  publisher_->publish_from_memory(
      core::Incident{core::IncidentKind::journal_failing, core::Severity::critical, e,
                     "Journal commits failing (" + failure.message +
                         "); doors keep working, events held in memory"});
  publisher_->set_status(mqtt::GatewayState::degraded, "journal_failing");
  journal(std::move(e), true);
}

void Daemon::on_journal_resumed(const journal::CommitResumed& resumed) {
  core::Event e;
  e.kind = core::EventKind::journal_recovered;
  e.time = wall_now();
  e.mono = mono_now();
  core::set_attr(e.attrs, "failed_attempts", std::int64_t{resumed.failed_attempts});
  core::set_attr(e.attrs, "dropped", static_cast<std::int64_t>(resumed.dropped));
  if (resumed.dropped > 0) {
    // What the memory bound kept out of the journal, so the record says
    // exactly what is missing and when.
    core::set_attr(e.attrs, "first_dropped", core::format_utc(resumed.first_dropped));
    core::set_attr(e.attrs, "last_dropped", core::format_utc(resumed.last_dropped));
    for (const auto& [kind, count] : resumed.dropped_by_kind) {
      core::set_attr(e.attrs, std::string("dropped.") + core::to_string(kind),
                     static_cast<std::int64_t>(count));
    }
    spdlog::error("journal: {} event(s) past the memory bound were not journalled",
                  resumed.dropped);
  }
  if (journal_failing_) {
    journal_failing_ = false;
    publisher_->set_status(mqtt::GatewayState::online);
    spdlog::info("journal commits succeed again after {} failed attempt(s)",
                 resumed.failed_attempts);
  }
  journal(std::move(e), true);
}

}  // namespace vigil::app
