// vigild's shell: one io_context owns the core. Drivers post inputs onto it;
// the controller decides; outputs go straight back to the drivers (a door
// never waits for the disk); events go to the journal's group-commit thread;
// the incident rules run on the writer's thread inside its transaction, so
// an event and its incident's MQTT outbox row commit together; the sender
// thread delivers them to the console.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vigil/app/asio.hpp"
#include "vigil/app/control_commands.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/alarm.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/fire.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::journal {
class JournalWriter;
struct WriterOptions;
struct CommitFailure;
struct CommitResumed;
}  // namespace vigil::journal
namespace vigil::mqtt {
class Outbox;
class Publisher;
class DoorStates;
class ZoneStates;
class Musters;
class DigestRunner;
class CommandLink;
}  // namespace vigil::mqtt
namespace vigil::journal {
class OperatorCommands;
}

namespace vigil::app {

class SiteIo;
class IncidentPipeline;
class RosterWatch;
class IncidentStateWatch;
class Checkpointer;
class FullVerify;
class Retention;
class ControlServer;
class MqttCommands;

class PinVerifier;
class OverdueCheck;

struct DaemonOptions {
  bool log_events = true;  // one line per event in the log
  // At a stop, how long to wait for the drivers to confirm every lock in its
  // safe state before exiting anyway (and saying so, exit code 1).
  std::chrono::milliseconds safe_stop_timeout{5000};
  // Signed journal checkpoints: every N committed events or T, and at stop.
  std::uint64_t checkpoint_every_events = 1000;
  std::chrono::milliseconds checkpoint_every{60'000};
  // Events held in memory while journal commits fail; 0: the writer's
  // default (200,000). Past it events are decided and driven but counted,
  // not journalled (the journal_recovered event says how many of each kind).
  std::size_t journal_max_pending = 0;
  // How often vigild looks for deficiencies whose due day has ended (and
  // once at start): OverdueCheck, docs/inspections.md.
  std::chrono::milliseconds overdue_check_every{60'000};
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
  void arm_muster();  // publishes the marked muster lists after kMusterCoalesce
  void arm_status();  // rewrites the status file every second (status_file.hpp)
  void handle(const core::Input& input);
  void dispatch(core::Effects effects);
  // report: a journal_failing/journal_recovered event, exempt from the bound.
  // The event's door and zone states to the sender, then the event to the
  // writer (dispatch() does the two apart: every event first).
  void journal(core::Event event, bool report = false);
  void publish_states(const core::Event& event);
  void submit(core::Event event, bool report);
  void on_committed(const core::Event& event);
  journal::WriterOptions writer_options();  // daemon_journal.cpp
  void on_journal_failing(const journal::CommitFailure& failure);
  void on_journal_resumed(const journal::CommitResumed& resumed);
  // The control server's audit records (control_server.hpp): from its
  // thread, through the writer; true once durable.
  bool journal_audit(core::Event event);
  // A signed MQTT command's record (mqtt_commands.hpp), from the command
  // link's thread: its seq once durable, nullopt when it could not be.
  std::optional<std::uint64_t> journal_command(core::Event event);
  void start_command_link();  // daemon_journal.cpp
  // `door unlock` (daemon_commands.cpp): from the control server's or the
  // command link's thread, runs Controller::remote_unlock on the event loop
  // and waits for its answer.
  DoorUnlockAnswer unlock_door(const std::string& door, int seconds,
                               const std::string& operator_name);
  void arm_deadline();
  void shutdown();
  // Site config reloads (daemon_reload.cpp, docs/config.md "Reloading the
  // config"): SIGHUP, or `vigilctl config reload` through the control
  // socket. Rules and timings go to the Controller, operators to the list
  // the control server and the command link share. The file is read and compared off the loop; what
  // may change is applied on it, between two inputs, and journalled either way.
  struct ReloadRequest {
    std::string by;             // "SIGHUP", "vigilctl"
    std::string operator_name;  // vigilctl's operator; empty for a signal
    std::function<void(bool applied, const std::string& message)> answer;  // may be empty
  };
  struct ReloadRead;
  // The rules in force as a reload compares with them, taken on the loop
  // by pointer (neither is changed or freed while vigild runs).
  struct RunningRules {
    std::shared_ptr<const std::string> text;
    const core::Site* site = nullptr;
    bool commands_listened = false;  // signed MQTT commands are listened for
  };
  RunningRules running_rules() const;
  void request_reload(ReloadRequest request);
  // `vigilctl config reload`, from the control server's thread: asks on the
  // loop and waits for the answer.
  ConfigReloadAnswer reload_config(const std::string& operator_name, bool dry_run);
  void start_reload_read();
  void finish_reload(std::shared_ptr<ReloadRead> read);
  // Alarm zones and fire release (daemon_alarm.cpp, docs/alarm.md).
  void start_alarms(const std::filesystem::path& db);
  core::Effects alarm_step(const core::Input& input, const core::Effects& controller_effects);
  void apply_fire(core::FireStep step);
  void poll_commands();
  std::optional<core::MonoTime> alarm_deadline() const;

  config::SiteConfig config_;
  DaemonOptions options_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer stop_timer_;
  boost::asio::steady_timer status_timer_;
  boost::asio::steady_timer muster_timer_;
  bool muster_armed_ = false;
  core::PeopleDirectory people_;
  std::unique_ptr<core::Controller> controller_;
  std::unique_ptr<mqtt::Outbox> outbox_;
  std::unique_ptr<mqtt::Publisher> publisher_;
  std::unique_ptr<mqtt::DoorStates> door_states_;    // retained state/door/<door>
  std::unique_ptr<mqtt::ZoneStates> zone_states_;    // retained state/zone/<zone>
  std::unique_ptr<mqtt::Musters> musters_;           // retained muster/<zone>, coalesced
  std::unique_ptr<mqtt::DigestRunner> digests_;      // retained digest, on the tick
  std::unique_ptr<IncidentPipeline> pipeline_;       // used by the writer thread
  std::unique_ptr<journal::JournalWriter> journal_;  // after what its callbacks use
  std::unique_ptr<SiteIo> site_io_;
  std::unique_ptr<Checkpointer> checkpointer_;       // signed checkpoints of the journal
  std::unique_ptr<FullVerify> full_verify_;          // the whole chain, rechecked after start
  std::unique_ptr<Retention> retention_;             // journal.retention: archives old months
  std::unique_ptr<RosterWatch> roster_watch_;        // swaps people_ when the roster changes
  std::unique_ptr<ControlServer> control_;           // vigilctl's socket, on its own thread
  std::unique_ptr<MqttCommands> mqtt_commands_;      // signed MQTT commands (docs/commands.md)
  std::unique_ptr<mqtt::CommandLink> command_link_;  // their cmd/+ subscription, own thread
  // publishes incident-state/<id> for actions journalled by anyone (vigilctl)
  std::unique_ptr<IncidentStateWatch> incident_states_;
  std::unique_ptr<OverdueCheck> overdue_;      // deficiency_overdue, off the loop
  std::unique_ptr<PinVerifier> pin_verifier_;  // card + PIN: hashes off the loop
  std::unique_ptr<core::AlarmPanel> alarms_;
  std::unique_ptr<core::FireRelease> fire_;
  std::unique_ptr<journal::OperatorCommands> commands_;  // vigilctl alarm / fire
  std::unique_ptr<boost::asio::steady_timer> command_timer_;
  // The rules in force: the text they came from, and each applied reload's
  // site (the Controller reads the newest; older ones stay for what a
  // decision in progress may still point at).
  // Shared, never changed once made: the reload's thread reads them as the
  // loop moves on (rule sites are never freed before the daemon ends).
  std::shared_ptr<const std::string> rules_text_;
  std::vector<std::unique_ptr<core::Site>> rule_sites_;
  // Who may use the control socket and sign MQTT commands: the config's,
  // then each applied reload's (shared with those threads).
  std::shared_ptr<OperatorList> operators_;
  std::vector<ReloadRequest> reload_queue_;  // waiting for the next read
  std::vector<ReloadRequest> reload_batch_;  // answered by the read under way
  std::thread reload_thread_;                // the read under way, or the last one
  bool reloading_ = false;
  bool reload_closed_ = false;    // shutdown() joined the reader: apply nothing more
  bool journal_failing_ = false;  // a commit failure streak is on (status degraded)
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace vigil::app
