// IncidentPipeline: the incident rules, run on the journal writer's thread
// inside each batch's write transaction. For every incident an event raises it
// inserts one outbox row, and it moves the incident cursor to the batch's last
// seq, all in the journal's own transaction: one commit (one fsync) makes the
// events and their incidents durable together, the event loop never waits for
// SQLite, and no crash can fall between an event's commit and its outbox row.
//
// A failed commit rolls the batch back and the writer runs the hook again for
// the same first seq: the rules' state is restored from the snapshot taken
// before that batch, so a retried batch raises each incident once.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/incident.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/payload.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::app {

class IncidentPipeline {
 public:
  // segment: the journal segment id that goes into every incident id, so ids
  // never repeat across a journal_integrity break (checkpointer.hpp).
  IncidentPipeline(core::IncidentRulesConfig rules, mqtt::TopicTree topics,
                   std::string segment = {});

  // The zone each door leads into (its to_zone): an incident at a door whose
  // event names no zone is published under that zone's topic and carries it,
  // so a guard subscribed to one zone sees its forced doors.
  void set_door_zones(std::unordered_map<std::string, core::ZoneId> door_zones) {
    door_zones_ = std::move(door_zones);
  }

  // The event/<zone> stream (docs/mqtt.md): entries and denials as outbox
  // rows in the same transaction, at `qos`, naming people as `personal`
  // says (full names read from the people table on the writer's connection).
  struct EventStream {
    bool publish = false;
    int qos = 1;
    mqtt::PersonalData personal = mqtt::PersonalData::none;
  };
  void set_event_stream(EventStream stream) { stream_ = stream; }

  // With `publish`, every incident raised here also stores its retained
  // state "open" (incident-state/<segment>/<seq>, docs/mqtt.md) in the same
  // transaction; later changes come from IncidentStateWatch. `levels` is
  // the escalation chain (incidents.escalation).
  void set_incident_states(bool publish, std::vector<std::string> levels) {
    publish_states_ = publish;
    levels_ = std::move(levels);
  }
  std::uint64_t events_stored() const { return events_stored_; }

  // Before the journal writer starts (on the caller's thread): runs the rules
  // over the events after the cursor (left there by a daemon older than this
  // pipeline, or by vigilctl: an import's person_added rows), stores their
  // incidents and moves the cursor to the head. Reads only replay_kinds()
  // through the kind index. Returns how many incidents it raised.
  std::size_t replay(const std::filesystem::path& database);
  // The kinds store() acts on: incident sources and streamed events.
  static const std::vector<core::EventKind>& replay_kinds();

  // WriterOptions::in_batch_transaction. Writer thread only.
  void in_transaction(std::span<const core::Event> events, journal::sqlite::Database& db);

  // Writer thread, after a commit: the outbox rows of the batches committed
  // since the last call, in id order (empty when none), for
  // Publisher::outbox_committed: the sender takes them from memory instead
  // of reading them back after the commit.
  std::vector<mqtt::OutboxMessage> take_committed();
  // WriterOptions::in_batch_transaction, after in_transaction(): deletes the
  // outbox rows the broker has acknowledged through `acknowledged` (all of
  // them, in order) in the batch's own transaction, rather than the sender
  // on its connection, whose commit would make SQLite drop the writer's
  // page cache. Returns the id deleted through, 0 when nothing was new.
  // Writer thread only.
  std::int64_t delete_acknowledged(journal::sqlite::Database& db, std::int64_t acknowledged);

  std::uint64_t incidents_stored() const { return incidents_stored_; }

 private:
  std::size_t store(std::span<const core::Event> events, journal::sqlite::Database& db);
  // Outbox::insert, and the row kept for take_committed().
  void insert(journal::sqlite::Database& db, std::string topic, std::string payload, int qos,
              bool retain);

  mqtt::TopicTree topics_;
  std::string segment_;
  std::unordered_map<std::string, core::ZoneId> door_zones_;
  EventStream stream_;
  bool publish_states_ = false;
  std::vector<std::string> levels_;
  std::atomic<std::uint64_t> events_stored_{0};
  // Fills in the zone a door leads into, for an event at a door without one.
  void add_door_zone(core::Event& e) const;
  core::IncidentRules rules_;
  core::IncidentRules before_batch_;  // rules_ as it was before the batch in flight
  std::uint64_t batch_first_seq_ = 0;
  // Rows inserted by committed batches (and the batch in its transaction,
  // from batch_rows_begin_), not yet taken. Writer thread only.
  std::vector<mqtt::OutboxMessage> committed_rows_;
  std::size_t batch_rows_begin_ = 0;
  std::int64_t deleted_through_ = 0;       // delete_acknowledged(); writer thread only
  std::int64_t deleted_before_batch_ = 0;  // as it was before the batch in flight
  std::atomic<std::uint64_t> incidents_stored_{0};
};

}  // namespace vigil::app
