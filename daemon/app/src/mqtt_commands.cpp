#include "vigil/app/mqtt_commands.hpp"

#include <algorithm>
#include <charconv>

#include "vigil/journal/command_nonces.hpp"
#include "vigil/journal/incident_log.hpp"

namespace vigil::app {
namespace {

using mqtt::CommandCode;

// The control-socket command (command_rules()) each signed command is.
std::string rule_path(const std::string& cmd) {
  if (cmd == "incident-ack") return "incident ack";
  if (cmd == "incident-resolve") return "incident resolve";
  if (cmd == "lockdown-set") return "lockdown set";
  if (cmd == "lockdown-release") return "lockdown release";
  if (cmd == "door-unlock") return "door unlock";
  if (cmd == "zone-arm") return "alarm arm";
  if (cmd == "zone-disarm") return "alarm disarm";
  return "fire reset";
}

std::optional<std::uint64_t> incident_number(std::string_view s) {
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc{} || end != s.data() + s.size() || id == 0) return std::nullopt;
  return id;
}

// The first line of a command's output, for the reply's message.
std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 500) line.resize(500);
  return line;
}

}  // namespace

std::vector<std::string> command_argv(const mqtt::CommandBody& b) {
  const std::string why = "signed command " + b.id;
  if (b.cmd == "incident-ack") return {"incident", "ack", b.incident};
  if (b.cmd == "incident-resolve") {
    return {"incident", "resolve", b.incident, "--note", b.note.value_or("")};
  }
  if (b.cmd == "lockdown-set") return {"lockdown", "set", b.zone, "--reason", why};
  if (b.cmd == "lockdown-release") return {"lockdown", "release", b.zone, "--reason", why};
  if (b.cmd == "door-unlock") {
    return {"door", "unlock", b.door, "--seconds", std::to_string(b.seconds)};
  }
  if (b.cmd == "zone-arm") return {"alarm", "arm", b.zone};
  if (b.cmd == "zone-disarm") return {"alarm", "disarm", b.zone};
  return {"fire", "reset"};
}

MqttCommands::MqttCommands(const config::SiteConfig& config, DoorUnlocker door_unlocker,
                           std::shared_ptr<const OperatorList> operators)
    : config_(&config),
      operators_(operators ? std::move(operators)
                           : std::make_shared<const OperatorList>(config.operators)),
      control_(config, std::move(door_unlocker), {}, operators_),
      nonces_(std::make_unique<journal::CommandNonces>(config.journal_path)) {}

MqttCommands::~MqttCommands() = default;

