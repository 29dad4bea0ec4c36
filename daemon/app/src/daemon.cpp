#include "vigil/app/daemon.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>

#include "vigil/app/checkpointer.hpp"
#include "vigil/app/clocks.hpp"
#include "vigil/app/control_server.hpp"
#include "vigil/app/full_verify.hpp"
#include "vigil/app/incident_pipeline.hpp"
#include "vigil/app/incident_state_watch.hpp"
#include "vigil/app/mqtt_commands.hpp"
#include "vigil/app/overdue_check.hpp"
#include "vigil/app/retention.hpp"

#include "vigil/app/pin_verifier.hpp"
#include "vigil/app/roster_watch.hpp"
#include "vigil/app/site_io.hpp"
#include "vigil/app/status_file.hpp"
#include "vigil/ctl/broker_config.hpp"
#include "vigil/ctl/inspection_commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/operator_commands.hpp"
#include "vigil/journal/phase_log.hpp"
#include "vigil/mqtt/command_link.hpp"
#include "vigil/mqtt/digest_runner.hpp"
#include "vigil/mqtt/door_state.hpp"
#include "vigil/mqtt/muster.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/mqtt/zone_state.hpp"

namespace vigil::app {
namespace {

constexpr const char* kVersion = "0.1.0";

// Both clocks reach the core at least this often, so a wall-clock step is
// seen (and journalled) within a second even when no door is busy.
constexpr std::chrono::seconds kTickPeriod{1};
// A muster list goes out at most this long after the entry that changed it;
// the entries of that window cost one message per zone (docs/design.md).
constexpr std::chrono::milliseconds kMusterCoalesce{250};

// The records are read through the control socket only: the database and
// its WAL files are vigild's user's alone (SQLite gives -wal and -shm the
// database file's mode when it creates them).
void keep_database_private(const std::filesystem::path& db) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) {
    const int fd = ::open(db.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string path = db.string() + suffix;
    if (std::filesystem::exists(path, ec) && ::chmod(path.c_str(), 0600) != 0) {
      spdlog::warn("cannot make {} private (mode 0600): {}", path, std::strerror(errno));
    }
  }
}

// The PIN verdicts that rebuild the lockout at start: every wrong PIN, and
// the grants of those people from their first wrong PIN on (a right PIN
// resets the count), merged in journal order (docs/policy.md).
std::vector<core::Event> pin_verdicts(const journal::Journal& journal) {
  std::vector<core::Event> out = journal.query(journal::Filter{
      .kinds = {core::EventKind::access_denied}, .reasons = {core::DenyReason::pin_wrong}});
  std::map<core::PersonId, core::TimePoint> first_wrong;
  for (const auto& e : out) {
    if (e.person) first_wrong.try_emplace(*e.person, e.time);
  }
  for (const auto& [person, from] : first_wrong) {
    for (auto& e : journal.query(journal::Filter{
             .person = person, .from = from, .kinds = {core::EventKind::access_granted}})) {
      out.push_back(std::move(e));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

// The journal's record of two-person waits (docs/policy.md, "Two-person
// rule"): every two_person_waiting, and at each door that had one, the
// grants after its last wait, merged in journal order.
std::vector<core::Event> two_person_history(const journal::Journal& journal) {
  std::vector<core::Event> out =
      journal.query(journal::Filter{.kinds = {core::EventKind::two_person_waiting}});
  std::map<core::DoorId, std::uint64_t> last_wait;
  for (const auto& e : out) {
    if (e.door) last_wait[*e.door] = e.seq;
  }
  for (const auto& [door, seq] : last_wait) {
    for (auto& e : journal.query(journal::Filter{
             .door = door, .kinds = {core::EventKind::access_granted}, .after_seq = seq})) {
      if (core::find_attr(e.attrs, "two_person_with")) out.push_back(std::move(e));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

// The identity of the steady clock: Linux's boot id (CLOCK_MONOTONIC, which
// steady_clock reads, counts from boot). Empty when unknown.
std::string mono_clock_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

}  // namespace

Daemon::Daemon(config::SiteConfig config, DaemonOptions options)
    : config_(std::move(config)),
      options_(options),
      signals_(io_, SIGINT, SIGTERM, SIGHUP),
      deadline_timer_(io_),
      tick_timer_(io_),
      stop_timer_(io_),
      status_timer_(io_),
      muster_timer_(io_) {}

Daemon::~Daemon() {
  shutdown();
}

int Daemon::run() {
  try {
    start();
    wait_for_signal();
    io_.run();
  } catch (const std::exception& e) {
    // Whatever broke, the locks must not stay where they are: drive them to
    // their safe state if the drivers are still there to do it.
    spdlog::critical("fatal: {}; driving every lock to its safe state", e.what());
    exit_code_ = 1;
    try {
      if (controller_ && site_io_) {
        io_.restart();
        begin_safe_stop("fault");
        io_.run();
      }
    } catch (const std::exception& again) {
      spdlog::critical("fatal while stopping: {}", again.what());
    }
  }
  shutdown();
  return exit_code_;
}

void Daemon::begin_safe_stop(const std::string& cause) {
  if (stopping_) return;
  stopping_ = true;
  spdlog::info("driving every lock to its safe state ({})", cause);
  dispatch(controller_->safe_state(cause, wall_now(), mono_now()));
  // The longest a driver takes to confirm or fail a write is its device
  // timeout; past that a stuck driver must not keep systemd waiting forever.
  stop_timer_.expires_after(options_.safe_stop_timeout);
  stop_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    spdlog::error("{} lock write(s) not confirmed within {} ms; stopping anyway",
                  controller_->pending_outputs(), options_.safe_stop_timeout.count());
    exit_code_ = 1;
    io_.stop();
  });
  finish_stop_when_settled();
}

void Daemon::finish_stop_when_settled() {
  if (stopping_ && controller_->all_outputs_settled()) {
    stop_timer_.cancel();
    io_.stop();
  }
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      // systemd's ExecReload and a stray `kill -HUP` must never stop a door
      // controller. Reloading the site config is a later issue.
      spdlog::warn("SIGHUP: reloading the site config is not supported yet; still running");
      wait_for_signal();
      return;
    }
    const char* name = signo == SIGTERM ? "sigterm" : "sigint";
    spdlog::info("signal {} ({}), stopping", signo, name);
    begin_safe_stop(name);
  });
}

void Daemon::start() {
  const std::filesystem::path db = config_.journal_path;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  keep_database_private(db);
  journal::PhaseLog phases("vigild-start");

  // People first: a daemon that cannot read its cardholders must not start
  // and deny everyone silently.
  roster_watch_ = std::make_unique<RosterWatch>(io_, db, people_, [this](core::Event e) {
    // Door boards decide offline from a copy of the roster: send the new one.
    if (e.kind == core::EventKind::roster_reloaded && site_io_) site_io_->roster_changed();
    journal(std::move(e));
  });
  roster_watch_->load();
  phases.mark("people loaded");
  // Loading a large roster leaves its temporaries in freed heap pages; give
  // them back before the long run.
  malloc_trim(0);
  phases.mark("malloc_trim");
  spdlog::info("site {} gateway {}: {} people, {} credentials", config_.site.id.str(),
               config_.site.gateway.str(), people_.person_count(), people_.credential_count());

  // The gateway key, and what we are about to append to (checkpointer.hpp).
  auto key = journal::GatewayKey::load_or_create(journal::private_key_path(db),
                                                 journal::public_key_path(db));
  const StartCheck check =
      check_at_start(journal::Journal(db, {.archive_dir = config_.journal_archive_dir}),
                     key.public_key(), journal::checkpoint_path(db), wall_now());
  phases.mark("journal start check");
  if (check.integrity) {
    spdlog::critical("{}", check.summary);  // doors keep working: never refuse to start
  } else {
    spdlog::info("{}", check.summary);
  }

  mqtt::PublisherConfig pconf = ctl::publisher_config(config_);
  pconf.incident_segment = check.segment_id;
  // A guard must see alerts soon after a network blip: cap the backoff low.
  pconf.reconnect_max = std::chrono::seconds(2);
  outbox_ = std::make_unique<mqtt::Outbox>(db);
  publisher_ = std::make_unique<mqtt::Publisher>(pconf, *outbox_);

  // The incident rules run on the journal writer's thread, in its transaction.
  journal::Journal journal_file(db);
  // Who is inside which zone survives a restart: folded from the journal's
  // entry events (anti-passback, occupancy limits).
  core::Occupancy occupancy;
  {
    journal::Filter entries;
    entries.kinds = {core::EventKind::entry};
    for (const auto& e : journal_file.query(entries)) occupancy.observe(e);
  }
  phases.mark("occupancy fold");
  const std::vector<core::Event> verdicts = pin_verdicts(journal_file);  // PIN lockout
  const std::vector<core::Event> pair_waits = two_person_history(journal_file);
  phases.mark("pin and two-person history");
  pipeline_ = std::make_unique<IncidentPipeline>(config_.incident_rules, publisher_->topics(),
                                                 check.segment_id);
  {
    std::unordered_map<std::string, core::ZoneId> door_zones;
    for (const auto& door : config_.site.doors) door_zones.emplace(door.id.str(), door.to_zone);
    pipeline_->set_door_zones(std::move(door_zones));
    pipeline_->set_event_stream(
        {.publish = config_.broker.events_publish,
         .qos = config_.broker.events_qos,
         .personal = mqtt::personal_data_from_string(config_.broker.events_personal_data)
                         .value_or(mqtt::PersonalData::none)});
  }
  pipeline_->set_incident_states(true, config_.incident_rules.escalation);
  if (const auto replayed = pipeline_->replay(db); replayed > 0) {
    spdlog::warn("raised {} incident(s) for events after the incident cursor", replayed);
  }
  phases.mark("incident replay");
  journal_ = std::make_unique<journal::JournalWriter>(std::move(journal_file), writer_options());
  publisher_->start();
  {
    std::unordered_map<std::string, core::ZoneId> door_zones;
    for (const auto& door : config_.site.doors) door_zones.emplace(door.id.str(), door.to_zone);
    incident_states_ = std::make_unique<IncidentStateWatch>(
        db, publisher_->topics(), check.segment_id, config_.incident_rules, std::move(door_zones),
        [this] { publisher_->outbox_changed(); });
    incident_states_->start();
  }
  if (config_.broker.digest_enabled) {
    journal::IncidentLogOptions digest_options{config_.incident_rules, {}};
    for (const auto& door : config_.site.doors)
      digest_options.door_zones.emplace(door.id.str(), door.to_zone);
    digests_ = std::make_unique<mqtt::DigestRunner>(
        *publisher_, db, std::move(digest_options), check.segment_id,
        mqtt::DigestSchedule{config_.broker.digest_at, config_.site.time_zone}, wall_now(),
        ctl::deficiency_rules(config_));
  }
  checkpointer_ = std::make_unique<Checkpointer>(
      io_, db, std::move(key),
      CheckpointerOptions{options_.checkpoint_every_events, options_.checkpoint_every},
      [this](core::Event e, std::function<void(const core::Event&)> durable) {
        // A checkpoint is never left out by the memory bound.
        journal_->submit_report(std::move(e), [this, durable](const core::Event& committed) {
          durable(committed);
          if (pipeline_->take_stored()) publisher_->outbox_changed();
          boost::asio::post(io_, [this, committed] { on_committed(committed); });
        });
      },
      [this](const std::string& json) { publisher_->publish_checkpoint(json); });
  checkpointer_->start();
  phases.mark("states, digests, checkpointer");
  if (check.integrity) journal(*check.integrity, true);

  door_states_ = std::make_unique<mqtt::DoorStates>(config_.site.id, config_.site.gateway);
  {
    std::vector<core::DoorId> doors;
    for (const auto& door : config_.site.doors) doors.push_back(door.id);
    for (auto& [door, payload] : door_states_->start(doors, wall_now())) {
      publisher_->publish_door_state(door, std::move(payload));
    }
  }
  zone_states_ = std::make_unique<mqtt::ZoneStates>(config_.site, config_.alarm_zones, occupancy,
                                                    roster_watch_->lockdowns());
  for (auto& [zone, payload] : zone_states_->start(wall_now())) {
    publisher_->publish_zone_state(zone, std::move(payload));
  }
  // Names as the roster says at publish time; the same personal-data setting
  // as event/<zone> (with `none`, counts only).
  musters_ = std::make_unique<mqtt::Musters>(
      config_.site,
      mqtt::personal_data_from_string(config_.broker.events_personal_data)
          .value_or(mqtt::PersonalData::none),
      [this](const core::PersonId& id) {
        const auto p = people_.find_person(id);
        return p ? std::string(p->name()) : std::string();
      });
  for (auto& [zone, payload] : musters_->all(zone_states_->occupancy(), wall_now())) {
    publisher_->publish_muster(zone, std::move(payload));
  }
  controller_ = std::make_unique<core::Controller>(
      config_.site, people_,
      core::ControllerOptions{config_.clock_jump_threshold, mono_clock_id()});
  controller_->restore_occupancy(std::move(occupancy));
  controller_->restore_pin_lockout(verdicts, {wall_now(), mono_now()});
  controller_->restore_two_person_waits(pair_waits, {wall_now(), mono_now()});
  site_io_ = std::make_unique<SiteIo>(
      io_, config_, [this](const core::Input& in) { handle(in); },
      [this](core::Event e) { journal(std::move(e)); });
  site_io_->set_people(people_);
  pin_verifier_ = std::make_unique<PinVerifier>(io_, [this](const core::Input& in) { handle(in); });
  site_io_->start();
  roster_watch_->on_lockdowns([this](const core::Lockdowns& lockdowns) {
    for (auto& [zone, payload] : zone_states_->set_lockdowns(lockdowns, wall_now())) {
      publisher_->publish_zone_state(zone, std::move(payload));
    }
    handle(core::LockdownChanged{lockdowns, wall_now(), mono_now()});
  });
  roster_watch_->start();
  // Every lock starts locked: after a crash the daemon does not know which
  // grants were in flight. The journal says so once the drivers confirm.
  dispatch(controller_->start(wall_now(), mono_now()));
  // Lockdown orders in force survive a restart: they are in the database.
  dispatch(controller_->handle(
      core::LockdownChanged{roster_watch_->lockdowns(), wall_now(), mono_now()}));
  start_alarms(db);
  arm_tick();
  auto start_full_verify = [this, db, check] {
    full_verify_ = std::make_unique<FullVerify>(
        io_, db, check, [this](core::Event found) { journal(std::move(found), true); },
        config_.journal_archive_dir);
    full_verify_->start();
  };
  if (config_.retention_keep_months) {
    // Retention first, then the full check: a walk must not read the chain
    // while rows move from the live journal to an archive.
    retention_ = std::make_unique<Retention>(
        db, *config_.retention_keep_months,
        [this, start_full_verify] {
          boost::asio::post(io_, [this, start_full_verify] {
            if (!stopping_) start_full_verify();
          });
        },
        config_.journal_archive_dir);
    retention_->start();
  } else {
    start_full_verify();
  }

  arm_status();
  overdue_ = std::make_unique<OverdueCheck>(io_, config_, options_.overdue_check_every);
  overdue_->start();
  ControlServerOptions control_options;
  control_options.door_unlocker = [this](const std::string& door, int seconds,
                                         const std::string& op) {
    return unlock_door(door, seconds, op);
  };
  control_ = std::make_unique<ControlServer>(
      config_, [this](core::Event e) { return journal_audit(std::move(e)); }, control_options);
  try {
    control_->start();
  } catch (const std::exception& e) {
    // Doors keep working without vigilctl: say so loudly, do not stop.
    spdlog::critical("{}; vigilctl cannot reach this vigild", e.what());
  }
  start_command_link();
  phases.mark("controller, drivers, control socket");

  core::Event started;
  started.kind = core::EventKind::daemon_started;
  started.time = wall_now();
  started.detail = std::string("vigild ") + kVersion;
  journal(std::move(started));
}

void Daemon::handle(const core::Input& input) {
  core::Effects effects = controller_->handle(input);
  core::Effects alarm_effects = alarm_step(input, effects);
  dispatch(std::move(effects));
  dispatch(std::move(alarm_effects));
  arm_deadline();
  finish_stop_when_settled();
}

void Daemon::arm_tick() {
  tick_timer_.expires_after(kTickPeriod);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    handle(core::ClockTick{wall_now(), mono_now()});
    if (digests_) digests_->tick(wall_now());
    arm_tick();
  });
}

