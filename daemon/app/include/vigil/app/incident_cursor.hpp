// IncidentCursor: the highest journal seq whose incidents are safely in the
// MQTT outbox. On start, vigild replays the journal after the cursor through
// the incident rules, so an incident whose event was committed just before a
// crash (SIGKILL, power loss) still reaches the console. Consoles drop the
// rare duplicate by the incident id (site/gateway/seq).
//
// advance() moves the cursor on another connection to the same file, inside
// that connection's transaction: the journal's append hook uses it so the
// cursor commits with the events and their outbox rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "vigil/journal/sqlite.hpp"

namespace vigil::app {

class IncidentCursor {
 public:
  explicit IncidentCursor(const std::filesystem::path& db_path);
  ~IncidentCursor();
  IncidentCursor(const IncidentCursor&) = delete;
  IncidentCursor& operator=(const IncidentCursor&) = delete;

  std::uint64_t load() const;
  void store(std::uint64_t seq);

  // Creates the table if missing (the constructor does too).
  static void create_table(journal::sqlite::Database& db);
  // Moves the cursor forward to `seq` (never back) on `db`, in whatever
  // transaction it has open. Throws journal::JournalError.
  static void advance(journal::sqlite::Database& db, std::uint64_t seq);

 private:
  std::unique_ptr<journal::sqlite::Database> db_;
};

}  // namespace vigil::app
