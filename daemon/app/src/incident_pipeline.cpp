#include "vigil/app/incident_pipeline.hpp"

#include <spdlog/spdlog.h>

#include "vigil/app/incident_cursor.hpp"
#include "vigil/journal/journal.hpp"
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
  journal::Filter filter;
  filter.after_seq = static_cast<std::uint64_t>(cursor);
  const auto events = journal::Journal(database).query(filter);
  if (events.empty()) return 0;
  journal::sqlite::Transaction txn(db);
  const std::size_t n = store(events, db);
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

std::size_t IncidentPipeline::store(std::span<const core::Event> events,
                                    journal::sqlite::Database& db) {
  std::size_t n = 0;
  for (const auto& e : events) {
    if (auto incident = rules_.observe(e)) {
      if (!incident->event.zone && incident->event.door) {
        if (auto it = door_zones_.find(incident->event.door->str()); it != door_zones_.end()) {
          incident->event.zone = it->second;
        }
      }
      mqtt::Outbox::insert(
          db, topics_.incident(*incident),
          mqtt::incident_payload(*incident, topics_.site(), topics_.gateway(), segment_));
      ++n;
    }
  }
  IncidentCursor::advance(db, events.back().seq);
  incidents_stored_ += n;
  return n;
}

}  // namespace vigil::app
