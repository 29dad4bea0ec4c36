// vigild's shell: one io_context owns the core. Drivers post inputs onto it;
// the controller decides; outputs go straight back to the drivers (a door
// never waits for the disk); events go to the journal's group-commit thread;
// once durable, they feed the incident rules, whose incidents go through the
// MQTT outbox to the console.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "vigil/app/asio.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::journal {
class JournalWriter;
}
namespace vigil::mqtt {
class Outbox;
class Publisher;
}  // namespace vigil::mqtt

namespace vigil::app {

class SiteIo;
class IncidentCursor;
class RosterWatch;
class Checkpointer;

struct DaemonOptions {
  bool log_events = true;  // one line per event in the log
  // At a stop, how long to wait for the drivers to confirm every lock in its
  // safe state before exiting anyway (and saying so, exit code 1).
  std::chrono::milliseconds safe_stop_timeout{5000};
  // Signed journal checkpoints: every N committed events or T, and at stop.
  std::uint64_t checkpoint_every_events = 1000;
  std::chrono::milliseconds checkpoint_every{60'000};
};

class Daemon {
 public:
  Daemon(config::SiteConfig config, DaemonOptions options = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGINT/SIGTERM, then drives every lock to its safe state and
  // waits for the drivers to confirm it before returning: 0 after a clean
  // stop, 1 after a fatal error or a safe state that was not confirmed.
  int run();

 private:
  void start();
  void wait_for_signal();
  void begin_safe_stop(const std::string& cause);
  void finish_stop_when_settled();
  void arm_tick();
  void handle(const core::Input& input);
  void dispatch(core::Effects effects);
  void journal(core::Event event);
  void on_committed(const core::Event& event);
  bool queue_incident(const core::Incident& incident);
  void advance_cursor();
  void replay_incidents();
  void arm_deadline();
  void shutdown();

  config::SiteConfig config_;
  DaemonOptions options_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer stop_timer_;
  core::PeopleDirectory people_;
  std::unique_ptr<core::Controller> controller_;
  core::IncidentRules incident_rules_;
  std::unique_ptr<journal::JournalWriter> journal_;
  std::unique_ptr<mqtt::Outbox> outbox_;
  std::unique_ptr<mqtt::Publisher> publisher_;
  std::unique_ptr<IncidentCursor> cursor_;
  std::unique_ptr<SiteIo> site_io_;
  std::unique_ptr<Checkpointer> checkpointer_;  // signed checkpoints of the journal
  std::unique_ptr<RosterWatch> roster_watch_;   // swaps people_ when the roster changes
  std::uint64_t last_observed_seq_ = 0;         // newest event the incident rules have seen
  bool cursor_held_ = false;
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace vigil::app