MqttCommandOutcome MqttCommands::handle(const mqtt::IncomingCommand& in, core::TimePoint now) {
  MqttCommandOutcome outcome;
  core::Event& e = outcome.record;
  e.time = now;
  e.kind = core::EventKind::command_refused;
  mqtt::SignedCommand parsed = mqtt::parse_signed_command(in.payload);
  if (parsed.code == CommandCode::ok && in.retained) {
    parsed.code = CommandCode::bad_request;
    parsed.message = "a command must not be retained";
  }
  const mqtt::CommandBody& b = parsed.body;
  // The operators as of this command's arrival (a reload may replace them);
  // `op` points into this snapshot, alive to the end.
  const auto operators = operators_->snapshot();
  const config::OperatorConfig* op = nullptr;

  auto finish = [&](CommandCode code, std::string message) {
    if (code == CommandCode::ok) e.kind = core::EventKind::command_accepted;
    core::set_attr(e.attrs, "code", std::string(mqtt::to_string(code)));
    core::set_attr(e.attrs, "message", message);
    core::set_attr(e.attrs, "cmd", parsed.cmd.value_or(in.name));
    if (parsed.id) core::set_attr(e.attrs, "id", *parsed.id);
    if (parsed.operator_name) core::set_attr(e.attrs, "operator", *parsed.operator_name);
    if (!b.nonce.empty()) core::set_attr(e.attrs, "nonce", b.nonce);
    if (!b.incident.empty()) core::set_attr(e.attrs, "incident", b.incident);
    if (!b.zone.empty()) core::set_attr(e.attrs, "zone", b.zone);
    if (!b.door.empty()) core::set_attr(e.attrs, "door", b.door);
    if (b.seconds > 0) core::set_attr(e.attrs, "seconds", b.seconds);
    e.detail = std::string("MQTT command ") + parsed.cmd.value_or(in.name) + " " +
               mqtt::to_string(code) + ": " + message;
    if (parsed.id) {
      mqtt::CommandReply reply;
      reply.id = *parsed.id;
      reply.cmd = parsed.cmd.value_or(in.name);
      if (op) reply.operator_name = op->user;
      reply.code = code;
      reply.message = std::move(message);
      outcome.reply = std::move(reply);
    }
    return std::move(outcome);
  };

  if (parsed.code != CommandCode::ok) return finish(parsed.code, parsed.message);
  const auto found = std::find_if(operators->begin(), operators->end(),
                                  [&](const auto& o) { return o.user == b.operator_name; });
  if (found == operators->end() || found->public_key.empty()) {
    return finish(CommandCode::unknown_operator,
                  "'" + b.operator_name + "' is not an operator with a public_key on this site");
  }
  op = &*found;
  if (!mqtt::ed25519_verify(op->public_key, parsed.body_bytes, parsed.signature)) {
    return finish(CommandCode::bad_signature, "the signature does not match the operator's key");
  }
  if (b.site != config_->site.id.str() || b.gateway != config_->site.gateway.str() ||
      b.cmd != in.name) {
    return finish(CommandCode::wrong_target, "the body names " + b.site + "/" + b.gateway +
                                                 " cmd " + b.cmd + ", the topic " +
                                                 config_->site.id.str() + "/" +
                                                 config_->site.gateway.str() + " cmd " + in.name);
  }
  const core::TimePoint signed_at{std::chrono::milliseconds(b.ts_ms)};
  const auto skew = now > signed_at ? now - signed_at : signed_at - now;
  if (skew > config_->command_max_skew) {
    return finish(
        CommandCode::stale,
        "signed " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(skew).count()) +
            " s away from the gateway's clock (commands.max_skew " +
            std::to_string(config_->command_max_skew.count() / 1000) + " s)");
  }
  try {
    if (!nonces_->claim(b.nonce, op->user, signed_at, now, config_->command_max_skew)) {
      return finish(CommandCode::replay, "nonce " + b.nonce + " was used already");
    }
  } catch (const std::exception& ex) {
    // Never run a command whose nonce could not be recorded.
    return finish(CommandCode::failed, std::string("cannot record the nonce: ") + ex.what());
  }

  const std::string path = rule_path(b.cmd);
  const auto rule = std::find_if(command_rules().begin(), command_rules().end(),
                                 [&](const auto& r) { return r.path == path; });
  if (rule == command_rules().end()) {
    return finish(CommandCode::failed, "'" + path + "' is not served by this vigild");
  }
  if (std::none_of(rule->roles.begin(), rule->roles.end(),
                   [&](config::Role r) { return op->has_role(r); })) {
    std::string roles;
    for (auto r : rule->roles) roles += (roles.empty() ? "" : ", ") + std::string(to_string(r));
    return finish(CommandCode::role, "'" + path + "' needs the role " + roles);
  }

  // The zone the command acts on: its own, the door's, the incident's.
  std::optional<core::ZoneId> zone;
  if (!b.zone.empty()) zone = core::ZoneId(b.zone);
  if (!b.door.empty()) {
    for (const auto& door : config_->site.doors) {
      if (door.id.str() == b.door) zone = door.to_zone;
    }
  }
  if (!b.incident.empty() && !op->all_zones) {
    if (const auto number = incident_number(b.incident)) {
      try {
        journal::IncidentLogOptions options{config_->incident_rules, {}};
        for (const auto& door : config_->site.doors) {
          options.door_zones.emplace(door.id.str(), door.to_zone);
        }
        const journal::IncidentLog log(config_->journal_path, op->name, options);
        if (const auto record = log.find(*number)) zone = record->incident.event.zone;
      } catch (const std::exception&) {
        // unknown incident or unreadable journal: the command itself says so
      }
    }
  }
  if (zone && !config::zone_in_scope(config_->site, *op, *zone)) {
    return finish(CommandCode::scope, "zone '" + zone->str() + "' is outside your scope");
  }

  ctl::ControlRequest request;
  request.argv = command_argv(b);
  ControlOutcome ran = control_.run(Peer{0, op->user}, request, now);
  // The control socket's attrs of what ran (command, filter, rc, digest);
  // the Unix peer is not one here.
  for (const auto& [key, value] : ran.audit.attrs) {
    if (key != "unix_user" && key != "uid" && key != "operator")
      core::set_attr(e.attrs, key, value);
  }
  if (ran.audit.kind != core::EventKind::record_access || ran.reply.rc != 0) {
    std::string why = first_line(ran.reply.err);
    if (why.rfind("vigilctl: ", 0) == 0) why = why.substr(10);
    if (why.rfind("vigild: ", 0) == 0) why = why.substr(8);
    return finish(CommandCode::failed, why.empty() ? "the command failed" : why);
  }
  return finish(CommandCode::ok, first_line(ran.reply.out));
}

}  // namespace vigil::app
