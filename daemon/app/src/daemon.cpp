#include "vigil/app/daemon.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <variant>

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
#include "vigil/journal/latency_trace.hpp"
#include "vigil/journal/operator_commands.hpp"
#include "vigil/mqtt/command_link.hpp"
#include "vigil/mqtt/digest_runner.hpp"
#include "vigil/mqtt/door_state.hpp"
#include "vigil/mqtt/muster.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/mqtt/zone_state.hpp"

namespace vigil::app {
namespace {

// Both clocks reach the core at least this often, so a wall-clock step is
// seen (and journalled) within a second even when no door is busy.
constexpr std::chrono::seconds kTickPeriod{1};
// A muster list goes out at most this long after the entry that changed it;
// the entries of that window cost one message per zone (docs/design.md).
constexpr std::chrono::milliseconds kMusterCoalesce{250};

}  // namespace

Daemon::Daemon(config::SiteConfig config, DaemonOptions options)
    : config_(std::move(config)),
      options_(options),
      signals_(io_, SIGINT, SIGTERM, SIGHUP),
      deadline_timer_(io_),
      tick_timer_(io_),
      stop_timer_(io_),
      status_timer_(io_),
      muster_timer_(io_) {
  rules_text_ = std::make_shared<const std::string>(config_.source_text);
  operators_ = std::make_shared<OperatorList>(config_.operators);
}

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
      // systemd's ExecReload: reload the site config (daemon_reload.cpp).
      // Whatever the file holds, the doors keep running.
      spdlog::info("SIGHUP: reloading the site config");
      request_reload({"SIGHUP", "", {}});
      wait_for_signal();
      return;
    }
    const char* name = signo == SIGTERM ? "sigterm" : "sigint";
    spdlog::info("signal {} ({}), stopping", signo, name);
    begin_safe_stop(name);
  });
}

void Daemon::handle(const core::Input& input) {
  if (!std::holds_alternative<core::ClockTick>(input)) {
    journal::LatencyTrace::mark(journal::LatencyTrace::Stage::loop_input);
  }
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
  if (!effects.events.empty()) {
    journal::LatencyTrace::mark(journal::LatencyTrace::Stage::loop_dispatch);
  }
  // The events reach the writer first, their door and zone states after:
  // the Hold ends (and wakes the writer) as soon as the last event is
  // queued, and the states are built and handed to the sender while the
  // writer commits, not before it starts (docs/design.md, s25-forced).
  // Copies for the states only where a site publishes them.
  const bool states = door_states_ || zone_states_;
  std::vector<core::Event> for_states;
  if (states) for_states.reserve(effects.events.size());
  {
    std::optional<journal::JournalWriter::Hold> together;
    if (journal_) together.emplace(*journal_);
    for (auto& e : effects.events) {
      site_io_->reader_feedback(e);  // door boards' reader LED and buzzer
      if (states) for_states.push_back(e);
      submit(std::move(e), false);
    }
  }
  for (const auto& e : for_states) publish_states(e);
  for (auto& check : effects.pin_checks) {
    if (pin_verifier_) pin_verifier_->submit(std::move(check));
  }
}

void Daemon::journal(core::Event event, bool report) {
  publish_states(event);
  submit(std::move(event), report);
}

void Daemon::publish_states(const core::Event& event) {
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
}

void Daemon::submit(core::Event event, bool report) {
  auto committed_cb = [this](const core::Event& committed) {
    // Writer thread, after the commit: the batch's outbox rows are durable.
    publisher_->outbox_committed(pipeline_->take_committed());
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
  reload_closed_ = true;  // a read still going is not applied
  if (reload_thread_.joinable()) reload_thread_.join();
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
