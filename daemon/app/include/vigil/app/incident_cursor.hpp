// IncidentCursor: the highest journal seq whose incidents are safely in the
// MQTT outbox. vigild's IncidentPipeline moves it with advance() in the
// journal writer's transaction, so it commits with the events and their
// outbox rows; at start the pipeline replays the journal after it (only
// events written by an older vigild or without the hook are found there).
// Consoles drop any duplicate by the incident id (site/gateway/seq).
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
