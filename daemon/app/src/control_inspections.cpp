// The inspection commands vigild serves on its control socket (issue 9 item
// 6, docs/inspections.md): inspection start|record|close|show, deficiency
// fix and inspect, on vigild's own journal and config, as the peer.
#include <string>

#include "control_invocation.hpp"
#include "vigil/ctl/inspection_commands.hpp"

namespace vigil::app {
namespace {

struct InspectionArgs {
  std::string zone, id, def_id, note;
  bool site = false;
  ctl::FindingArgs finding;
  ctl::InspectArgs inspect;
};

}  // namespace

void add_inspection_commands(CLI::App& app, Invocation& inv, const config::SiteConfig& c,
                             core::TimePoint now) {
  // Alive for the request: the parse fills it, the chosen run reads it.
  auto a = std::make_shared<InspectionArgs>();
  auto ctx = [&c, now] {
    return ctl::InspectionContext{c.journal_path, ctl::current_operator(), &c, now};
  };
  auto* inspection = app.add_subcommand("inspection")->require_subcommand(1);
  auto* start = inspection->add_subcommand("start");
  start->add_option("zone", a->zone);
  start->add_flag("--site", a->site);
  start->callback([&inv, a, ctx] {
    choose(inv, "inspection start", [a, ctx](auto& o, auto& e) {
      if (a->site == !a->zone.empty()) {
        e << "vigilctl: give a zone or --site\n";
        return 2;
      }
      std::optional<std::string> zone;
      if (!a->site) zone = a->zone;
      return ctl::inspection_start(ctx(), zone, o, e);
    });
  });
  auto* record = inspection->add_subcommand("record");
  record->add_option("id", a->finding.inspection)->required();
  record->add_option("item", a->finding.item)->required();
  record->add_option("result", a->finding.result)->required();
  record->add_option("--note", a->finding.note);
  record->add_option("--unit", a->finding.unit);
  record->add_option("--due", a->finding.due);
  record->callback([&inv, a, ctx] {
    choose(inv, "inspection record",
           [a, ctx](auto& o, auto& e) { return ctl::inspection_record(ctx(), a->finding, o, e); });
  });
  for (const char* verb : {"close", "show"}) {
    auto* sub = inspection->add_subcommand(verb);
    sub->add_option("id", a->id)->required();
    const bool close = std::string(verb) == "close";
    sub->callback([&inv, a, ctx, close] {
      choose(inv, close ? "inspection close" : "inspection show",
             [a, ctx, close](auto& o, auto& e) {
               return close ? ctl::inspection_close(ctx(), a->id, o, e)
                            : ctl::inspection_show(ctx(), a->id, o, e);
             });
    });
  }
  auto* deficiency = app.add_subcommand("deficiency")->require_subcommand(1);
  auto* fix = deficiency->add_subcommand("fix");
  fix->add_option("id", a->def_id)->required();
  fix->add_option("--note", a->note)->required();
  fix->callback([&inv, a, ctx] {
    choose(inv, "deficiency fix", [a, ctx](auto& o, auto& e) {
      return ctl::deficiency_fix(ctx(), a->def_id, a->note, o, e);
    });
  });
  auto* inspect = app.add_subcommand("inspect");
  inspect->add_option("--since", a->inspect.since);
  inspect->add_option("--zone", a->inspect.zone);
  inspect->add_flag("--json", a->inspect.json);
  inspect->callback([&inv, a, ctx] {
    choose(inv, "inspect",
           [a, ctx](auto& o, auto& e) { return ctl::inspect_report(ctx(), a->inspect, o, e); });
  });
}

}  // namespace vigil::app
