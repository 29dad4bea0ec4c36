// The one exception type of the journal library. It carries the SQLite result
// code so callers can tell a full disk (SQLITE_FULL, retried by JournalWriter)
// from a corrupt file or a schema from a newer Vigil (refuse to start).
#pragma once

#include <stdexcept>
#include <string>

namespace vigil::journal {

class JournalError : public std::runtime_error {
 public:
  // sqlite_code is the primary SQLite result code, or 0 for errors found by
  // Vigil itself (bad schema version, invalid import).
  JournalError(const std::string& what, int sqlite_code)
      : std::runtime_error(what), sqlite_code_(sqlite_code) {}

  int sqlite_code() const { return sqlite_code_; }
  // SQLITE_FULL: the disk (or the configured size cap) is full. Worth retrying
  // once space is freed; every other code usually is not.
  bool is_disk_full() const;
  // SQLITE_BUSY/SQLITE_LOCKED: another connection held the write lock for
  // longer than the busy timeout.
  bool is_busy() const;

 private:
  int sqlite_code_;
};

}  // namespace vigil::journal
