#include "vigil/app/incident_state_watch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "vigil/journal/incident_log.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/mqtt/incident_state.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/payload.hpp"

namespace vigil::app {
namespace {

constexpr const char* kCursorSchema = R"sql(
CREATE TABLE IF NOT EXISTS incident_state_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL  -- every lifecycle event up to here has its MQTT rows in the outbox
);
)sql";

const std::vector<core::EventKind>& lifecycle_kinds() {
  static const std::vector<core::EventKind> kinds{
      core::EventKind::incident_reported, core::EventKind::incident_acknowledged,
      core::EventKind::incident_escalated, core::EventKind::incident_resolved,
      core::EventKind::deficiency_overdue};
  return kinds;
}

// Events vigilctl appends that raise an incident themselves (not through
// vigild's event stream): a reported anomaly, an overdue deficiency.
bool raises_incident(const core::Event& e) {
  return e.kind == core::EventKind::incident_reported ||
         e.kind == core::EventKind::deficiency_overdue;
}

}  // namespace

IncidentStateWatch::IncidentStateWatch(std::filesystem::path db, mqtt::TopicTree topics,
                                       std::string segment, core::IncidentRulesConfig rules,
                                       std::unordered_map<std::string, core::ZoneId> door_zones,
                                       std::function<void()> on_stored,
                                       IncidentStateWatchOptions options)
    : db_(std::move(db)),
      topics_(std::move(topics)),
      segment_(std::move(segment)),
      rules_(std::move(rules)),
      door_zones_(std::move(door_zones)),
      on_stored_(std::move(on_stored)),
      options_(options) {}

IncidentStateWatch::~IncidentStateWatch() {
  stop();
}

void IncidentStateWatch::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void IncidentStateWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IncidentStateWatch::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
      if (stopping_) return;
    }
    try {
      if (poll() > 0 && on_stored_) on_stored_();
    } catch (const std::exception& e) {
      // Busy or damaged for a moment: the cursor did not move, so the next
      // tick tries the same events again.
      spdlog::warn("incident states: {}", e.what());
      log_.reset();
      seen_data_version_ = -1;
    }
  }
}

std::size_t IncidentStateWatch::poll() {
  if (!log_) {
    log_ = std::make_unique<journal::IncidentLog>(db_, "vigild",
                                                  journal::IncidentLogOptions{rules_, door_zones_});
    auto& db = log_->journal().database();
    db.exec(kCursorSchema);
    mqtt::Outbox::create_table(db);
  }
  auto& db = log_->journal().database();
  if (!cursor_loaded_) {
    scanned_ = static_cast<std::uint64_t>(
        db.query_int("SELECT coalesce(max(seq), 0) FROM incident_state_cursor"));
    cursor_loaded_ = true;
  }
  // data_version moves with every commit by another connection: vigild's
  // own group commits too, so most polls find new rows but no lifecycle.
  const auto data_version = db.query_int("PRAGMA data_version");
  if (data_version == seen_data_version_) return 0;
  seen_data_version_ = data_version;
  const auto head = log_->journal().last_seq();
  if (head <= scanned_) return 0;
  const auto events =
      log_->journal().query(journal::Filter{.kinds = lifecycle_kinds(), .after_seq = scanned_});
  if (events.empty()) {
    scanned_ = head;
    return 0;
  }
  std::size_t rows = 0;
  std::vector<std::uint64_t> changed;  // incidents whose state to publish, in order
  journal::sqlite::Transaction txn(db);
  for (const auto& e : events) {
    if (raises_incident(e)) {
      if (auto incident = core::IncidentRules(rules_).observe(e)) {
        mqtt::Outbox::insert(
            db, topics_.incident(*incident),
            mqtt::incident_payload(*incident, topics_.site(), topics_.gateway(), segment_));
        ++rows;
      }
    }
    const auto id =
        raises_incident(e)
            ? e.seq
            : static_cast<std::uint64_t>(core::attr_int(e.attrs, "incident").value_or(0));
    if (id != 0 && std::find(changed.begin(), changed.end(), id) == changed.end())
      changed.push_back(id);
  }
  for (const auto id : changed) {
    const auto lifecycle = log_->lifecycle(id);
    if (!lifecycle) continue;
    // The zone: the reported event's, or the one the actions carry.
    std::optional<core::ZoneId> zone;
    for (const auto& e : events) {
      const bool about = raises_incident(e)
                             ? e.seq == id
                             : core::attr_int(e.attrs, "incident") == static_cast<std::int64_t>(id);
      if (about && e.zone) zone = e.zone;
    }
    mqtt::Outbox::insert(db, topics_.incident_state(id, segment_),
                         mqtt::incident_state_payload(*lifecycle, zone, rules_.escalation.size(),
                                                      topics_.site(), topics_.gateway(), segment_),
                         1, true);
    ++rows;
  }
  const auto through = std::max(head, events.back().seq);
  auto cursor = db.cached(
      "INSERT INTO incident_state_cursor (id, seq) VALUES (1, ?1) "
      "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq");
  cursor->bind(1, static_cast<std::int64_t>(through));
  cursor->step();
  txn.commit();
  scanned_ = through;
  return rows;
}

}  // namespace vigil::app
