// vigilctl visit add|end|list|show, run here on a database file (through
// vigild when it serves the site: control_client.cpp routes it first).
#include "visit_cli.hpp"

#include <iostream>
#include <memory>

#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/visit_commands.hpp"

namespace vigil::ctl {
namespace {

struct VisitCliArgs {
  std::optional<std::string> journal, site;
  VisitAddArgs add;
  RosterImportArgs import;
  std::string visit, reason;
  std::optional<std::string> visitor;
};

// `trip import` / `visit import FILE.csv` on -j DB or -c SITE.yaml.
void add_import(CLI::App* parent, const char* help, const std::shared_ptr<VisitCliArgs>& a, int& rc,
                int (*run)(const RosterImportArgs&, std::ostream&, std::ostream&)) {
  auto* import = parent->add_subcommand("import", help);
  import->add_option("file", a->import.csv_path, "the CSV file")->required();
  import->add_option("-j,--journal", a->journal, "database (the journal's file)");
  import->add_option("-c,--config", a->site, "site config (uses its journal.path)");
  import->callback([a, run, &rc] {
    auto path = resolve_journal(a->journal, a->site, std::cerr);
  if (!path) {
    rc = 2;
    return;
  }
  a->import.db_path = *path;
  a->import.config_path = a->site;
  rc = run(a->import, std::cout, std::cerr);
});
}  // namespace

}  // namespace vigil::ctl

void add_trip_import_cli(CLI::App& trip, int& rc) {
  add_import(&trip, "trips from CSV: all rows or none (columns: docs/policy.md)",
             std::make_shared<VisitCliArgs>(), rc, trip_import);
}

void add_visit_cli(CLI::App& cli, int& rc) {
  auto a = std::make_shared<VisitCliArgs>();
  auto* visit = cli.add_subcommand("visit", "visits and delegations (journalled)");
  visit->require_subcommand(1);
  auto source = [a](CLI::App* sub) {
    sub->add_option("-j,--journal", a->journal, "database (the journal's file)");
    sub->add_option("-c,--config", a->site, "site config (uses its journal.path)");
  };
  auto db = [a] { return resolve_journal(a->journal, a->site, std::cerr); };

  auto* add = visit->add_subcommand(
      "add", "record a visit: the visitor's card works in its zones, with an escort");
  add->add_option("visitor", a->add.visitor, "person id of the visitor")->required();
  add->add_option("--host", a->add.host, "person id of the host (staff)")->required();
  add->add_option("--purpose", a->add.purpose, "why they visit")->required();
  add->add_option("--organisation", a->add.organisation, "who they come from")->required();
  add->add_option("--delegation", a->add.delegation, "the delegation's reference");
  add->add_option("--from", a->add.first_day, "first day (YYYY-MM-DD, site local)")->required();
  add->add_option("--to", a->add.last_day, "last day, inclusive")->required();
  add->add_option("--zone", a->add.zones, "a zone of the visit (repeatable)")->required();
  source(add);
  add->callback([a, db, &rc] {
    auto path = db();
    if (!path) {
      rc = 2;
      return;
    }
    a->add.db_path = *path;
    a->add.config_path = a->site;
    rc = visit_add(a->add, std::cout, std::cerr);
  });

  add_import(visit, "visits from CSV: all rows or none (columns: docs/policy.md)", a, rc,
             visit_import);

  auto* end = visit->add_subcommand("end", "end a visit early: the visitor's card stops working");
  end->add_option("visit", a->visit, "visit number (visit list)")->required();
  end->add_option("--reason", a->reason, "why (journalled)")->required();
  source(end);
  end->callback([a, db, &rc] {
    auto path = db();
    rc = path ? visit_end(*path, a->visit, a->reason, std::cout, std::cerr) : 2;
  });

  auto* list = visit->add_subcommand("list", "visits, all or one visitor's");
  list->add_option("visitor", a->visitor, "person id");
  source(list);
  list->callback([a, db, &rc] {
    auto path = db();
    rc = path ? visit_list(*path, a->visitor, std::cout, std::cerr) : 2;
  });

  auto* show = visit->add_subcommand("show", "a visit and its entries");
  show->add_option("visit", a->visit, "visit number")->required();
  source(show);
  show->callback([a, db, &rc] {
    auto path = db();
    rc = path ? visit_show(*path, a->visit, std::cout, std::cerr) : 2;
  });
}

}  // namespace vigil::ctl
