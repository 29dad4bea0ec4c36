#include "vigil/mqtt/outbox.hpp"

#include <chrono>

namespace vigil::mqtt {
namespace {

namespace sqlite = journal::sqlite;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids never reused, so order is total
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  enqueued_at_us INTEGER NOT NULL,       -- wall clock, for "how long was this pending"
  qos INTEGER NOT NULL DEFAULT 1,        -- 1: incidents and, when so configured, events; 0: events
  retain INTEGER NOT NULL DEFAULT 0      -- 1: published retained (incident-state/<id>)
);
)sql";

// The journal's group commit may hold the write lock for a moment; wait for
// it rather than fail an incident.
constexpr std::chrono::milliseconds kBusyTimeout{5000};

}  // namespace

void Outbox::create_table(sqlite::Database& db) {
  db.exec(kSchema);
  // An outbox from before per-row QoS: its rows are incidents, QoS 1.
  if (db.query_int("SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'qos'") == 0) {
    db.exec("ALTER TABLE outbox ADD COLUMN qos INTEGER NOT NULL DEFAULT 1");
  }
  // An outbox from before retained rows: none of its rows is retained.
  if (db.query_int("SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'retain'") == 0) {
    db.exec("ALTER TABLE outbox ADD COLUMN retain INTEGER NOT NULL DEFAULT 0");
  }
}

std::int64_t Outbox::insert(sqlite::Database& db, std::string_view topic, std::string_view payload,
                            int qos, bool retain) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  auto insert = db.cached(
      "INSERT INTO outbox (topic, payload, enqueued_at_us, qos, retain) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  insert->bind(1, topic);
  insert->bind(2, payload);
  insert->bind(3, static_cast<std::int64_t>(now.time_since_epoch().count()));
  insert->bind(4, static_cast<std::int64_t>(qos == 0 ? 0 : 1));
  insert->bind(5, static_cast<std::int64_t>(retain ? 1 : 0));
  insert->step();
  return db.last_insert_rowid();
}

Outbox::Outbox(const std::filesystem::path& database) {
  try {
    // WAL (shared with the journal; readers never block the writer) and
    // synchronous=FULL (fsync the WAL on every commit: durable on return).
    db_ = std::make_unique<sqlite::Database>(
        database, sqlite::OpenOptions{.busy_timeout = kBusyTimeout, .durable = true});
    create_table(*db_);
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: "} + error.what());
  }
}

Outbox::~Outbox() = default;

EnqueueResult Outbox::enqueue(std::string_view topic, std::string_view payload) {
  std::lock_guard lock(mutex_);
  try {
    return {insert(*db_, topic, payload), {}};
  } catch (const journal::JournalError& error) {
    return {0, std::string{"outbox: enqueue: "} + error.what()};
  }
}

std::vector<OutboxMessage> Outbox::peek(std::size_t n) const {
  return peek_after(0, n);
}

std::vector<OutboxMessage> Outbox::peek_after(std::int64_t after, std::size_t n) const {
  std::lock_guard lock(mutex_);
  std::vector<OutboxMessage> out;
  try {
    auto select = db_->cached(
        "SELECT id, topic, payload, qos, retain FROM outbox WHERE id > ?2 ORDER BY id LIMIT ?1");
    select->bind(1, static_cast<std::int64_t>(n));
    select->bind(2, after);
    while (select->step()) {
      out.push_back(OutboxMessage{select->column_int(0), select->column_text(1),
                                  select->column_text(2), static_cast<int>(select->column_int(3)),
                                  select->column_int(4) != 0});
    }
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: peek: "} + error.what());
  }
  return out;
}

bool Outbox::remove(std::int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    auto remove = db_->cached("DELETE FROM outbox WHERE id = ?1");
    remove->bind(1, id);
    remove->step();
    return db_->changes() == 1;
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: remove: "} + error.what());
  }
}

std::int64_t Outbox::remove_through(std::int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    // Not fsync'd (synchronous=NORMAL for this commit only): a delete lost to
    // a power cut resends rows the broker already acknowledged, duplicates a
    // console drops by id, never a loss; the next durable commit on the file
    // syncs it anyway. An fsync per acknowledged stretch held a replay to a
    // few thousand rows a second on a busy disk (docs/benchmarks.md).
    db_->exec("PRAGMA synchronous=NORMAL");
    std::int64_t removed = 0;
    try {
      removed = remove_through(*db_, id);
    } catch (...) {
      db_->exec("PRAGMA synchronous=FULL");
      throw;
    }
    db_->exec("PRAGMA synchronous=FULL");  // enqueue() is durable on return
    return removed;
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: remove: "} + error.what());
  }
}

std::int64_t Outbox::remove_through(sqlite::Database& db, std::int64_t id) {
  auto remove = db.cached("DELETE FROM outbox WHERE id <= ?1");
  remove->bind(1, id);
  remove->step();
  return db.changes();
}

bool Outbox::any_after(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  try {
    auto any = db_->cached("SELECT EXISTS (SELECT 1 FROM outbox WHERE id > ?1)");
    any->bind(1, id);
    return any->step() && any->column_int(0) != 0;
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: any_after: "} + error.what());
  }
}

std::size_t Outbox::count_after(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  try {
    auto count = db_->cached("SELECT COUNT(*) FROM outbox WHERE id > ?1");
    count->bind(1, id);
    return count->step() ? static_cast<std::size_t>(count->column_int(0)) : 0;
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: count_after: "} + error.what());
  }
}

bool Outbox::empty() const {
  std::lock_guard lock(mutex_);
  try {
    auto any = db_->cached("SELECT EXISTS (SELECT 1 FROM outbox)");
    return !any->step() || any->column_int(0) == 0;
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: empty: "} + error.what());
  }
}

std::size_t Outbox::size() const {
  std::lock_guard lock(mutex_);
  try {
    auto count = db_->cached("SELECT COUNT(*) FROM outbox");
    return count->step() ? static_cast<std::size_t>(count->column_int(0)) : 0;
  } catch (const journal::JournalError& error) {
    throw OutboxError(std::string{"outbox: size: "} + error.what());
  }
}

}  // namespace vigil::mqtt
