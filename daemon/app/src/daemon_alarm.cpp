// vigild's alarm zones and fire release (issue 9, docs/alarm.md): the core's
// AlarmPanel and FireRelease see every input next to the controller, fire
// steps hold the egress doors through Controller::fire_release(), operator
// commands arrive through the database (journal::OperatorCommands), and the
// arming and fire state is rebuilt from the journal at start.
#include <spdlog/spdlog.h>

#include "vigil/app/clocks.hpp"
#include "vigil/app/daemon.hpp"
#include "vigil/journal/error.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/operator_commands.hpp"

namespace vigil::app {
namespace {

// How often vigild looks for operator commands in the database.
constexpr std::chrono::milliseconds kCommandPoll{250};
// A command older than this when vigild takes it (vigild was not running)
// is not applied: arming a zone or resetting a fire hours later would
// surprise whoever is there now. It is logged, and the operator asks again.
constexpr std::chrono::seconds kCommandMaxAge{60};

}  // namespace

void Daemon::start_alarms(const std::filesystem::path& db) {
  // Arm schedules are in the site's local time.
  alarms_ = std::make_unique<core::AlarmPanel>(config_.alarm_zones, config_.site.time_zone);
  if (config_.fire) fire_ = std::make_unique<core::FireRelease>(*config_.fire);
  // The occupancy restored from the journal is where counting starts.
  for (const auto& zone : alarms_->zones()) {
    if (!zone.auto_arm_when_empty) continue;
    const auto people = controller_->access_state().occupancy.count(config_.site, zone.id);
    alarms_->occupancy(zone.id, people, {wall_now(), mono_now()});
  }

  // The arming state and an unreset fire survive a restart: rebuilt from
  // the journal, the one record of both.
  const core::TimePoint wall = wall_now();
  const core::MonoTime mono = mono_now();
  std::vector<core::EventKind> kinds = core::alarm_state_event_kinds();
  kinds.push_back(core::EventKind::fire_release);
  kinds.push_back(core::EventKind::fire_reset);
  const std::vector<core::Event> history = journal::Journal(db).query({.kinds = kinds});
  for (const auto& [zone, state] : core::alarm_states_from(history)) {
    dispatch(alarms_->restore(zone, state, {wall, mono}));
  }
  bool fire_released = false;
  for (const auto& e : history) {
    if (e.kind == core::EventKind::fire_release) fire_released = true;
    if (e.kind == core::EventKind::fire_reset) fire_released = false;
  }
  if (fire_ && fire_released) apply_fire(fire_->restore({wall, mono}));
  arm_deadline();

  commands_ = std::make_unique<journal::OperatorCommands>(db, std::chrono::milliseconds(20));
  command_timer_ = std::make_unique<boost::asio::steady_timer>(io_);
  poll_commands();
}

std::optional<core::MonoTime> Daemon::alarm_deadline() const {
  return alarms_ ? alarms_->next_deadline() : std::nullopt;
}

void Daemon::apply_fire(core::FireStep step) {
  dispatch(std::move(step.effects));
  if (step.hold) {
    dispatch(controller_->fire_release(fire_->config().doors, *step.hold, wall_now(), mono_now()));
  }
}

core::Effects Daemon::alarm_step(const core::Input& input, const core::Effects& from_controller) {
  core::Effects out;
  if (!alarms_) return out;
  if (const auto* p = std::get_if<core::PointChanged>(&input)) {
    if (alarms_->watches(p->point)) out.append(alarms_->point(*p));
    if (fire_ && fire_->watches(p->point)) apply_fire(fire_->point(*p));
  } else if (const auto* d = std::get_if<core::DeviceStatusChanged>(&input)) {
    if (fire_) apply_fire(fire_->device_status(*d));
  } else if (const auto* t = std::get_if<core::ClockTick>(&input)) {
    out.append(alarms_->advance({t->time, t->mono}));
  }
  // A granted card at a disarm reader disarms its zone.
  for (const auto& e : from_controller.events) {
    out.append(alarms_->observe(e));
    // Someone moved: zones armed when empty hear their new count.
    if (e.kind != core::EventKind::entry) continue;
    for (const auto& zone : alarms_->zones()) {
      if (!zone.auto_arm_when_empty) continue;
      const auto people = controller_->access_state().occupancy.count(config_.site, zone.id);
      out.append(alarms_->occupancy(zone.id, people, {e.time, e.mono}));
    }
  }
  return out;
}

void Daemon::poll_commands() {
  std::vector<journal::OperatorCommand> commands;
  try {
    commands = commands_->take_pending(wall_now());
  } catch (const journal::JournalError& e) {
    spdlog::debug("operator commands: {} (retrying)", e.what());
  }
  for (const auto& c : commands) {
    const core::TimePoint wall = wall_now();
    const core::MonoTime mono = mono_now();
    if (wall - c.requested_at > kCommandMaxAge) {
      spdlog::warn("operator command {} {} by {} is older than {} s: not applied", c.kind, c.target,
                   c.operator_name, kCommandMaxAge.count());
      continue;
    }
    const core::AlarmActor by{c.operator_name, {}, {}};
    if (c.kind == "alarm_arm" || c.kind == "alarm_disarm") {
      const core::ZoneId zone(c.target);
      if (!alarms_->state(zone)) {
        spdlog::warn("{} by {}: no alarm zone '{}'", c.kind, c.operator_name, c.target);
        continue;
      }
      dispatch(c.kind == "alarm_arm" ? alarms_->arm(zone, by, c.bypass, {wall, mono})
                                     : alarms_->disarm(zone, by, {wall, mono}));
    } else if (fire_ && c.kind == "fire_reset") {
      apply_fire(fire_->reset(c.operator_name, {wall, mono}));
    } else if (fire_ && c.kind == "fire_release") {
      apply_fire(fire_->manual_release(c.operator_name, {wall, mono}));
    } else {
      spdlog::warn("operator command {} by {}: not applicable to this site", c.kind,
                   c.operator_name);
    }
  }
  if (!commands.empty()) arm_deadline();
  command_timer_->expires_after(kCommandPoll);
  command_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) poll_commands();
  });
}

}  // namespace vigil::app
