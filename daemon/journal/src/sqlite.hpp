// Thin RAII owners for sqlite3 handles, private to the journal library. Every
// failing call becomes a JournalError naming the SQL and SQLite's message, so
// no caller can forget to check a result code.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vigil/journal/error.hpp"

namespace vigil::journal::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text and blobs are copied
  // (SQLITE_TRANSIENT) so the caller's buffers need not outlive the step.
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);
  void bind(int index, const std::optional<std::string>& text);  // nullopt -> NULL
  void bind_blob(int index, std::span<const std::uint8_t> bytes);
  void bind_null(int index);

  // true while a row is available, false when done.
  bool step();
  void reset() noexcept;  // also clears bindings, ready for the next use

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  std::span<const std::uint8_t> column_blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A cached statement in use; resets it when the use ends. Resetting matters in
// WAL mode: a statement left mid-step keeps its read snapshot open, which
// stops checkpoints from shrinking the WAL.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_(statement) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() { statement_.reset(); }
  Statement* operator->() { return &statement_; }
  Statement& operator*() { return statement_; }

 private:
  Statement& statement_;
};

class Database {
 public:
  explicit Database(const std::filesystem::path& path);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  void exec(const char* sql);
  // A prepared statement kept for the life of the connection: the append and
  // query paths prepare their SQL once, not per call.
  StatementUse cached(const std::string& sql);
  std::int64_t query_int(const char* sql);
  bool in_transaction() const;
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on scope exit unless committed.
// IMMEDIATE takes the write lock up front, so two writers wait on each other
// (busy_timeout) instead of failing later when a read upgrades to a write.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

// BEGIN (deferred) ... COMMIT: several statements read one snapshot.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db) { db_.exec("BEGIN"); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction() {
    if (db_.in_transaction()) sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
  }

 private:
  Database& db_;
};

[[noreturn]] void throw_error(sqlite3* db, int code, std::string_view context);

}  // namespace vigil::journal::sqlite
