// Publishes the incident lifecycle (issue 10, issue 11's incident-state/<id>).
// Actions on incidents (acknowledge, escalate, resolve) and reported
// anomalies are journalled by whoever takes them: vigilctl writes them into
// the database while vigild runs, and vigild's control socket will too. A
// thread of its own polls the database (PRAGMA data_version) every
// `interval`, like RosterWatch; when lifecycle events were committed after
// its cursor it stores, in ONE transaction with the cursor's move:
//   - for a reported anomaly, its incident message (incident/<severity>/<zone>)
//     and its state "open";
//   - for an action, the incident's state after it (incident-state/<segment>/<seq>,
//     retained), folded from every journalled action on that incident;
// then wakes the publisher. A crash between two polls publishes a state
// twice at most (retained: the last one stands), never loses one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "vigil/core/incident.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::journal {
class IncidentLog;
}

namespace vigil::app {

struct IncidentStateWatchOptions {
  std::chrono::milliseconds interval{250};
};

class IncidentStateWatch {
 public:
  // `segment`: the journal segment id in incident ids (as IncidentPipeline).
  // `on_stored` runs on the watch thread after a commit that stored rows.
  IncidentStateWatch(std::filesystem::path db, mqtt::TopicTree topics, std::string segment,
                     core::IncidentRulesConfig rules,
                     std::unordered_map<std::string, core::ZoneId> door_zones,
                     std::function<void()> on_stored, IncidentStateWatchOptions options = {});
  ~IncidentStateWatch();
  IncidentStateWatch(const IncidentStateWatch&) = delete;
  IncidentStateWatch& operator=(const IncidentStateWatch&) = delete;

  void start();
  void stop();  // joins the thread

  // One pass on the calling thread (the thread runs it; tests call it):
  // returns the outbox rows stored. Throws journal::JournalError.
  std::size_t poll();

 private:
  void run();

  std::filesystem::path db_;
  mqtt::TopicTree topics_;
  std::string segment_;
  core::IncidentRulesConfig rules_;
  std::unordered_map<std::string, core::ZoneId> door_zones_;
  std::function<void()> on_stored_;
  IncidentStateWatchOptions options_;

  std::unique_ptr<journal::IncidentLog> log_;  // the poller's connection
  std::int64_t seen_data_version_ = -1;
  std::uint64_t scanned_ = 0;  // every lifecycle event up to this seq is handled
  bool cursor_loaded_ = false;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::app
