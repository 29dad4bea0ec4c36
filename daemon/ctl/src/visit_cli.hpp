// vigilctl's local command line for visits (visit_cli.cpp).
#pragma once

#include <CLI/CLI.hpp>

namespace vigil::ctl {

// visit add|end|list|show on -j DB or -c SITE.yaml (its journal.path; with
// -c, `visit add` also checks the zones against the site).
void add_visit_cli(CLI::App& cli, int& rc);
// `trip import FILE.csv` under the `trip` command (roster_import.cpp).
void add_trip_import_cli(CLI::App& trip, int& rc);

}  // namespace vigil::ctl
