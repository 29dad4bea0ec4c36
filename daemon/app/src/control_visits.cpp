// The visit commands vigild serves on its control socket (issue 8 item 6):
// visit add|end|list|show on vigild's own journal, as the peer's operator.
// The roster watch applies a committed change like any roster change.
#include <memory>

#include "control_invocation.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/visit_commands.hpp"

namespace vigil::app {
namespace {

struct VisitServeArgs {
  ctl::VisitAddArgs add;
  ctl::RosterImportArgs import;
  std::string visit, reason;
  std::optional<std::string> visitor;
};

}  // namespace

void add_visit_commands(CLI::App& app, Invocation& inv, const config::SiteConfig& c,
                        const std::string& files_dir) {
  // Alive for the request: the parse fills it, the chosen run reads it.
  auto a = std::make_shared<VisitServeArgs>();
  const std::string db = c.journal_path;
  auto* visit = app.add_subcommand("visit")->require_subcommand(1);
  auto* add = visit->add_subcommand("add");
  add->add_option("visitor", a->add.visitor)->required();
  add->add_option("--host", a->add.host)->required();
  add->add_option("--purpose", a->add.purpose)->required();
  add->add_option("--organisation", a->add.organisation)->required();
  add->add_option("--delegation", a->add.delegation);
  add->add_option("--from", a->add.first_day)->required();
  add->add_option("--to", a->add.last_day)->required();
  add->add_option("--zone", a->add.zones)->required();
  add->callback([&inv, &c, a, db] {
    choose(inv, "visit add", [&c, a, db](auto& o, auto& e) {
      for (const auto& zone : a->add.zones) {
        if (c.site.find_zone(core::ZoneId{zone}) == nullptr) {
          e << "vigilctl: no zone '" << zone << "' in the site\n";
          return 2;
        }
      }
      a->add.db_path = db;
      return ctl::visit_add(a->add, o, e);
    });
  });
  // The imports: the same roles as `visit add` / `trip add`, each row
  // journalled as they are. The file is the one the operator sent.
  using ImportRun = int (*)(const ctl::RosterImportArgs&, std::ostream&, std::ostream&);
  auto add_import = [&, a, db](CLI::App* parent, std::string path, ImportRun run) {
    auto* import = parent->add_subcommand("import");
    import->add_option("file", a->import.csv_path)->required();
    import->callback([&inv, &c, a, db, files_dir, path, run] {
      a->import.csv_path = files_dir + "/" + a->import.csv_path;
    a->import.db_path = db;
    a->import.config_path = c.source_path;
    choose(inv, path, [a, run](auto& o, auto& e) { return run(a->import, o, e); });
    inv.sent_file = a->import.csv_path;
    });
};
add_import(visit, "visit import", ctl::visit_import);
add_import(app.get_subcommand("trip"), "trip import", ctl::trip_import);
auto* end = visit->add_subcommand("end");
end->add_option("visit", a->visit)->required();
end->add_option("--reason", a->reason)->required();
end->callback([&inv, a, db] {
  choose(inv, "visit end",
         [a, db](auto& o, auto& e) { return ctl::visit_end(db, a->visit, a->reason, o, e); });
});
auto* list = visit->add_subcommand("list");
list->add_option("visitor", a->visitor);
list->callback([&inv, a, db] {
  choose(inv, "visit list",
         [a, db](auto& o, auto& e) { return ctl::visit_list(db, a->visitor, o, e); });
});
auto* show = visit->add_subcommand("show");
show->add_option("visit", a->visit)->required();
show->callback([&inv, a, db] {
  choose(inv, "visit show",
         [a, db](auto& o, auto& e) { return ctl::visit_show(db, a->visit, o, e); });
});
}

}  // namespace vigil::app
