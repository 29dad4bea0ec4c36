// The MQTT outbox: messages waiting for the broker's acknowledgement, kept in
// the SQLite table `outbox` so that nothing a guard must see is lost to a
// broker outage or a gateway restart. The daemon points it at the journal's
// database file; the outbox uses its own connection and its own table (WAL
// mode, synchronous=FULL, busy_timeout), so a row is on disk when enqueue()
// returns. Rows leave in id order (AUTOINCREMENT: ids are never reused).
//
// Thread-safe: the event loop enqueues while the publisher's sender thread
// peeks and removes. enqueue() reports failure by value because the event loop
// must not die on a full disk; the sender's calls throw OutboxError, which the
// sender catches and retries. One Outbox per file per process.
//
// insert() adds a row through another connection to the same file, inside
// that connection's transaction: the journal's append hook uses it so an
// incident's outbox row commits with its event (one transaction, one fsync).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/journal/sqlite.hpp"

namespace vigil::mqtt {

class OutboxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OutboxMessage {
  std::int64_t id = 0;
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;  // the broker keeps it as the topic's last message (incident-state)
};

struct EnqueueResult {
  std::int64_t id = 0;  // the row id when stored
  std::string error;    // SQLite's message when not
  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

class Outbox {
 public:
  // Opens (creating if needed) the database file and the `outbox` table.
  // Throws OutboxError: a gateway that cannot store incidents must not start.
  explicit Outbox(const std::filesystem::path& database);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Creates the `outbox` table if missing (the constructor does too).
  static void create_table(journal::sqlite::Database& db);
  // Inserts a message on `db`, in whatever transaction it has open; returns
  // the row id. Throws journal::JournalError. The Outbox sees the row once
  // that transaction commits.
  static std::int64_t insert(journal::sqlite::Database& db, std::string_view topic,
                             std::string_view payload, int qos = 1, bool retain = false);

  // Appends a message; durable (fsync'd) when it returns ok.
  [[nodiscard]] EnqueueResult enqueue(std::string_view topic, std::string_view payload);
  // Up to n oldest messages, oldest first.
  std::vector<OutboxMessage> peek(std::size_t n) const;
  // Up to n oldest messages with an id above `after`, oldest first.
  std::vector<OutboxMessage> peek_after(std::int64_t after, std::size_t n) const;
  // Deletes one message; false if no row had this id.
  bool remove(std::int64_t id);
  // Deletes every message with an id up to `id` (those the broker has
  // acknowledged, in order), in one commit; returns how many. That commit is
  // not fsync'd: after a power cut the rows may come back and be sent again
  // (duplicates, never a loss).
  std::int64_t remove_through(std::int64_t id);
  // The same inside a transaction of `db` (the journal writer's): deleting
  // on the connection that inserts keeps that connection's page cache, which
  // SQLite drops whenever another connection has committed (WAL mode).
  static std::int64_t remove_through(journal::sqlite::Database& db, std::int64_t id);
  // True when a row after `id` waits (rows up to it are acknowledged).
  bool any_after(std::int64_t id) const;
  // Rows after `id`: COUNT over the id range, slow with a large backlog.
  std::size_t count_after(std::int64_t id) const;
  // COUNT(*): reads the whole table, slow with a large backlog.
  std::size_t size() const;
  // True when no message waits; cheap at any size.
  bool empty() const;

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<journal::sqlite::Database> db_;  // guarded by mutex_
};

}  // namespace vigil::mqtt
