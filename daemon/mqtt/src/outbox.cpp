#include "vigil/mqtt/outbox.hpp"

#include <sqlite3.h>

#include <chrono>

namespace vigil::mqtt {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids never reused, so order is total
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  enqueued_at_us INTEGER NOT NULL        -- wall clock, for "how long was this pending"
);
)sql";

// The journal's group commit may hold the write lock for a moment; wait for
// it rather than fail an incident.
constexpr int kBusyTimeoutMs = 5000;

std::string message(sqlite3* db, std::string_view what) {
  return std::string(what) + ": " + sqlite3_errmsg(db);
}

// Resets a cached statement on every path out, so the next call starts clean.
class Use {
 public:
  explicit Use(sqlite3_stmt* s) : s_(s) {}
  ~Use() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  sqlite3_stmt* s_;
};

}  // namespace

Outbox::Outbox(const std::filesystem::path& database) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(database.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string error = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw OutboxError("outbox: cannot open " + database.string() + ": " + error);
  }
  auto exec = [&](const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      const std::string error = message(db_, std::string("outbox: ") + sql);
      sqlite3_close(db_);
      throw OutboxError(error + " (" + database.string() + ")");
    }
  };
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  exec("PRAGMA journal_mode=WAL");  // shared with the journal; readers never block the writer
  exec("PRAGMA synchronous=FULL");  // fsync the WAL on every commit: durable on return
  exec(kSchema);

  auto prepare = [&](const char* sql, sqlite3_stmt** stmt) {
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK) {
      const std::string error = message(db_, std::string("outbox: prepare ") + sql);
      close();  // the destructor does not run for a constructor that throws
      throw OutboxError(error);
    }
  };
  prepare("INSERT INTO outbox (topic, payload, enqueued_at_us) VALUES (?1, ?2, ?3)", &insert_);
  prepare("SELECT id, topic, payload FROM outbox ORDER BY id LIMIT ?1", &peek_);
  prepare("DELETE FROM outbox WHERE id = ?1", &delete_);
  prepare("SELECT COUNT(*) FROM outbox", &count_);
}

Outbox::~Outbox() {
  close();
}

void Outbox::close() noexcept {
  for (sqlite3_stmt** s : {&insert_, &peek_, &delete_, &count_}) {
    sqlite3_finalize(*s);
    *s = nullptr;
  }
  sqlite3_close(db_);
  db_ = nullptr;
}

EnqueueResult Outbox::enqueue(std::string_view topic, std::string_view payload) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  std::lock_guard lock(mutex_);
  Use use(insert_);
  sqlite3_bind_text(insert_, 1, topic.data(), static_cast<int>(topic.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 2, payload.data(), static_cast<int>(payload.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert_, 3, now.time_since_epoch().count());
  if (sqlite3_step(insert_) != SQLITE_DONE) return {0, message(db_, "outbox: enqueue")};
  return {sqlite3_last_insert_rowid(db_), {}};
}

std::vector<OutboxMessage> Outbox::peek(std::size_t n) const {
  std::lock_guard lock(mutex_);
  Use use(peek_);
  sqlite3_bind_int64(peek_, 1, static_cast<sqlite3_int64>(n));
  std::vector<OutboxMessage> out;
  int rc;
  while ((rc = sqlite3_step(peek_)) == SQLITE_ROW) {
    auto text = [&](int col) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(peek_, col));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(peek_, col)));
    };
    out.push_back(OutboxMessage{sqlite3_column_int64(peek_, 0), text(1), text(2)});
  }
  if (rc != SQLITE_DONE) throw OutboxError(message(db_, "outbox: peek"));
  return out;
}

bool Outbox::remove(std::int64_t id) {
  std::lock_guard lock(mutex_);
  Use use(delete_);
  sqlite3_bind_int64(delete_, 1, id);
  if (sqlite3_step(delete_) != SQLITE_DONE) throw OutboxError(message(db_, "outbox: remove"));
  return sqlite3_changes(db_) == 1;
}

std::size_t Outbox::size() const {
  std::lock_guard lock(mutex_);
  Use use(count_);
  if (sqlite3_step(count_) != SQLITE_ROW) throw OutboxError(message(db_, "outbox: size"));
  return static_cast<std::size_t>(sqlite3_column_int64(count_, 0));
}

}  // namespace vigil::mqtt
