// People import from CSV, the format facilities staff export from HR sheets:
//   person_id,name,card,access_levels,active,valid_from,valid_until,clearance,clearance_expires
//   p01,"Müller, Anna",12:1001,staff;all-hours,true,2025-01-01,,secret,2027-06-30
// A header row is required (columns may come in any order; person_id, name
// and card are required). One bad row rejects the whole file: importing the
// good rows of a broken sheet would silently drop somebody's access or keep a
// leaver's card alive.
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <functional>
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

// The same file read in one pass with bounded memory (`vigilctl person
// import` of millions of rows): the file is read in chunks, every row is
// checked as it comes, and each row that passed goes to `on_row`; nothing
// else is kept but the ids and cards seen. The diagnostics are exactly
// parse_people_csv's. Rows before a bad one have already been handed over
// when the result is an error: the caller discards them (all or nothing).
struct PeopleScanOptions {
  const core::Site* site = nullptr;
  // Off for a second read of a file already checked: no id or card sets
  // are kept (the caller checks the file's hash is the one it checked).
  bool check_duplicates = true;
  std::function<void(std::string_view)> on_bytes;  // every byte read, in order (to hash them)
  std::function<void(core::Person&&, core::Credential&&)> on_row;
  // Keep each row's place (PeopleScan::places), so the rows can be read
  // again in person-id order (vigilctl person import, s25-import).
  bool keep_places = false;
};
// A row's bytes in the file, and its person id's first eight bytes as a
// big-endian number (person_id_key): sorting places by (key, offset) puts
// the rows in person-id order as far as the first eight bytes tell, and in
// file order among ids that share them. 24 bytes a row.
struct PeopleRowPlace {
  std::uint64_t key = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  auto operator<=>(const PeopleRowPlace&) const = default;
};
std::uint64_t person_id_key(std::string_view id);
struct PeopleScan {
  std::size_t rows = 0;
  bool sets_clearance = false;
  // With check_duplicates: every person id and card of the file, sorted.
  std::vector<core::PersonId> person_ids;
  std::vector<core::CardNumber> cards;
  // With keep_places: the header's bytes, and every row's, in file order.
  PeopleRowPlace header;
  std::vector<PeopleRowPlace> places;
};
Result<PeopleScan> scan_people_csv(const std::filesystem::path& path,
                                   const PeopleScanOptions& options);

}  // namespace vigil::config
