// Opening a format v1 journal (user_version 1) migrates it to v2 in the
// opening transaction: the v1 rows are re-chained into a v2 journal with a new
// journal id, keeping their order and numbers, and one journal_integrity row
// is appended that records the v1 chain's head, its row count and whether it
// verified. The v1 table stays, renamed events_v1, so that recorded head can
// still be checked with the v1 script. See docs/journal.md, "Format v1".
#pragma once

#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

// Call inside a write transaction on a version 1 file; leaves the caller to
// set user_version and commit.
void migrate_v1(sqlite::Database& db);

}  // namespace vigil::journal
