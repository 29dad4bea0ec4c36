// People import from CSV, the format facilities staff export from HR sheets:
//   person_id,name,card,access_levels,active,valid_from,valid_until,clearance,clearance_expires
//   p01,"Müller, Anna",12:1001,staff;all-hours,true,2025-01-01,,secret,2027-06-30
// A header row is required (columns may come in any order; person_id, name
// and card are required). One bad row rejects the whole file: importing the
// good rows of a broken sheet would silently drop somebody's access or keep a
// leaver's card alive.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::config {

struct PeopleImport {
  std::vector<core::Person> people;
  std::vector<core::Credential> credentials;  // one per person, in file order
  // The header has a clearance column: the file sets clearances (an empty
  // cell removes one). Without it, stored clearances stay.
  bool sets_clearance = false;
};

// Validity dates are whole days in UTC: valid_from starts at 00:00 of its day,
// valid_until ends at the last microsecond of its day.
Result<PeopleImport> parse_people_csv(const std::filesystem::path& path);

// As above, and also checks every access level id against the site; validity
// days are read in the site's time zone.
Result<PeopleImport> parse_people_csv(const std::filesystem::path& path, const core::Site& site);

// Text already in memory; `file_name` names it in diagnostics. `site` may be null.
Result<PeopleImport> parse_people_csv_text(std::string_view text, const std::string& file_name,
                                           const core::Site* site);

core::PeopleDirectory make_directory(const PeopleImport& import);

}  // namespace vigil::config
