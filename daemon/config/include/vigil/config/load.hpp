// Loading a site config file: parse (YAML into a positioned draft), validate
// (references, duplicates, shared points, time zone), build (the core Site and
// the shell's device configs). The three steps never interleave, so a file
// with ten mistakes yields ten diagnostics and no half-built site.
// The schema is documented key by key in docs/config.md.
#pragma once

#include <filesystem>
#include <string_view>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/site_config.hpp"

namespace vigil::config {

// Where TZif files live: $TZDIR when set (the variable glibc's tzset reads;
// gateways with tzdata elsewhere, and tests with a zone of their own),
// otherwise /usr/share/zoneinfo.
std::filesystem::path default_zoneinfo_dir();

struct LoadOptions {
  // `time_zone: Europe/Berlin` reads <dir>/Europe/Berlin.
  std::filesystem::path zoneinfo_dir = default_zoneinfo_dir();
};

// Reads and checks the file. Relative paths inside it (journal, sim GPIO
// sockets) resolve against the file's directory and come back absolute.
Result<SiteConfig> load_site_config(const std::filesystem::path& path,
                                    const LoadOptions& options = {});

// The same, for text already in memory; `as_path` names it in diagnostics
// and anchors relative paths.
Result<SiteConfig> load_site_config_from_string(std::string_view yaml,
                                                const std::filesystem::path& as_path,
                                                const LoadOptions& options = {});

// For callers that refuse to start on a bad config: throws ConfigError.
SiteConfig load_site_config_or_throw(const std::filesystem::path& path,
                                     const LoadOptions& options = {});

}  // namespace vigil::config
