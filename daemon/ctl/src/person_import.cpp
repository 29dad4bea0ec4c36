#include <fstream>
#include <iostream>
#include <sstream>

#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/people_csv.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {

// Read the file once: the bytes hashed into the journal are the bytes parsed.
// Parse and validate the whole file against the site's access levels first;
// only a file without a single bad row reaches the database, in one
// transaction with its journal events, so an import never leaves half a
// roster behind nor a change without its record.
int person_import(const ImportArgs& args, std::ostream& out, std::ostream& err) {
  auto site = config::load_site_config(args.config_path);
  if (!site) {
    err << config::to_string(site.diagnostics());
    return 2;
  }
  std::ifstream in(args.csv_path, std::ios::binary);
  if (!in) {
    err << args.csv_path << ": cannot read the file\n";
    return 1;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string text = bytes.str();
  auto parsed = config::parse_people_csv_text(text, args.csv_path, &site.value().site);
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
    journal::Roster roster(db, current_operator());
    const bool sets_clearance = parsed.value().sets_clearance;
    journal::RosterFile file{.people = std::move(parsed.value().people),
                             .credentials = std::move(parsed.value().credentials),
                             .name = std::filesystem::path(args.csv_path).filename().string(),
                             .sha256 = journal::sha256_hex(text),
                             .replace = args.replace,
                             .sets_clearance = sets_clearance};
    const auto change = roster.import(file, wall_now());
    const auto& summary = change.events.front().attrs;
    auto n = [&](const char* key) { return core::attr_int(summary, key).value_or(0); };
    const auto count = roster.store().count();
    out << args.csv_path << ": imported " << file.people.size()
        << (file.people.size() == 1 ? " row" : " rows")
        << (args.replace ? " as the whole roster" : "") << " into " << db << ": " << n("added")
        << " added, " << n("changed") << " changed, " << n("activated") << " activated, "
        << n("deactivated") << " deactivated, " << n("cards_added") << " cards added, "
        << n("cards_revoked") << " cards revoked (now " << count.people << " people, "
        << count.credentials << " credentials); journal #" << change.events.front().seq;
    if (change.events.size() > 1) out << "..#" << change.events.back().seq;
    out << ", sha256 " << file.sha256 << "\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