void Daemon::arm_muster() {
  if (muster_armed_) return;
  muster_armed_ = true;
  muster_timer_.expires_after(kMusterCoalesce);
  muster_timer_.async_wait([this](const boost::system::error_code& ec) {
    muster_armed_ = false;
    if (ec || !musters_ || !zone_states_) return;
    for (auto& [zone, payload] : musters_->take(zone_states_->occupancy(), wall_now())) {
      publisher_->publish_muster(zone, std::move(payload));
    }
  });
}

void Daemon::arm_status() {
  // Health the core has no event for (per-device error counters) goes to a
  // file `vigilctl status` reads; a write that fails is retried next second.
  if (site_io_) {
    write_status_file(status_file_path(config_.journal_path),
                      status_json(site_io_->modbus_health(), wall_now()));
  }
  status_timer_.expires_after(std::chrono::seconds(1));
  status_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) arm_status();
  });
}

void Daemon::dispatch(core::Effects effects) {
  // Outputs first: a door never waits for the journal.
  for (const auto& out : effects.outputs) site_io_->apply(out);
  // One input's events (door_opened and door_forced) commit together, under
  // one fsync: the writer woken by the first would commit it alone.
  std::optional<journal::JournalWriter::Hold> together;
  if (journal_) together.emplace(*journal_);
  for (auto& e : effects.events) {
    site_io_->reader_feedback(e);  // door boards' reader LED and buzzer
    journal(std::move(e));
  }
  for (auto& check : effects.pin_checks) {
    if (pin_verifier_) pin_verifier_->submit(std::move(check));
  }
}

