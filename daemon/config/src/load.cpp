// The loader: read the file, parse every section into a draft, validate the
// draft, and build a SiteConfig only when nothing was wrong.
#include "vigil/config/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "draft.hpp"

namespace vigil::config {
namespace {

const std::vector<std::string> kSections{"site",
                                         "journal",
                                         "broker",
                                         "incidents",
                                         "devices",
                                         "wiegand_formats",
                                         "zones",
                                         "doors",
                                         "access_levels",
                                         "holiday_schedules",
                                         "holiday_calendars",
                                         "readers",
                                         "control",
                                         "operators",
                                         "commands",
                                         "pin",
                                         "alarm_zones",
                                         "fire",
                                         "inspections"};

void sort_by_position(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    return std::pair{a.line, a.col} < std::pair{b.line, b.col};
  });
}

}  // namespace

Result<SiteConfig> load_site_config_from_string(std::string_view yaml,
                                                const std::filesystem::path& as_path,
                                                const LoadOptions& options) {
  Diagnostics diag(as_path.string());
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // yaml-cpp stops at the first syntax error; nothing after it can be trusted.
    diag.error(e.mark.is_null() ? Pos{} : Pos{e.mark.line + 1, e.mark.column + 1},
               "invalid YAML: " + e.msg);
    return diag.take();
  }
  if (!root.IsDefined() || root.IsNull()) {
    diag.error({}, "the config file is empty (it needs at least a 'site' section)");
    return diag.take();
  }

  // Parse.
  Draft draft;
  draft.source = as_path;
  MapReader top(root, "the config file", kSections, diag);
  if (!top.ok()) return diag.take();
  using Section = void (*)(const YAML::Node&, Draft&, Diagnostics&);
  const std::vector<std::pair<const char*, Section>> sections{
      {"site", parse_site},
      {"journal", parse_journal},
      {"broker", parse_broker},
      {"incidents", parse_incidents},
      {"devices", parse_devices},
      {"wiegand_formats", parse_wiegand_formats},
      {"zones", parse_zones},
      {"doors", parse_doors},
      {"readers", parse_readers},
      {"access_levels", parse_access_levels},
      {"holiday_schedules", parse_holiday_schedules},
      {"holiday_calendars", parse_holiday_calendars},
      {"control", parse_control},
      {"operators", parse_operators},
      {"commands", parse_commands},
      {"pin", parse_pin},
      {"alarm_zones", parse_alarm_zones},
      {"fire", parse_fire},
      {"inspections", parse_inspections},
  };
  for (const auto& [name, parse] : sections) {
    const YAML::Node node =
        top.get(name, name == std::string_view("site") ? Need::required : Need::optional);
    if (node.IsDefined()) parse(node, draft, diag);
  }

  // Validate.
  Resolved resolved = validate(draft, options, diag);
  if (!diag.empty()) {
    std::vector<Diagnostic> all = diag.take();
    sort_by_position(all);
    return all;
  }

  // Build.
  SiteConfig config = build(std::move(draft), std::move(resolved));
  config.source_text = std::string(yaml);
  return config;
}

std::filesystem::path default_zoneinfo_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir && *dir ? std::filesystem::path(dir) : std::filesystem::path("/usr/share/zoneinfo");
}

Result<SiteConfig> load_site_config(const std::filesystem::path& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::vector<Diagnostic>{
        {path.string(), 0, 0, std::string("cannot read the file: ") + std::strerror(errno)}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_site_config_from_string(text.str(), path, options);
}

SiteConfig load_site_config_or_throw(const std::filesystem::path& path,
                                     const LoadOptions& options) {
  return load_site_config(path, options).value();
}

}  // namespace vigil::config
