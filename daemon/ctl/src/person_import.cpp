#include <iostream>

#include "vigil/config/load.hpp"
#include "vigil/config/people_csv.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {

// Parse and validate the whole file against the site's access levels first;
// only a file without a single bad row reaches the database, in one
// transaction, so an import never leaves half a roster behind.
int person_import(const ImportArgs& args, std::ostream& out, std::ostream& err) {
  auto site = config::load_site_config(args.config_path);
  if (!site) {
    err << config::to_string(site.diagnostics());
    return 2;
  }
  auto parsed = config::parse_people_csv(args.csv_path, site.value().site);
  if (!parsed) {
    err << config::to_string(parsed.diagnostics());
    err << args.csv_path << ": nothing imported (" << parsed.diagnostics().size() << " problem"
        << (parsed.diagnostics().size() == 1 ? "" : "s") << ")\n";
    return 1;
  }
  const std::string db = args.db_path.value_or(site.value().journal_path);
  try {
    std::filesystem::path p(db);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    journal::PeopleStore store(db);
    store.import(parsed.value().people, parsed.value().credentials);
    const auto count = store.count();
    out << args.csv_path << ": imported " << parsed.value().people.size() << " people, "
        << parsed.value().credentials.size() << " credentials into " << db << " (now "
        << count.people << " people, " << count.credentials << " credentials)\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
