#include "vigil/ctl/alarm_commands.hpp"

#include <algorithm>
#include <ostream>

#include "vigil/config/load.hpp"
#include "vigil/core/alarm.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/operator_commands.hpp"

namespace vigil::ctl {

int alarm_request(const std::string& db_path, const std::string& kind, const std::string& zone,
                  bool bypass, const std::optional<std::string>& config_path, core::TimePoint now,
                  std::ostream& out, std::ostream& err) {
  try {
    if (config_path) {
      auto config = config::load_site_config(*config_path);
      if (!config) {
        err << "vigilctl: the site config has errors; run vigilctl config check\n";
        return 2;
      }
      const auto& zones = config.value().alarm_zones;
      if (std::none_of(zones.begin(), zones.end(),
                       [&](const core::AlarmZone& z) { return z.id.str() == zone; })) {
        err << "vigilctl: no alarm zone '" << zone << "' in " << *config_path << "\n";
        return 2;
      }
    }
    journal::OperatorCommands commands(db_path);
    const auto id = commands.push({0, kind, zone, current_operator(), bypass, now});
    out << (kind == "alarm_arm" ? "arm" : "disarm") << " of alarm zone " << zone
        << (bypass ? " (bypassing active sensors)" : "") << " requested as command " << id << " by "
        << current_operator()
        << "; vigild applies it within a second (see vigilctl alarm status)\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int alarm_status(const std::string& db_path, std::ostream& out, std::ostream& err) {
  try {
    const journal::Journal journal(db_path);
    const auto events = journal.query({.kinds = core::alarm_state_event_kinds()});
    const auto states = core::alarm_states_from(events);
    if (states.empty()) out << "no alarm zone has been armed\n";
    for (const auto& [zone, state] : states) {
      // The latest event of the zone says since when; the latest with an
      // actor (arm, disarm) says who.
      const core::Event* last = nullptr;
      const core::Event* actor = nullptr;
      for (const auto& e : events) {
        if (e.zone != zone) continue;
        last = &e;
        if (core::attr_text(e.attrs, "by")) actor = &e;
      }
      out << zone.str() << "  " << core::to_string(state);
      if (last) out << "  since " << core::format_utc(last->time);
      if (actor) {
        if (auto op = core::attr_text(actor->attrs, "operator")) out << "  by " << *op;
        if (actor->person) out << "  by card of " << actor->person->str();
      }
      out << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int fire_request(const std::string& db_path, const std::string& kind, core::TimePoint now,
                 std::ostream& out, std::ostream& err) {
  try {
    journal::OperatorCommands commands(db_path);
    const auto id = commands.push({0, kind, "", current_operator(), false, now});
    out << (kind == "fire_reset" ? "fire reset" : "fire release") << " requested as command " << id
        << " by " << current_operator()
        << (kind == "fire_reset"
                ? "; vigild relocks the doors only once every fire input reads normal"
                : "")
        << "\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
