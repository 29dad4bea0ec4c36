#include "vigil/journal/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>

namespace vigil::journal {

bool JournalError::is_disk_full() const {
  return sqlite_code_ == SQLITE_FULL;
}
bool JournalError::is_busy() const {
  return sqlite_code_ == SQLITE_BUSY || sqlite_code_ == SQLITE_LOCKED;
}

}  // namespace vigil::journal

namespace vigil::journal::sqlite {

void throw_error(sqlite3* db, int code, std::string_view context) {
  std::string what{context};
  what += ": ";
  what += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw JournalError(what, code & 0xff);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_error(db, rc, "prepare `" + std::string{sql} + "`");
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind(int index, const std::optional<std::string>& text) {
  if (text) {
    bind(index, std::string_view{*text});
  } else {
    bind_null(index);
  }
}

void Statement::bind(int index, std::optional<std::int64_t> value) {
  if (value) {
    bind(index, *value);
  } else {
    bind_null(index);
  }
}

void Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind_static(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind_blob_static(int index, std::span<const std::uint8_t> bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

void Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_error(db_, rc, std::string{"step `"} + sqlite3_sql(stmt_) + "`");
}

void Statement::reset() noexcept {
  // The result repeats the last step's error, which step() already reported.
  (void)sqlite3_reset(stmt_);
  (void)sqlite3_clear_bindings(stmt_);
}

void Statement::rewind() noexcept {
  (void)sqlite3_reset(stmt_);
}

ValueType Statement::value_type(int column) const {
  return static_cast<ValueType>(sqlite3_column_type(stmt_, column));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::column_real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : std::string{};
}

std::string_view Statement::column_text_view(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return text != nullptr ? std::string_view(reinterpret_cast<const char*>(text), size)
                         : std::string_view{};
}

std::optional<std::int64_t> Statement::column_optional_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int(column);
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

std::span<const std::uint8_t> Statement::column_blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return data != nullptr ? std::span<const std::uint8_t>{data, size}
                         : std::span<const std::uint8_t>{};
}

Database::Database(const std::filesystem::path& path, OpenOptions options) : path_(path) {
  // Memory statistics take a global mutex around every SQLite allocation
  // (several per inserted row); Vigil never reads them. Only possible before
  // SQLite initializes, so once, before the first open; later it is a no-op.
  static const bool memstatus_off = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)memstatus_off;
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string context = "open " + path.string();
    sqlite3* db = std::exchange(db_, nullptr);
    std::string what = context + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    throw JournalError(what, rc & 0xff);
  }
  sqlite3_extended_result_codes(db_, 1);
  busy_timeout_ = options.busy_timeout;
  sqlite3_busy_handler(db_, &Database::wait_while_busy, this);
  if (options.durable) {
    try {
      // WAL: readers (vigilctl queries) never block the writer.
      // synchronous=FULL fsyncs the WAL on every commit, which is what makes a
      // write durable on return; NORMAL would lose the last commits on power
      // failure.
      // Only a new, empty file takes a page size; SQLite ignores it later.
      if (options.page_size) exec("PRAGMA page_size=" + std::to_string(options.page_size));
      const bool wal = switch_to_wal(options.busy_timeout);
      if (!wal) throw JournalError(path.string() + ": cannot switch to WAL mode", 0);
      exec("PRAGMA synchronous=FULL");
    } catch (...) {
      sqlite3_close(std::exchange(db_, nullptr));  // no destructor after a throwing constructor
      throw;
    }
  }
}

// The busy handler, in place of sqlite3_busy_timeout(), which sleeps a whole
// millisecond first, then 2, 5, 10 ... 100 ms. vigild's own connections hold
// the write lock for one commit, 0.1-0.3 ms on an idle disk (the journal
// writer's group commit, the outbox's delete after a PUBACK), and a first
// sleep of 1 ms put a millisecond on a forced door's way to the console
// whenever two of them met (docs/benchmarks.md, "s21-latency"). This sleeps
// 25 us first and doubles up to 100 ms, within the same timeout, measured on
// the clock rather than summed: about a dozen sleeps for the first 100 ms,
// no more wake-ups than SQLite's own handler for a lock held for seconds.
int Database::wait_while_busy(void* self, int attempt) {
  using namespace std::chrono;
  auto& db = *static_cast<Database*>(self);
  const auto now = steady_clock::now();
  if (attempt == 0) db.busy_since_ = now;
  const auto waited = now - db.busy_since_;
  if (waited >= db.busy_timeout_) return 0;  // SQLITE_BUSY to the caller
  constexpr auto kFirst = microseconds{25};
  constexpr auto kLongest = milliseconds{100};
  const auto step = attempt >= 12
                        ? duration_cast<steady_clock::duration>(kLongest)
                        : std::min<steady_clock::duration>(kFirst * (1 << attempt), kLongest);
  std::this_thread::sleep_for(std::min<steady_clock::duration>(step, db.busy_timeout_ - waited));
  return 1;  // try again
}

// While one connection switches a new file to WAL, another's
// `PRAGMA journal_mode=WAL` can get SQLITE_BUSY without SQLite calling the
// busy handler (vigild's threads opening the journal at its first start made
// it fatal in CI). Retry within the busy timeout, as every other lock wait
// does (SqliteOpen.FourConnectionsOpeningANewFileTogetherAllSucceed).
bool Database::switch_to_wal(std::chrono::milliseconds busy_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  auto pause = std::chrono::milliseconds{1};
  for (;;) {
    try {
      Statement mode{db_, "PRAGMA journal_mode=WAL"};
      return mode.step() && mode.column_text(0) == "wal";
    } catch (const JournalError& e) {
      if (!e.is_busy() || std::chrono::steady_clock::now() + pause > deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{50});
  }
}

Database::~Database() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

void Database::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = std::string{"exec `"} + sql + "`: " + (message ? message : "");
    sqlite3_free(message);
    throw JournalError(what, rc & 0xff);
  }
}

StatementUse Database::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
  }
  return StatementUse{*it->second};
}

std::int64_t Database::query_int(const char* sql) {
  Statement statement{db_, sql};
  return statement.step() ? statement.column_int(0) : 0;
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

// BEGIN IMMEDIATE and COMMIT are prepared once per connection and kept, as
// every other statement of the hot paths: sqlite3_exec() parsed and
// code-generated both for each of the journal writer's commits, with the
// parser's tables cold after an idle 100 ms (docs/design.md, s25-forced).
Transaction::Transaction(Database& db) : db_(db) {
  db_.cached("BEGIN IMMEDIATE")->step();
}

Transaction::Transaction(Database& db, const char* lock_statement) : db_(db) {
  db_.exec("BEGIN");
  try {
    db_.exec(lock_statement);
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

Transaction::~Transaction() {
  // After some errors (SQLITE_FULL among them) SQLite has already rolled the
  // transaction back; a second ROLLBACK would fail, so only roll back if open.
  if (open_ && db_.in_transaction()) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  db_.cached("COMMIT")->step();
  open_ = false;
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  db_.exec("BEGIN");
}

ReadTransaction::~ReadTransaction() {
  if (db_.in_transaction()) sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace vigil::journal::sqlite
