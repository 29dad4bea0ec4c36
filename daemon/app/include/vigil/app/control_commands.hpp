// What vigild does with one control request (docs/control.md): find the
// operator the peer's Unix user maps to, parse the command words, check the
// command table (roles allowed, zone-scoped or not), run the same command
// functions vigilctl runs locally with their output captured, and build the
// one audit event that records it: record_access when it ran, whatever its
// exit code; access_refused when the operator (or the lack of one), role or
// zones did not allow it. Pure of sockets and threads: the control server
// owns those, and tests drive this directly too.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vigil/app/operator_list.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/event.hpp"
#include "vigil/ctl/control_protocol.hpp"

namespace vigil::app {

struct Peer {
  std::uint32_t uid = 0;
  std::string user;  // from the passwd database; "uid:N" when it has no entry
};

// One row of the command table. `zone_scoped`: the command returns rows of
// zones, and an operator whose scope is not the whole site must name a zone
// in scope (--zone), or have a scope of exactly one zone, which is applied.
struct CommandRule {
  std::string path;  // "log query"
  std::vector<config::Role> roles;
  bool zone_scoped = false;
};
const std::vector<CommandRule>& command_rules();

struct ControlOutcome {
  ctl::ControlReply reply;
  core::Event audit;  // journal it, durably, before sending the reply
};

// `door unlock` (issue 11 item 4) acts on vigild's door loop, not on the
// database: the daemon gives a function that runs core::Controller::
// remote_unlock there and answers ok with what was done, or why not.
// Without one (tests, a ControlCommands with no door loop) the command fails.
struct DoorUnlockAnswer {
  bool ok = false;
  std::string message;
};
using DoorUnlocker = std::function<DoorUnlockAnswer(const std::string& door, int seconds,
                                                    const std::string& operator_name)>;

// `config reload` (docs/config.md "Reloading the config") runs on vigild's
// door loop too: the daemon gives a function that asks for a reload and
// answers once it was applied (ok, with what changed) or refused (why).
struct ConfigReloadAnswer {
  bool ok = false;
  std::string message;
};
// dry_run: what a reload would do, nothing applied or journalled.
using ConfigReloader =
    std::function<ConfigReloadAnswer(const std::string& operator_name, bool dry_run)>;

class ReadJournal;

// Not thread-safe: one request at a time (the control server's thread).
class ControlCommands {
 public:
  // `operators`: the list a reload replaces (operator_list.hpp); none: the
  // config's, fixed.
  explicit ControlCommands(const config::SiteConfig& config, DoorUnlocker door_unlocker = {},
                           ConfigReloader config_reloader = {},
                           std::shared_ptr<const OperatorList> operators = nullptr);
  ~ControlCommands();
  ControlCommands(const ControlCommands&) = delete;
  ControlCommands& operator=(const ControlCommands&) = delete;
  ControlOutcome run(const Peer& peer, const ctl::ControlRequest& request, core::TimePoint now);

 private:
  const config::SiteConfig* config_;
  DoorUnlocker door_unlocker_;
  ConfigReloader config_reloader_;
  std::shared_ptr<const OperatorList> operators_;
  // `log query` reads through one kept connection (read_journal.hpp).
  std::unique_ptr<ReadJournal> reads_;
};

}  // namespace vigil::app