void Daemon::journal(core::Event event, bool report) {
  // The door's retained state follows the event at once (not its commit): a
  // guard's screen must not wait for the disk, and a state is not a record.
  if (door_states_) {
    if (auto changed = door_states_->observe(event)) {
      publisher_->publish_door_state(changed->first, std::move(changed->second));
    }
  }
  if (zone_states_) {
    if (musters_ && musters_->mark(zone_states_->occupancy(), event)) arm_muster();
    for (auto& [zone, payload] : zone_states_->observe(event)) {
      publisher_->publish_zone_state(zone, std::move(payload));
    }
  }
  auto committed_cb = [this](const core::Event& committed) {
    // Writer thread, after the commit: the batch's outbox rows are durable.
    if (pipeline_->take_stored()) publisher_->outbox_changed();
    boost::asio::post(io_, [this, committed] { on_committed(committed); });
  };
  if (report) {
    journal_->submit_report(std::move(event), std::move(committed_cb));
  } else {
    journal_->submit(std::move(event), std::move(committed_cb));
  }
}

// On the loop: nothing durable happens here (the incident is already stored
// with its event); count towards the next checkpoint and log the line.
void Daemon::on_committed(const core::Event& event) {
  if (checkpointer_) checkpointer_->observe(event);
  if (site_io_) site_io_->journal_committed(event);  // door boards' offline events
  if (options_.log_events) spdlog::info("{}", core::describe(event));
}

