#include "vigil/app/incident_pipeline.hpp"

#include <spdlog/spdlog.h>

#include "vigil/app/incident_cursor.hpp"
#include "vigil/core/incident_lifecycle.hpp"
#include "vigil/journal/journal.hpp"
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

std::size_t IncidentPipeline::replay(const std::filesystem::path& database) {
  journal::sqlite::Database db(database);
  mqtt::Outbox::create_table(db);
  IncidentCursor::create_table(db);
  const auto cursor = db.query_int("SELECT coalesce(max(seq), 0) FROM incident_cursor");
  // Page by page: the events after the cursor can be millions (an import
  // of 2,000,000 people), and one query held them all (1.5 GiB at
  // 1,000,000 roster events, issue 8's start-up measure).
  constexpr std::size_t kPage = 10'000;
  const journal::Journal journal_file(database);
  journal::Filter filter;
  filter.after_seq = static_cast<std::uint64_t>(cursor);
  filter.limit = kPage;
  const std::uint64_t before = incidents_stored_;
  bool any = false;
  journal::sqlite::Transaction txn(db);
  for (;;) {
    const auto events = journal_file.query(filter);
    if (events.empty()) break;
    any = true;
    store(events, db);
    filter.after_seq = events.back().seq;
    if (events.size() < kPage) break;
  }
  if (!any) return 0;
  const std::size_t n = incidents_stored_ - before;
  txn.commit();
  before_batch_ = rules_;
  return n;
}

void IncidentPipeline::in_transaction(std::span<const core::Event> events,
                                      journal::sqlite::Database& db) {
  if (events.empty()) return;
  // The same first seq again means the last batch rolled back and is being
  // retried (perhaps with more events): start from the state before it.
  if (events.front().seq == batch_first_seq_) {
    rules_ = before_batch_;
  } else {
    before_batch_ = rules_;
    batch_first_seq_ = events.front().seq;
  }
  if (store(events, db) > 0) stored_ = true;
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
      mqtt::Outbox::insert(db, topics_.event(streamed),
                           mqtt::event_payload(streamed, topics_.site(), topics_.gateway(),
                                               segment_, stream_.personal, name),
                           stream_.qos);
      ++events_stored_;
      ++n;
    }
    // Reported anomalies and actions on incidents are published by
    // IncidentStateWatch, whoever journalled them: raising them here too
    // would send them twice.
    if (core::is_lifecycle_event(e.kind)) continue;
    if (auto incident = rules_.observe(e)) {
      add_door_zone(incident->event);
      mqtt::Outbox::insert(
          db, topics_.incident(*incident),
          mqtt::incident_payload(*incident, topics_.site(), topics_.gateway(), segment_));
      ++incidents;
      ++n;
      if (publish_states_) {
        const auto open = core::open_lifecycle(e.seq, e.time, levels_);
        mqtt::Outbox::insert(
            db, topics_.incident_state(e.seq, segment_),
            mqtt::incident_state_payload(open, incident->event.zone, levels_.size(), topics_.site(),
                                         topics_.gateway(), segment_),
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
