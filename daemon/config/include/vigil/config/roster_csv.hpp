// Trips and visits imported from CSV (issue 8: "people, flags, visits and
// trips are managed with vigilctl ... and CSV import"), the sheets a travel
// office or a visitor desk keeps:
//   person_id,first_day,last_day,destination,approval
//   p07,2026-12-01,2026-12-05,XX,TRAVEL-2026-118
//   visitor,host,purpose,organisation,delegation,first_day,last_day,zones
//   v01,p02,"audit, phase 2",Ministry of X,DEL-9,2026-12-01,2026-12-03,lobby;vault
// A header row is required (columns in any order; only `delegation` may be
// left out). One bad row rejects the whole file, as for people: a half
// imported travel sheet would leave a cloned card working for some trips.
// Diagnostics carry the CSV column (1-based) as `col` and name the field.
// Whether the people exist is for the roster to say (vigilctl checks the
// database with the same positions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/core/integrity.hpp"
#include "vigil/core/site.hpp"
#include "vigil/core/visit.hpp"

namespace vigil::config {

// Where a row's value came from, for diagnostics found after parsing.
struct CsvPlace {
  int line = 0;
  std::vector<int> cols;  // 1-based column of each field, in the parser's column order
};

struct TripRow {
  CsvPlace place;
  core::PersonId person;
  core::Trip trip;  // id 0: the roster assigns it
};

struct VisitRow {
  CsvPlace place;
  core::Visit visit;  // id 0: the roster assigns it
};

// The parser's column order, the order CsvPlace::cols follows.
const std::vector<std::string>& trip_csv_columns();   // person_id,first_day,last_day,...
const std::vector<std::string>& visit_csv_columns();  // visitor,host,purpose,...

// `file_name` names the text in diagnostics. With a site, every zone of a
// visit must be one of its zones.
Result<std::vector<TripRow>> parse_trips_csv_text(std::string_view text,
                                                  const std::string& file_name);
Result<std::vector<VisitRow>> parse_visits_csv_text(std::string_view text,
                                                    const std::string& file_name,
                                                    const core::Site* site);

}  // namespace vigil::config
