// vigilctl's local command line for inspections (inspection_cli.cpp).
#pragma once

#include <CLI/CLI.hpp>

namespace vigil::ctl {

// inspection start|record|close|show, deficiency fix, inspect: each needs
// -c SITE.yaml (the checklist comes from the site); -j DB names another file.
void add_inspection_cli(CLI::App& cli, int& rc);

}  // namespace vigil::ctl
