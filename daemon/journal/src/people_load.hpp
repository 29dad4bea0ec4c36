// The people store's bulk read (issue 8: 2,000,000 people on a two-core
// gateway, s23-start): one thread steps SQLite and decodes the rows (ids,
// names, levels, clearances, cards, PIN hashes) into batches while the
// calling thread fills the directory from them, so the start uses both
// cores. The directory ends exactly as a row-by-row load leaves it: people
// at the positions of the people table's order, each card and PIN with its
// person. Private to the journal library (people_store.cpp).
#pragma once

#include "vigil/core/people.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

// Reads people, levels, credentials and PINs from `db` (inside the
// caller's read transaction, so from one snapshot). `db` is used by the
// decoding thread until the rows are read and by the caller afterwards,
// never by both at once. Risks, visits and lockdowns are the caller's.
core::PeopleDirectory load_people_rows(sqlite::Database& db);

}  // namespace vigil::journal
