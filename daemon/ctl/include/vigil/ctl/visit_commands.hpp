// vigilctl visit add|end|list|show (issue 8, item 6): visits of visitors and
// foreign delegations, each change journalled through journal::Roster like
// trips; a running vigild applies it with the roster version. Served on
// vigild's control socket with the same roles as `trip`.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace vigil::ctl {

struct VisitAddArgs {
  std::string db_path;
  std::string visitor;  // person id of the visitor (enrolled with their visitor card)
  std::string host;     // person id of the member of staff who hosts the visit
  std::string purpose;
  std::string organisation;
  std::string delegation;  // may be empty
  std::string first_day;   // YYYY-MM-DD, site local
  std::string last_day;    // inclusive
  std::vector<std::string> zones;
  // With a site config, every zone must be one of its zones.
  std::optional<std::string> config_path;
};

int visit_add(const VisitAddArgs& args, std::ostream& out, std::ostream& err);
int visit_end(const std::string& db_path, const std::string& visit, const std::string& reason,
              std::ostream& out, std::ostream& err);
// One line per visit, all or one visitor's, by first day.
int visit_list(const std::string& db_path, const std::optional<std::string>& visitor,
               std::ostream& out, std::ostream& err);
// The visit and its entries: every access verdict of the visitor that names
// the visit (granted, refused, waiting for the escort), oldest first.
int visit_show(const std::string& db_path, const std::string& visit, std::ostream& out,
               std::ostream& err);

}  // namespace vigil::ctl
