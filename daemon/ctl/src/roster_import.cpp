// vigilctl trip import FILE.csv and visit import FILE.csv (issue 8): the
// whole file is parsed and checked against the roster first, naming file,
// line, column and field of every mistake; only a file without one reaches
// the database, in one transaction, one trip_added / visit_added each, as
// `trip add` and `visit add` journal them.
#include <fstream>
#include <set>
#include <sstream>

#include "roster_change.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/roster_csv.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/visit_commands.hpp"

namespace vigil::ctl {
namespace {

std::optional<std::string> read_text(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << path << ": cannot read the file\n";
    return std::nullopt;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

int report_problems(const std::string& path, const std::vector<config::Diagnostic>& problems,
                    std::ostream& err) {
  err << config::to_string(problems);
  err << path << ": nothing imported (" << problems.size() << " problem"
      << (problems.size() == 1 ? "" : "s") << ")\n";
  return 1;
}

// A diagnostic on field `column` (the parser's column order) of a row.
config::Diagnostic at_field(const std::string& path, const config::CsvPlace& place,
                            const std::vector<std::string>& columns, std::size_t column,
                            const std::string& why) {
  return {path, place.line, place.cols[column], "field '" + columns[column] + "': " + why};
}

int commit_rows(const std::string& path, const std::string& db, std::size_t rows, const char* what,
                std::ostream& out, std::ostream& err,
                const std::function<journal::RosterChange(journal::Roster&)>& change) {
  return run_change(db, err, [&](journal::Roster& roster) {
    const auto done = change(roster);
    print_change(done, out);
    out << path << ": imported " << rows << " " << what << (rows == 1 ? "" : "s");
    if (!done.events.empty()) {
      out << "; journal #" << done.events.front().seq;
      if (done.events.size() > 1) out << "..#" << done.events.back().seq;
    }
    out << "\n";
    return 0;
  });
}

}  // namespace

int trip_import(const RosterImportArgs& args, std::ostream& out, std::ostream& err) {
  const auto text = read_text(args.csv_path, err);
  if (!text) return 1;
  auto parsed = config::parse_trips_csv_text(*text, args.csv_path);
  if (!parsed) return report_problems(args.csv_path, parsed.diagnostics(), err);
  if (!database_exists(args.db_path, err)) return 2;
  std::vector<config::Diagnostic> problems;
  std::vector<journal::TripRecord> trips;
  try {
    const journal::PeopleStore store(args.db_path);
    for (const auto& row : parsed.value()) {
      if (!store.find_person(row.person)) {
        problems.push_back(at_field(args.csv_path, row.place, config::trip_csv_columns(), 0,
                                    "no person '" + row.person.str() + "' in the roster"));
      }
      trips.push_back({row.person, row.trip});
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  if (!problems.empty()) return report_problems(args.csv_path, problems, err);
  return commit_rows(args.csv_path, args.db_path, trips.size(), "trip", out, err,
                     [&](journal::Roster& r) { return r.add_trips(trips, wall_now()); });
}

int visit_import(const RosterImportArgs& args, std::ostream& out, std::ostream& err) {
  std::optional<config::SiteConfig> site;
  if (args.config_path) {
    auto loaded = config::load_site_config(*args.config_path);
    if (!loaded) {
      err << config::to_string(loaded.diagnostics());
      return 2;
    }
    site = std::move(loaded).value();
  }
  const auto text = read_text(args.csv_path, err);
  if (!text) return 1;
  auto parsed = config::parse_visits_csv_text(*text, args.csv_path, site ? &site->site : nullptr);
  if (!parsed) return report_problems(args.csv_path, parsed.diagnostics(), err);
  if (!database_exists(args.db_path, err)) return 2;
  const auto& columns = config::visit_csv_columns();
  std::vector<config::Diagnostic> problems;
  std::vector<core::Visit> visits;
  try {
    const journal::PeopleStore store(args.db_path);
    std::set<core::PersonId> file_visitors;
    for (const auto& row : parsed.value()) {
      const core::Visit& v = row.visit;
      if (!store.find_person(v.visitor)) {
        problems.push_back(at_field(args.csv_path, row.place, columns, 0,
                                    "no person '" + v.visitor.str() + "' in the roster"));
      }
      if (!store.find_person(v.host)) {
        problems.push_back(at_field(args.csv_path, row.place, columns, 1,
                                    "no person '" + v.host.str() + "' in the roster"));
      } else if (file_visitors.contains(v.host) || !store.list_visits(v.host).empty()) {
        problems.push_back(
            at_field(args.csv_path, row.place, columns, 1,
                     "'" + v.host.str() + "' is a visitor; a host is a member of staff"));
      }
      file_visitors.insert(v.visitor);
      visits.push_back(v);
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  if (!problems.empty()) return report_problems(args.csv_path, problems, err);
  return commit_rows(args.csv_path, args.db_path, visits.size(), "visit", out, err,
                     [&](journal::Roster& r) { return r.add_visits(visits, wall_now()); });
}

}  // namespace vigil::ctl
