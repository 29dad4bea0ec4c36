#include "vigil/journal/command_nonces.hpp"

#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

CommandNonces::CommandNonces(const std::filesystem::path& db)
    : db_(std::make_unique<sqlite::Database>(db)) {
  // Not part of the hash chain: what a command did (or why it was refused)
  // is a journal event; this only remembers which nonces were spent.
  db_->exec(
      "CREATE TABLE IF NOT EXISTS command_nonces("
      " nonce TEXT PRIMARY KEY,"
      " operator TEXT NOT NULL,"
      " signed_at INTEGER NOT NULL,"
      " seen_at INTEGER NOT NULL) STRICT");
}

CommandNonces::~CommandNonces() = default;

bool CommandNonces::claim(const std::string& nonce, const std::string& operator_name,
                          core::TimePoint signed_at, core::TimePoint now,
                          std::chrono::milliseconds max_skew) {
  sqlite::Transaction tx(*db_);
  {
    auto prune = db_->cached("DELETE FROM command_nonces WHERE signed_at < ?");
    prune->bind(1, core::to_unix_micros(now - 2 * max_skew));
    prune->step();
  }
  bool fresh = false;
  {
    auto insert = db_->cached(
        "INSERT OR IGNORE INTO command_nonces(nonce, operator, signed_at, seen_at)"
        " VALUES(?, ?, ?, ?)");
    insert->bind(1, std::string_view(nonce));
    insert->bind(2, std::string_view(operator_name));
    insert->bind(3, core::to_unix_micros(signed_at));
    insert->bind(4, core::to_unix_micros(now));
    insert->step();
    fresh = db_->changes() == 1;
  }
  tx.commit();
  return fresh;
}

std::int64_t CommandNonces::count() {
  return db_->query_int("SELECT count(*) FROM command_nonces");
}

}  // namespace vigil::journal
