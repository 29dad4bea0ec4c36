// The nonces of signed MQTT commands (docs/commands.md), in a STRICT table
// of the journal's database so that a replayed command is refused after a
// restart too. claim() is the replay check and the record in one statement
// (INSERT OR IGNORE on the primary key), committed before the command runs:
// a crash between the claim and the command's journal record leaves a nonce
// used with no record, which refuses a replay rather than allowing one.
// Rows older than the skew window are pruned: a command signed before then
// is refused as stale before its nonce is looked at.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "vigil/core/time.hpp"

namespace vigil::journal {

namespace sqlite {
class Database;
}

class CommandNonces {
 public:
  explicit CommandNonces(const std::filesystem::path& db);
  ~CommandNonces();
  CommandNonces(const CommandNonces&) = delete;
  CommandNonces& operator=(const CommandNonces&) = delete;

  // True when `nonce` had not been used (it is now); false for a replay.
  // Prunes nonces signed more than 2 * max_skew before `now`. Throws
  // JournalError when the database fails.
  bool claim(const std::string& nonce, const std::string& operator_name, core::TimePoint signed_at,
             core::TimePoint now, std::chrono::milliseconds max_skew);
  std::int64_t count();

 private:
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace vigil::journal
