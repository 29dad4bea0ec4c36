// People import from CSV, the format facilities staff export from HR sheets:
//   person_id,name,card,access_levels,active,valid_from,valid_until,clearance,clearance_expires
//   p01,"Müller, Anna",12:1001,staff;all-hours,true,2025-01-01,,secret,2027-06-30
// A header row is required (columns may come in any order; person_id, name
// and card are required). One bad row rejects the whole file: importing the
// good rows of a broken sheet would silently drop somebody's access or keep a
// leaver's card alive.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::config {

// A random key for the rows' digests (SipHash-2-4), made afresh for each
// import: without it nobody can write a row with the digest of another.
using RowDigestKey = std::array<std::uint8_t, 16>;

struct PeopleImport {
  std::vector<core::Person> people;
  std::vector<core::Credential> credentials;  // one per person, in file order
  // The header has a clearance column: the file sets clearances (an empty
  // cell removes one). Without it, stored clearances stay.
  bool sets_clearance = false;
  // With a digest key: the header's digest and each row's, in order (the
  // digest covers the record's fields as parsed, each with its length).
  std::uint64_t header_digest = 0;
  std::vector<std::uint64_t> row_digests;
};

// Validity dates are whole days in UTC: valid_from starts at 00:00 of its day,
// valid_until ends at the last microsecond of its day.
Result<PeopleImport> parse_people_csv(const std::filesystem::path& path);

// As above, and also checks every access level id against the site; validity
// days are read in the site's time zone.
Result<PeopleImport> parse_people_csv(const std::filesystem::path& path, const core::Site& site);

// Text already in memory; `file_name` names it in diagnostics. `site` may be
// null; with `digest_key`, the result also has the header's and rows' digests.
Result<PeopleImport> parse_people_csv_text(std::string_view text, const std::string& file_name,
                                           const core::Site* site,
                                           const RowDigestKey* digest_key = nullptr);

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
  // With keep_places: each place (and the header's) also keeps the digest
  // of its fields under this key, so a row read back by position can be
  // proved to be the row this pass checked (the file may change between).
  std::optional<RowDigestKey> row_digest_key;
};
// A row's bytes in the file, and its person id's first eight bytes as a
// big-endian number (person_id_key): sorting places by (key, offset) puts
// the rows in person-id order as far as the first eight bytes tell, and in
// file order among ids that share them. `digest`: the fields' digest under
// PeopleScanOptions::row_digest_key (0 without one). 32 bytes a row.
struct PeopleRowPlace {
  std::uint64_t key = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint64_t digest = 0;
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
