// vigild's start-up sequence (Daemon::start): roster, journal start check,
// incident replay, then the publisher, controller, drivers and control
// socket. Issue 8 times it with 2,000,000 people (VIGIL_PHASES=1 logs each
// phase); docs/design.md "Start-up" says what runs in parallel and why.
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <future>
#include <map>

#include "vigil/app/checkpointer.hpp"
#include "vigil/app/clocks.hpp"
#include "vigil/app/control_server.hpp"
#include "vigil/app/daemon.hpp"
#include "vigil/app/full_verify.hpp"
#include "vigil/app/incident_pipeline.hpp"
#include "vigil/app/incident_state_watch.hpp"
#include "vigil/app/mqtt_commands.hpp"
#include "vigil/app/overdue_check.hpp"
#include "vigil/app/pin_verifier.hpp"
#include "vigil/app/retention.hpp"
#include "vigil/app/roster_watch.hpp"
#include "vigil/app/site_io.hpp"
#include "vigil/app/status_file.hpp"
#include "vigil/ctl/broker_config.hpp"
#include "vigil/ctl/inspection_commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/phase_log.hpp"
#include "vigil/mqtt/digest_runner.hpp"
#include "vigil/mqtt/door_state.hpp"
#include "vigil/mqtt/muster.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/mqtt/zone_state.hpp"

namespace vigil::app {
namespace {

constexpr const char* kVersion = "0.1.0";

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

void Daemon::start() {
  const std::filesystem::path db = config_.journal_path;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  keep_database_private(db);
  journal::PhaseLog phases("vigild-start");

  // The gateway key, and what we are about to append to (checkpointer.hpp).
  // The journal is opened (created or migrated) before anything else reads
  // the file.
  auto key = journal::GatewayKey::load_or_create(journal::private_key_path(db),
                                                 journal::public_key_path(db));
  // The start check walks the chain since the newest checkpoint (2,000,000
  // rows after an import of as many people) on its own thread while this
  // one loads the roster: neither reads what the other writes, and the
  // doors wait for both, so on two cores the start waits for the longer.
  std::future<StartCheck> checking = std::async(
      std::launch::async,
      [journal = journal::Journal(db, {.archive_dir = config_.journal_archive_dir}),
       public_key = key.public_key(), file = journal::checkpoint_path(db), now = wall_now()] {
        const auto wall0 = std::chrono::steady_clock::now();
        timespec cpu0{}, cpu1{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
        StartCheck check = check_at_start(journal, public_key, file, now);
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
        if (std::getenv("VIGIL_PHASES") != nullptr) {
          std::fprintf(
              stderr, "phase vigild-start %-28s wall %7.3f s  cpu %7.3f s (its thread)\n",
              "journal start check",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count(),
              static_cast<double>(cpu1.tv_sec - cpu0.tv_sec) +
                  static_cast<double>(cpu1.tv_nsec - cpu0.tv_nsec) / 1e9);
        }
        return check;
      });
  phases.mark("key, journal opened for the check");

  // People first: a daemon that cannot read its cardholders must not start
  // and deny everyone silently.
  roster_watch_ = std::make_unique<RosterWatch>(io_, db, people_, [this](core::Event e) {
    // Door boards decide offline from a copy of the roster: send the new one.
    if (e.kind == core::EventKind::roster_reloaded && site_io_) site_io_->roster_changed();
    journal(std::move(e));
  });
  roster_watch_->load();
  phases.mark("people loaded");
  spdlog::info("site {} gateway {}: {} people, {} credentials", config_.site.id.str(),
               config_.site.gateway.str(), people_.person_count(), people_.credential_count());

  const StartCheck check = checking.get();
  phases.mark("journal start check (waited)");
  // Loading a large roster, and the check's names and batches beside it,
  // leave their temporaries in freed heap pages (the check's in its
  // thread's arena): give them back before the long run.
  malloc_trim(0);
  phases.mark("malloc_trim");
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
          publisher_->outbox_committed(pipeline_->take_committed());
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
  control_options.config_reloader = [this](const std::string& op, bool dry_run) {
    return reload_config(op, dry_run);
  };
  control_options.operators = operators_;
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

}  // namespace vigil::app
