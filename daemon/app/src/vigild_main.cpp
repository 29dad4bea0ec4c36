// vigild: the Vigil access-control daemon.
//   vigild --config SITE.yaml            run the site
//   vigild --config SITE.yaml --check    validate the config and exit (like kea -t)
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <cstdio>
#include <iostream>

#include <spdlog/spdlog.h>

#include "vigil/app/daemon.hpp"
#include "vigil/app/logging.hpp"
#include "vigil/config/load.hpp"
#include "vigil/journal/latency_trace.hpp"

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own 64 MiB arena, and memory
  // freed in one (a roster load, a journal batch) is kept there for reuse:
  // with the writer, roster, driver and MQTT threads that tripled vigild's
  // resident memory at 100,000 people (docs/benchmarks.md). One arena keeps
  // the footprint near the data; vigild's threads allocate far too little
  // for its lock to matter (measured: card-to-coil unchanged).
  mallopt(M_ARENA_MAX, 1);
  // The forced-door bench's timeline (bench/bench_incident_latency.cpp);
  // off unless VIGIL_LATENCY_TRACE names a file. Before any database opens.
  vigil::journal::LatencyTrace::start_from_env();
  CLI::App cli{"vigild: Vigil access-control daemon"};
  std::string config_path;
  bool check_only = false;
  std::optional<std::uint16_t> broker_port;
  std::optional<std::string> journal_path;
  bool quiet = false;
  std::size_t journal_max_pending = 0;
  std::string log_level = "info";
  std::size_t overdue_check_ms = 60'000;
  cli.add_option("-c,--config", config_path, "site config (YAML)")->required();
  cli.add_flag("--check", check_only, "validate the config and exit");
  cli.add_option("--broker-port", broker_port, "override broker.port from the config");
  cli.add_option("--journal", journal_path, "override journal.path from the config");
  cli.add_flag("-q,--quiet", quiet, "do not log one line per event");
  cli.add_option("--journal-max-pending", journal_max_pending,
                 "events held in memory while journal commits fail (default 200000)")
      ->check(CLI::PositiveNumber);
  cli.add_option("--overdue-check-ms", overdue_check_ms,
                 "how often to look for overdue deficiencies, in ms (default 60000; once at start)")
      ->check(CLI::PositiveNumber);
  cli.add_option("--log-level", log_level,
                 "trace, debug, info, warning, error, critical or off (default info)")
      ->check([](const std::string& v) {
        return vigil::app::valid_log_level(v) ? std::string{} : "unknown log level '" + v + "'";
      });
  CLI11_PARSE(cli, argc, argv);

  auto loaded = vigil::config::load_site_config(config_path);
  if (!loaded) {
    std::cerr << vigil::config::to_string(loaded.diagnostics());
    std::cerr << "vigild: refusing to start: " << loaded.diagnostics().size() << " problem(s) in "
              << config_path << "\n";
    return 2;
  }
  if (check_only) {
    std::cout << config_path << ": ok\n";
    return 0;
  }
  vigil::config::SiteConfig config = std::move(loaded).value();
  if (broker_port) config.broker.port = *broker_port;
  if (journal_path) config.journal_path = *journal_path;

  vigil::app::setup_logging({.level = log_level});
  try {
    vigil::app::DaemonOptions options{.log_events = !quiet};
    options.checkpoint_every_events = config.checkpoint_every_events;
    options.checkpoint_every =
        std::chrono::duration_cast<std::chrono::milliseconds>(config.checkpoint_interval);
    options.journal_max_pending = journal_max_pending;
    options.overdue_check_every = std::chrono::milliseconds(overdue_check_ms);
    vigil::app::Daemon daemon(std::move(config), options);
    return daemon.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
