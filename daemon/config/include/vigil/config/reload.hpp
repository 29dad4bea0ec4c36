// A reload of the site config on a running vigild (docs/config.md
// "Reloading the config"): which differences between the running file and
// the new one a reload may apply (access levels, holidays, zone rules, the
// doors' timings and modes, escort and return-report settings, operators), which need
// a restart (everything else: devices, wiring, zones, doors and readers
// added or removed, broker, journal, operators, alarm zones, fire, ...),
// and the site a reload would run on. Pure: the daemon reads the file and
// applies the plan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/site.hpp"

namespace vigil::config {

struct ReloadPlan {
  // What the reload changes, by key ("access_levels",
  // "doors[lobby-main].unlock_time", "zones[lab].anti_passback"), in file
  // order; empty when the rules are the same.
  std::vector<std::string> changed;
  // Each difference a reload cannot apply, at its place in the new file
  // (where the running file's key was, for one taken out). Any: nothing of
  // the file applies.
  std::vector<Diagnostic> needs_restart;
  // The running site with the new file's reloadable parts (indexed); the
  // running site unchanged when needs_restart is not empty.
  core::Site site;
  // The new file's operators (who may use the control socket and sign
  // MQTT commands); empty when needs_restart is not.
  std::vector<OperatorConfig> operators;
  bool ok() const { return needs_restart.empty(); }
};

// `running_yaml` is the text the running rules came from (SiteConfig::
// source_text of the start, then of each reload applied) and
// `running_site` their site; `next` the new file, loaded and valid.
ReloadPlan plan_reload(std::string_view running_yaml, const core::Site& running_site,
                       const SiteConfig& next);

}  // namespace vigil::config
