// vigilctl muster [ZONE]: who is inside each zone now, with the time they
// entered: the list a fire warden reads out at the assembly point (issue 8).
// Folded from the journal's `entry` events, the same way vigild rebuilds its
// anti-passback and occupancy state at start (vigil/core/occupancy.hpp).
#include <ostream>

#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/core/occupancy.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {

int muster(const MusterArgs& args, std::ostream& out, std::ostream& err) {
  auto config = config::load_site_config(args.config_path);
  if (!config) {
    err << config::to_string(config.diagnostics());
    return 2;
  }
  const core::Site& site = config.value().site;
  if (args.zone && site.find_zone(core::ZoneId{*args.zone}) == nullptr) {
    err << "vigilctl: no zone '" << *args.zone << "' in " << args.config_path << "\n";
    return 2;
  }
  const std::string db = args.db_path.value_or(config.value().journal_path);
  if (!database_exists(db, err)) return 2;
  try {
    core::Occupancy occupancy;
    journal::Filter filter;
    filter.kinds = {core::EventKind::entry};
    for (const auto& e : journal::Journal(db).query(filter)) occupancy.observe(e);
    const core::PeopleDirectory people = journal::PeopleStore(db).load();
    const auto local = [&](core::TimePoint t) {
      const auto l = site.time_zone.local(t);
      const int h = l.minute_of_day / 60, m = l.minute_of_day % 60;
      return core::format_date(l.date) + " " + (h < 10 ? "0" : "") + std::to_string(h) + ":" +
             (m < 10 ? "0" : "") + std::to_string(m);
    };
    std::size_t total = 0;
    for (const auto& zone : site.zones) {
      if (zone.id.str() == "outside") continue;
      if (args.zone && !core::zone_within(site, zone.id, core::ZoneId{*args.zone})) continue;
      const auto inside = occupancy.in_zone(zone.id);
      total += inside.size();
      out << zone.id.str() << " (" << zone.name << "): " << inside.size() << " inside\n";
      for (const auto& [person, presence] : inside) {
        const auto p = people.find_person(person);
        out << "  " << person.str() << "  " << (p ? p->name() : std::string_view{"?"}) << "  since "
            << local(presence.since) << " " << site.time_zone.name() << " ("
            << core::format_utc(presence.since) << ")\n";
      }
    }
    out << total << " people inside\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
