// vigilctl inspection|deficiency|inspect on a file (issue 9 item 6). With
// vigild running, `-c SITE.yaml` sends them through its control socket
// instead (control_client.cpp), where the peer is the operator.
#include "inspection_cli.hpp"

#include <iostream>
#include <memory>

#include "vigil/config/load.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/inspection_commands.hpp"

namespace vigil::ctl {
namespace {

struct CliArgs {
  std::optional<std::string> journal, site;
  std::string zone, id, note;
  bool whole_site = false;
  FindingArgs finding;
  InspectArgs inspect;
  std::optional<config::SiteConfig> config;
};

// Loads the site config and runs `f` with a context on its journal (or -j).
template <class F>
int with_context(CliArgs& a, F f) {
  if (!a.site) {
    std::cerr << "vigilctl: give -c SITE.yaml: the checklist and zones come from the site\n";
    return 2;
  }
  auto loaded = config::load_site_config(*a.site);
  if (!loaded) {
    std::cerr << config::to_string(loaded.diagnostics());
    return 2;
  }
  a.config = std::move(loaded).value();
  InspectionContext ctx{
      a.journal ? *a.journal : a.config->journal_path, current_operator(), &*a.config,
      std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now())};
  return f(ctx);
}

}  // namespace

void add_inspection_cli(CLI::App& cli, int& rc) {
  auto a = std::make_shared<CliArgs>();
  auto source = [a](CLI::App* sub) {
    sub->add_option("-j,--journal", a->journal, "database (the journal's file)");
    sub->add_option("-c,--config", a->site, "site config (checklist, zones, time zone)");
  };
  auto* inspection = cli.add_subcommand("inspection", "security inspections: start, record, close")
                         ->require_subcommand(1);
  auto* start = inspection->add_subcommand(
      "start", "start an inspection and print its checklist, open deficiencies first");
  start->add_option("zone", a->zone, "zone id (with its nested zones)");
  start->add_flag("--site", a->whole_site, "the whole site");
  source(start);
  start->callback([a, &rc] {
    if (a->whole_site == !a->zone.empty()) {
      std::cerr << "vigilctl: give a zone or --site\n";
      rc = 2;
      return;
    }
    rc = with_context(*a, [&](const InspectionContext& ctx) {
      std::optional<std::string> zone;
      if (!a->whole_site) zone = a->zone;
      return inspection_start(ctx, zone, std::cout, std::cerr);
    });
  });
  auto* record = inspection->add_subcommand("record", "record one checklist item (journalled)");
  record->add_option("id", a->finding.inspection, "inspection number")->required();
  record->add_option("item", a->finding.item, "checklist item, e.g. door:lobby-main")->required();
  record->add_option("result", a->finding.result, "ok | deficiency")->required();
  record->add_option("--note", a->finding.note, "what is wrong, or what was done");
  record->add_option("--unit", a->finding.unit, "the unit responsible for the fix");
  record->add_option("--due", a->finding.due, "due date YYYY-MM-DD (site local)");
  source(record);
  record->callback([a, &rc] {
    rc = with_context(*a, [&](const InspectionContext& ctx) {
      return inspection_record(ctx, a->finding, std::cout, std::cerr);
    });
  });
  for (const char* verb : {"close", "show"}) {
    const bool close = std::string(verb) == "close";
    auto* sub = inspection->add_subcommand(verb, close ? "close an inspection (journalled)"
                                                       : "an inspection's checklist and findings");
    sub->add_option("id", a->id, "inspection number")->required();
    source(sub);
    sub->callback([a, &rc, close] {
      rc = with_context(*a, [&](const InspectionContext& ctx) {
        return close ? inspection_close(ctx, a->id, std::cout, std::cerr)
                     : inspection_show(ctx, a->id, std::cout, std::cerr);
      });
    });
  }
  auto* deficiency =
      cli.add_subcommand("deficiency", "deficiencies: record a fix")->require_subcommand(1);
  auto* fix = deficiency->add_subcommand("fix", "record the fix of a deficiency (journalled)");
  fix->add_option("id", a->id, "deficiency number (vigilctl inspect)")->required();
  fix->add_option("--note", a->note, "what was done")->required();
  source(fix);
  fix->callback([a, &rc] {
    rc = with_context(*a, [&](const InspectionContext& ctx) {
      return deficiency_fix(ctx, a->id, a->note, std::cout, std::cerr);
    });
  });
  auto* inspect =
      cli.add_subcommand("inspect", "health and deficiency report, open deficiencies first");
  inspect->add_option("--since", a->inspect.since, "from this day (YYYY-MM-DD, site local)");
  inspect->add_option("--zone", a->inspect.zone, "zone id (with its nested zones)");
  inspect->add_flag("--json", a->inspect.json, "as JSON");
  source(inspect);
  inspect->callback([a, &rc] {
    rc = with_context(*a, [&](const InspectionContext& ctx) {
      return inspect_report(ctx, a->inspect, std::cout, std::cerr);
    });
  });
}

}  // namespace vigil::ctl
