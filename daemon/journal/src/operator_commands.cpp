#include "vigil/journal/operator_commands.hpp"

#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

OperatorCommands::OperatorCommands(const std::filesystem::path& db,
                                   std::chrono::milliseconds busy_timeout)
    : db_(std::make_unique<sqlite::Database>(db,
                                             sqlite::OpenOptions{.busy_timeout = busy_timeout})) {
  // Not part of the hash chain: a command is a request; what it did is an
  // event in the journal (with the operator), written by vigild.
  db_->exec(
      "CREATE TABLE IF NOT EXISTS operator_commands("
      " id INTEGER PRIMARY KEY,"
      " kind TEXT NOT NULL,"
      " target TEXT NOT NULL,"
      " operator TEXT NOT NULL,"
      " bypass INTEGER NOT NULL DEFAULT 0,"
      " requested_at INTEGER NOT NULL,"
      " taken_at INTEGER)");
}

OperatorCommands::~OperatorCommands() = default;

std::int64_t OperatorCommands::push(const OperatorCommand& c) {
  sqlite::Transaction tx(*db_);
  {
    auto insert = db_->cached(
        "INSERT INTO operator_commands(kind, target, operator, bypass, requested_at)"
        " VALUES(?, ?, ?, ?, ?)");
    insert->bind(1, std::string_view(c.kind));
    insert->bind(2, std::string_view(c.target));
    insert->bind(3, std::string_view(c.operator_name));
    insert->bind(4, static_cast<std::int64_t>(c.bypass ? 1 : 0));
    insert->bind(5, core::to_unix_micros(c.requested_at));
    insert->step();
  }
  const std::int64_t id = db_->last_insert_rowid();
  tx.commit();
  return id;
}

std::vector<OperatorCommand> OperatorCommands::take_pending(core::TimePoint now) {
  std::vector<OperatorCommand> out;
  // Cheap when idle: a read, no write lock unless something waits.
  if (db_->query_int("SELECT count(*) FROM operator_commands WHERE taken_at IS NULL") == 0)
    return out;
  sqlite::Transaction tx(*db_);
  {
    auto select = db_->cached(
        "SELECT id, kind, target, operator, bypass, requested_at FROM operator_commands"
        " WHERE taken_at IS NULL ORDER BY id");
    while (select->step()) {
      OperatorCommand c;
      c.id = select->column_int(0);
      c.kind = select->column_text(1);
      c.target = select->column_text(2);
      c.operator_name = select->column_text(3);
      c.bypass = select->column_int(4) != 0;
      c.requested_at = core::from_unix_micros(select->column_int(5));
      out.push_back(std::move(c));
    }
  }
  {
    auto mark = db_->cached("UPDATE operator_commands SET taken_at = ? WHERE taken_at IS NULL");
    mark->bind(1, core::to_unix_micros(now));
    mark->step();
  }
  tx.commit();
  return out;
}

}  // namespace vigil::journal
