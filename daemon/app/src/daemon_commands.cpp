// vigild's signed MQTT commands (docs/commands.md): the command link's own
// Paho client and thread receive them, MqttCommands checks and runs them
// through the control socket's code paths, and each record is durable in
// the journal before its reply goes out. Nothing here runs on the door loop.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <memory>

#include "vigil/app/clocks.hpp"
#include "vigil/app/daemon.hpp"
#include "vigil/app/incident_pipeline.hpp"
#include "vigil/app/mqtt_commands.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/mqtt/command_link.hpp"
#include "vigil/mqtt/publisher.hpp"

namespace vigil::app {

std::optional<std::uint64_t> Daemon::journal_command(core::Event event) {
  constexpr auto kDurableWithin = std::chrono::seconds(10);
  auto done = std::make_shared<std::promise<std::uint64_t>>();
  auto durable = done->get_future();
  const bool queued = journal_->submit(std::move(event), [this, done](const core::Event& c) {
    publisher_->outbox_committed(pipeline_->take_committed());
    boost::asio::post(io_, [this, c] { on_committed(c); });
    done->set_value(c.seq);
  });
  if (!queued || durable.wait_for(kDurableWithin) != std::future_status::ready) return std::nullopt;
  return durable.get();
}

DoorUnlockAnswer Daemon::unlock_door(const std::string& door, int seconds,
                                     const std::string& operator_name) {
  constexpr auto kAnswerWithin = std::chrono::seconds(5);
  auto done = std::make_shared<std::promise<DoorUnlockAnswer>>();
  auto answered = done->get_future();
  boost::asio::post(io_, [this, done, door, seconds, operator_name] {
    if (stopping_) {
      done->set_value({false, "vigild is stopping"});
      return;
    }
    core::RemoteUnlockResult r = controller_->remote_unlock(
        core::DoorId(door), std::chrono::seconds(seconds), operator_name, wall_now(), mono_now());
    if (r.ok) {
      spdlog::info("door unlock {} for {} s by {}: {}", door, seconds, operator_name, r.message);
    } else {
      spdlog::warn("door unlock {} by {} refused: {}", door, operator_name, r.message);
    }
    dispatch(std::move(r.effects));
    arm_deadline();
    done->set_value({r.ok, std::move(r.message)});
  });
  if (answered.wait_for(kAnswerWithin) != std::future_status::ready) {
    return {false, "vigild's door loop did not answer within 5 s"};
  }
  return answered.get();
}

void Daemon::start_command_link() {
  // No operator with a key: nobody can sign a command, so vigild does not
  // listen for any (no subscription, nothing to attack).
  const auto operators = operators_->snapshot();
  if (std::none_of(operators->begin(), operators->end(),
                   [](const auto& op) { return !op.public_key.empty(); })) {
    return;
  }
  mqtt_commands_ = std::make_unique<MqttCommands>(
      config_,
      [this](const std::string& door, int seconds, const std::string& op) {
        return unlock_door(door, seconds, op);
      },
      operators_);
  command_link_ = std::make_unique<mqtt::CommandLink>(
      publisher_->config(), config_.broker.protocol,
      [this](const mqtt::IncomingCommand& in) -> std::optional<mqtt::OutgoingReply> {
        MqttCommandOutcome outcome = mqtt_commands_->handle(in, wall_now());
        const auto seq = journal_command(outcome.record);
        if (!seq) {
          spdlog::error("MQTT command {}: its record is not durable; no reply", in.name);
          return std::nullopt;  // never answer what is not on record
        }
        if (!outcome.reply) return std::nullopt;
        outcome.reply->seq = *seq;
        return mqtt::OutgoingReply{outcome.reply->id, mqtt::format_command_reply(*outcome.reply)};
      });
  command_link_->start();
}

}  // namespace vigil::app
