// `vigilctl watch [--zone Z] [--plain] [--broker HOST:PORT] -c SITE.yaml`
// (issue 11 item 7): live incidents, incident-state changes, door and zone
// states and the gateway's status from the broker, one line each, for log
// files and technicians at the gateway. Private to vigilctl.
#pragma once

#include <cstddef>
#include <deque>
#include <iosfwd>
#include <optional>
#include <string>
#include <unordered_set>

#include "vigil/config/site_config.hpp"
#include "vigil/mqtt/watch.hpp"

namespace vigil::ctl {

struct WatchArgs {
  std::string config_path;
  std::string zone;    // empty: every zone
  std::string broker;  // HOST:PORT; empty: the site config's broker
  bool plain = false;  // no colour
};

// Turns messages into lines: the pure part of `watch`, tested on its own.
class WatchLines {
 public:
  // `zone` (empty: all) keeps the messages about it and the zones nested
  // inside it; a door belongs to the zone it leads into.
  WatchLines(const config::SiteConfig& config, std::string zone, bool plain);

  // The line for `m`, or nullopt when it is filtered out, not one of ours,
  // a repeat of an incident already shown (QoS 1 may resend), a resolved
  // incident's retained state replayed at subscription, or not JSON.
  std::optional<std::string> line(const mqtt::WatchMessage& m);
  // The topic filters to subscribe to.
  std::vector<std::string> filters() const;

 private:
  bool wanted(const std::optional<std::string>& zone) const;
  bool repeat(const std::string& key);

  const config::SiteConfig& config_;
  std::string prefix_;  // <root>/v1/<site>/<gateway>/
  std::string zone_;
  bool plain_;
  std::unordered_set<std::string> seen_;
  std::deque<std::string> seen_order_;  // bounds seen_
};

// Runs until SIGINT or SIGTERM; exit code 0, 1 when the broker cannot be
// reached at start, 2 for bad arguments.
int watch(const WatchArgs& args, std::ostream& out, std::ostream& err);

}  // namespace vigil::ctl
