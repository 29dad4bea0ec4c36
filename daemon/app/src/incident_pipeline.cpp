#include "vigil/app/incident_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "vigil/app/incident_cursor.hpp"
#include "vigil/core/incident_lifecycle.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/latency_trace.hpp"
#include "vigil/mqtt/incident_state.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/payload.hpp"

namespace vigil::app {

IncidentPipeline::IncidentPipeline(core::IncidentRulesConfig rules, mqtt::TopicTree topics,
                                   std::string segment)
    : topics_(std::move(topics)),
      segment_(std::move(segment)),
      rules_(rules),
      before_batch_(rules) {}

const std::vector<core::EventKind>& IncidentPipeline::replay_kinds() {
  // store() acts on two sets: the kinds the rules raise incidents from
  // (denials included, whose bursts they count) and the streamed kinds.
  // Nothing else changes what it stores or the rules' state.
  static const std::vector<core::EventKind> kinds = [] {
    std::vector<core::EventKind> out = core::incident_source_kinds();
    for (int k = 0; std::string_view(core::to_string(static_cast<core::EventKind>(k))) != "unknown";
         ++k) {
      const auto kind = static_cast<core::EventKind>(k);
      if (mqtt::is_streamed_event(kind) && std::find(out.begin(), out.end(), kind) == out.end()) {
        out.push_back(kind);
      }
    }
    return out;
  }();
  return kinds;
}

std::size_t IncidentPipeline::replay(const std::filesystem::path& database) {
  // Opened first: opening may write (the schema, query indexes), which
  // would wait on the write transaction below.
  const journal::Journal journal_file(database);
  journal::sqlite::Database db(database);
  mqtt::Outbox::create_table(db);
  IncidentCursor::create_table(db);
  journal::sqlite::Transaction txn(db);
  const auto cursor =
      static_cast<std::uint64_t>(db.query_int("SELECT coalesce(max(seq), 0) FROM incident_cursor"));
  const auto head =
      static_cast<std::uint64_t>(db.query_int("SELECT coalesce(max(seq), 0) FROM events"));
  if (head <= cursor) return 0;
  // Only the kinds store() acts on, through the kind index: after an import
  // of 2,000,000 people the rows after the cursor are 2,000,000
  // person_added, which raise nothing and were read and decoded one by one
  // (5.3 s of issue 8's start-up). Page by page: the matches can still be
  // many (a journal left by a daemon older than this pipeline).
  constexpr std::size_t kPage = 10'000;
  journal::Filter filter;
  filter.kinds = replay_kinds();
  filter.after_seq = cursor;
  filter.limit = kPage;
  const std::uint64_t before = incidents_stored_;
  for (;;) {
    const auto events = journal_file.query(filter);
    if (events.empty()) break;
    store(events, db);
    filter.after_seq = events.back().seq;
    if (events.size() < kPage) break;
  }
  // Past the rows that raise nothing too, so the next start skips them.
  IncidentCursor::advance(db, head);
  const std::size_t n = incidents_stored_ - before;
  txn.commit();
  committed_rows_.clear();  // the sender reads these from the outbox when it starts
  before_batch_ = rules_;
  return n;
}

void IncidentPipeline::in_transaction(std::span<const core::Event> events,
                                      journal::sqlite::Database& db) {
  if (events.empty()) return;
  journal::LatencyTrace::mark(journal::LatencyTrace::Stage::events_inserted);
  // The same first seq again means the last batch rolled back and is being
  // retried (perhaps with more events): start from the state before it.
  // The rows handed to the sender after the commit follow the same rule:
  // a rolled-back attempt's rows are forgotten (the retry inserts them
  // again, with the same ids), those of earlier committed batches not yet
  // taken are kept.
  if (events.front().seq == batch_first_seq_) {
    rules_ = before_batch_;
    committed_rows_.resize(batch_rows_begin_);
    deleted_through_ = deleted_before_batch_;  // the rolled-back attempt's delete is undone
  } else {
    before_batch_ = rules_;
    deleted_before_batch_ = deleted_through_;
    batch_first_seq_ = events.front().seq;
    batch_rows_begin_ = committed_rows_.size();
  }
  store(events, db);
  journal::LatencyTrace::mark(journal::LatencyTrace::Stage::outbox_stored);
}

void IncidentPipeline::insert(journal::sqlite::Database& db, std::string topic, std::string payload,
                              int qos, bool retain) {
  const auto id = mqtt::Outbox::insert(db, topic, payload, qos, retain);
  committed_rows_.push_back(
      mqtt::OutboxMessage{id, std::move(topic), std::move(payload), qos == 0 ? 0 : 1, retain});
}

std::vector<mqtt::OutboxMessage> IncidentPipeline::take_committed() {
  batch_rows_begin_ = 0;
  return std::exchange(committed_rows_, {});
}

std::int64_t IncidentPipeline::delete_acknowledged(journal::sqlite::Database& db,
                                                   std::int64_t acknowledged) {
  if (acknowledged <= deleted_through_) return 0;
  mqtt::Outbox::remove_through(db, acknowledged);
  deleted_through_ = acknowledged;
  return acknowledged;
}

void IncidentPipeline::add_door_zone(core::Event& e) const {
  if (e.zone || !e.door) return;
  if (auto it = door_zones_.find(e.door->str()); it != door_zones_.end()) e.zone = it->second;
}

std::size_t IncidentPipeline::store(std::span<const core::Event> events,
                                    journal::sqlite::Database& db) {
  std::size_t n = 0;  // outbox rows
  std::size_t incidents = 0;
  for (const auto& e : events) {
    if (stream_.publish && mqtt::is_streamed_event(e.kind)) {
      core::Event streamed = e;
      add_door_zone(streamed);
      std::string name;
      if (stream_.personal == mqtt::PersonalData::full_name && e.person) {
        auto lookup = db.cached("SELECT name FROM people WHERE id = ?1");
        lookup->bind(1, std::string_view{e.person->str()});
        if (lookup->step()) name = lookup->column_text(0);
      }
      insert(db, topics_.event(streamed),
             mqtt::event_payload(streamed, topics_.site(), topics_.gateway(), segment_,
                                 stream_.personal, name),
             stream_.qos, false);
      ++events_stored_;
      ++n;
    }
    // Reported anomalies and actions on incidents are published by
    // IncidentStateWatch, whoever journalled them: raising them here too
    // would send them twice.
    if (core::is_lifecycle_event(e.kind)) continue;
    if (auto incident = rules_.observe(e)) {
      add_door_zone(incident->event);
      insert(db, topics_.incident(*incident),
             mqtt::incident_payload(*incident, topics_.site(), topics_.gateway(), segment_), 1,
             false);
      ++incidents;
      ++n;
      if (publish_states_) {
        const auto open = core::open_lifecycle(e.seq, e.time, levels_);
        insert(db, topics_.incident_state(e.seq, segment_),
               mqtt::incident_state_payload(open, incident->event.zone, levels_.size(),
                                            topics_.site(), topics_.gateway(), segment_),
               1, true);
        ++n;
      }
    }
  }
  IncidentCursor::advance(db, events.back().seq);
  incidents_stored_ += incidents;
  return n;
}

}  // namespace vigil::app