void Daemon::arm_deadline() {
  auto next = controller_->next_deadline();
  if (const auto alarm = alarm_deadline(); alarm && (!next || *alarm < *next)) next = alarm;
  if (!next) {
    deadline_timer_.cancel();
    return;
  }
  deadline_timer_.expires_after(*next - mono_now());
  deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const core::ClockTick tick{wall_now(), mono_now()};
    // The alarm panel hears what the controller decided at the deadline
    // too: a debounced contact opens there, and its `entry` moves the
    // occupancy that arms a zone when it empties.
    core::Effects effects = controller_->advance(tick.time, tick.mono);
    core::Effects alarm_effects = alarm_step(tick, effects);
    dispatch(std::move(effects));
    dispatch(std::move(alarm_effects));
    arm_deadline();
  });
}

void Daemon::shutdown() {
  if (!site_io_ && !journal_) return;
  control_.reset();       // its requests journal through the writer: stop it first
  command_link_.reset();  // so do signed MQTT commands
  retention_.reset();     // waits for a pass in progress (a month's move)
  overdue_.reset();       // joins its thread (a check under way finishes)
  full_verify_.reset();   // interrupts a walk still going
  deadline_timer_.cancel();
  tick_timer_.cancel();
  stop_timer_.cancel();
  status_timer_.cancel();
  muster_timer_.cancel();
  if (command_timer_) command_timer_->cancel();
  if (roster_watch_) roster_watch_->stop();
  if (incident_states_) incident_states_->stop();

  pin_verifier_.reset();  // before the loop's last poll: nothing posts after it
  if (site_io_) site_io_->stop();
  if (journal_) {
    core::Event stopped;
    stopped.kind = core::EventKind::daemon_stopped;
    stopped.time = wall_now();
    journal(std::move(stopped));
    journal_->flush();
    if (checkpointer_) {
      // The clean stop's checkpoint signs the head with daemon_stopped in it.
      checkpointer_->stop();
      checkpointer_->checkpoint_now(wall_now());
      journal_->flush();
    }
  }
  // The loop has stopped: print the log lines the journal posted. Every
  // incident of a committed event is already in the outbox (same commit).
  io_.restart();
  io_.poll();
  if (publisher_) publisher_->stop();
  site_io_.reset();
  commands_.reset();
  roster_watch_.reset();
  incident_states_.reset();
  journal_.reset();  // its callbacks use the pipeline and the publisher
  pipeline_.reset();
  checkpointer_.reset();
  digests_.reset();  // waits for a digest being built: it publishes
  publisher_.reset();
  outbox_.reset();
}

}  // namespace vigil::app
