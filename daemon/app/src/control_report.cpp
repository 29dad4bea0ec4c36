// `report` as vigild serves it on its control socket (docs/reports.md): the
// same ctl::report vigilctl runs on a file, on vigild's own journal and
// config. Zone-scoped like `log query`: Invocation::zone lets
// ControlCommands::run check --zone against the operator's zones, or apply
// a scope of one zone.
#include "control_invocation.hpp"
#include "vigil/ctl/report.hpp"

namespace vigil::app {

void add_report_command(CLI::App& app, ctl::ReportArgs& a, Invocation& inv,
                        const config::SiteConfig& c, core::TimePoint now) {
  auto* report = app.add_subcommand("report");
  report->add_option("--period", a.period)->required();
  report->add_option("--zone", a.zone);
  report->add_option("--format", a.format)->default_val("text");
  report->callback([&, now] {
    a.now = now;
    inv.zone = &a.zone;
    choose(inv, "report", [&a, &c](auto& o, auto& e) { return ctl::report(c, a, o, e); });
  });
}

}  // namespace vigil::app
