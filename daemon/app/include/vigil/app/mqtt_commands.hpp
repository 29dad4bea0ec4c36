// What vigild does with one signed MQTT command (docs/commands.md): the
// checks in the contract's order (bad_request, unknown_operator,
// bad_signature, wrong_target, stale, replay, role, scope), then the command
// itself through ControlCommands, the control socket's code path and role
// table, as the operator the signature named. Yields the one journal
// record (command_accepted / command_refused) and the reply, which the
// daemon sends once the record is durable. Pure of MQTT; the nonces are in
// the journal's database (journal::CommandNonces).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "vigil/app/control_commands.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/event.hpp"
#include "vigil/mqtt/command_link.hpp"
#include "vigil/mqtt/signed_command.hpp"

namespace vigil::journal {
class CommandNonces;
}

namespace vigil::app {

struct MqttCommandOutcome {
  core::Event record;                       // journal it, durably, before replying
  std::optional<mqtt::CommandReply> reply;  // nullopt: no id known, no reply
};

class MqttCommands {
 public:
  // `operators`: as for ControlCommands (a reload replaces them); none: the config's.
  explicit MqttCommands(const config::SiteConfig& config, DoorUnlocker door_unlocker = {},
                        std::shared_ptr<const OperatorList> operators = nullptr);
  ~MqttCommands();
  MqttCommands(const MqttCommands&) = delete;
  MqttCommands& operator=(const MqttCommands&) = delete;

  MqttCommandOutcome handle(const mqtt::IncomingCommand& in, core::TimePoint now);

 private:
  const config::SiteConfig* config_;
  std::shared_ptr<const OperatorList> operators_;
  ControlCommands control_;
  std::unique_ptr<journal::CommandNonces> nonces_;
};

// The control-socket words a signed command runs as ("incident", "ack", ID).
std::vector<std::string> command_argv(const mqtt::CommandBody& body);

}  // namespace vigil::app
