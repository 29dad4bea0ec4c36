// vigilctl's commands as functions over streams, so tests run them in-process
// and read exactly what a user would see. Each returns the exit code.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace vigil::ctl {

int config_check(const std::string& path, std::ostream& out, std::ostream& err);

struct ImportArgs {
  std::string csv_path;
  std::string config_path;             // site config: journal path and access levels
  std::optional<std::string> db_path;  // overrides the config's journal path
};
int person_import(const ImportArgs& args, std::ostream& out, std::ostream& err);

struct QueryArgs {
  std::string journal_path;
  std::optional<std::string> person, zone, door;
  std::optional<std::string> from, to;  // ISO 8601: 2026-11-25 or 2026-11-25T10:00:00Z
  std::string format = "table";         // table | csv | json
  std::optional<std::size_t> limit;
};
int log_query(const QueryArgs& args, std::ostream& out, std::ostream& err);

int log_verify(const std::string& journal_path, std::ostream& out, std::ostream& err);

// Journal path from --journal, else from the site config's journal.path.
std::optional<std::string> resolve_journal(const std::optional<std::string>& journal,
                                           const std::optional<std::string>& config,
                                           std::ostream& err);

}  // namespace vigil::ctl
