// vigilctl lockdown set|release ZONE --reason R, lockdown list (issue 8).
// Each order goes through journal::Roster, journalled with the operator
// (lockdown_set / lockdown_released); a running vigild applies it within a
// second like any roster change and relocks the doors into the zone. With a
// site config the zone is checked against it, so a typo cannot lock down
// nothing.
#include <ostream>

#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/commands.hpp"

namespace vigil::ctl {
namespace {

bool zone_known(const LockdownArgs& args, std::ostream& err) {
  if (!args.config_path) return true;
  auto config = config::load_site_config(*args.config_path);
  if (!config) {
    err << config::to_string(config.diagnostics());
    return false;
  }
  if (config.value().site.find_zone(core::ZoneId{args.zone}) != nullptr) return true;
  err << "vigilctl: no zone '" << args.zone << "' in " << *args.config_path << "\n";
  return false;
}

}  // namespace

int lockdown_set(const LockdownArgs& args, std::ostream& out, std::ostream& err) {
  if (!zone_known(args, err)) return 2;
  return run_change(args.db_path, err, [&](journal::Roster& roster) {
    print_change(roster.set_lockdown(core::ZoneId{args.zone}, args.reason, wall_now()), out);
    return 0;
  });
}

int lockdown_release(const LockdownArgs& args, std::ostream& out, std::ostream& err) {
  return run_change(args.db_path, err, [&](journal::Roster& roster) {
    const auto change = roster.release_lockdown(core::ZoneId{args.zone}, args.reason, wall_now());
    if (change.events.empty()) out << args.zone << " is not locked down; nothing changed\n";
    print_change(change, out);
    return 0;
  });
}

int lockdown_list(const std::string& db_path, std::ostream& out, std::ostream& err) {
  if (!database_exists(db_path, err)) return 2;
  try {
    const journal::PeopleStore store(db_path);
    const auto lockdowns = store.lockdowns();
    if (lockdowns.empty()) out << "no zone is locked down\n";
    for (const auto& o : lockdowns.orders()) {
      out << o.zone.str() << "  since " << core::format_utc(o.since) << "  by " << o.ordered_by
          << "  reason: " << o.reason << "\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
