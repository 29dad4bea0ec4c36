// vigilctl's signed MQTT commands (command_cli.cpp, docs/commands.md):
// `operator keygen --out FILE` writes a new Ed25519 seed (mode 0600) and
// prints the public_key line for the site config; `command send NAME
// --operator U --key FILE [--arg k=v ...] -c SITE.yaml` signs one command,
// publishes it on the site's cmd/NAME topic and prints vigild's reply.
#pragma once

#include <CLI/CLI.hpp>

namespace vigil::ctl {

void add_command_cli(CLI::App& cli, int& rc);

}  // namespace vigil::ctl
