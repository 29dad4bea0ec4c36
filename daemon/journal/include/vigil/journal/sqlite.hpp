// The one SQLite layer of Vigil: RAII owners for a connection, statements
// (cached per connection), write and read transactions, busy handling. Every
// failing call becomes a JournalError naming the SQL and SQLite's message, so
// no caller can forget to check a result code. The journal, the people store,
// the MQTT outbox and the incident cursor all use it; nothing else in the tree
// calls sqlite3_prepare. Values are read with their stored type
// (value_type()): the journal's verify hashes the type, not just the bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vigil/journal/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::journal::sqlite {

// SQLite's fundamental datatypes, with SQLite's own codes (SQLITE_INTEGER...).
// The journal's hash input uses these numbers as type tags.
enum class ValueType : std::uint8_t { integer = 1, real = 2, text = 3, blob = 4, null = 5 };

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
  void bind(int index, std::optional<std::int64_t> value);       // nullopt -> NULL
  void bind_blob(int index, std::span<const std::uint8_t> bytes);
  void bind_null(int index);
  // Text and blobs bound without a copy (SQLITE_STATIC, s24-import): the
  // caller's buffer must stay unchanged until the step that reads it has
  // run. For rows written by the million (an import's events and rows).
  void bind_static(int index, std::string_view text);
  void bind_blob_static(int index, std::span<const std::uint8_t> bytes);

  // true while a row is available, false when done.
  bool step();
  void reset() noexcept;  // also clears bindings, ready for the next use
  // reset() keeping the bindings: for a statement whose every parameter is
  // bound again before each step (sqlite3_clear_bindings per row was a
  // visible share of an import's CPU). A static binding left behind points
  // at the caller's buffer until rebound; nothing reads it before then.
  void rewind() noexcept;

  // Columns are 0-based. The stored type of the column in the current row.
  ValueType value_type(int column) const;
  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_real(int column) const;
  std::string column_text(int column) const;
  std::string_view column_text_view(int column) const;  // valid until the next step/reset
  std::optional<std::string> column_optional_text(int column) const;
  std::optional<std::int64_t> column_optional_int(int column) const;
  std::span<const std::uint8_t> column_blob(int column) const;  // valid until next step/reset

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

struct OpenOptions {
  // How long a write waits for another connection's lock before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
  // WAL (readers never block the writer) and synchronous=FULL (a commit is
  // fsync'd before it returns). Every Vigil table wants both.
  bool durable = true;
  // Page size for a file this open creates (0: SQLite's default, 4096). An
  // existing file keeps its page size.
  int page_size = 0;
};

class Database {
 public:
  explicit Database(const std::filesystem::path& path, OpenOptions options = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  void exec(const char* sql);
  void exec(const std::string& sql) { exec(sql.c_str()); }
  // A prepared statement kept for the life of the connection: hot paths
  // prepare their SQL once, not per call.
  StatementUse cached(const std::string& sql);
  std::int64_t query_int(const char* sql);
  bool in_transaction() const;
  std::int64_t last_insert_rowid() const;
  std::int64_t changes() const;  // rows changed by the last statement
  const std::filesystem::path& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  bool switch_to_wal(std::chrono::milliseconds busy_timeout);
  static int wait_while_busy(void* self, int attempt);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::chrono::milliseconds busy_timeout_{0};
  std::chrono::steady_clock::time_point busy_since_{};  // first SQLITE_BUSY of this wait
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on scope exit unless committed.
// IMMEDIATE takes the write lock up front, so two writers wait on each other
// (busy_timeout) instead of failing later when a read upgrades to a write.
class Transaction {
 public:
  explicit Transaction(Database& db);
  // BEGIN IMMEDIATE locks every attached file too. This locks only what
  // `lock_statement` writes (run right after a deferred BEGIN; a write that
  // changes nothing does), so an attached file stays writable by another
  // connection until this transaction reads it (a first import's staging
  // file, s23-import).
  Transaction(Database& db, const char* lock_statement);
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
  explicit ReadTransaction(Database& db);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  Database& db_;
};

[[noreturn]] void throw_error(sqlite3* db, int code, std::string_view context);

}  // namespace vigil::journal::sqlite
