// A checked people file read again in person-id order (s25-import): the
// check pass keeps each row's place (key, offset, size); these rows are
// read back by position, a batch at a time, and parsed with the same rules.
#pragma once

#include <string>
#include <vector>

#include "vigil/config/people_csv.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {

// Sorts `places` by (id key, offset). False when they already were in that
// order (the file is in person-id order: read it front to back as before).
bool sort_into_id_order(std::vector<config::PeopleRowPlace>& places);

// RosterStream::read for a file whose places were sorted: hands the rows to
// `batch` in that order, `batch_rows` at a time, then hashes the whole file
// and returns its hex SHA-256. "unreadable" if a row no longer parses or
// its fields' digest under `row_key` is not the one the check pass kept
// (the row changed since; that batch is not handed over).
std::string read_in_id_order(const std::string& path, const config::PeopleRowPlace& header,
                             const std::vector<config::PeopleRowPlace>& places,
                             const config::RowDigestKey& row_key, const core::Site* rules,
                             std::size_t batch_rows, const journal::RosterStream::Batch& batch);

}  // namespace vigil::ctl
