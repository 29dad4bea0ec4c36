// Rows of one table inserted many a statement step (s26-import): an
// import's people, levels and new cards. One step a row spent about half
// the insert work on the statement itself (opening and closing a cursor on
// the table and each index, starting and ending the statement): a C
// program with the staging file's tables, 2,000,000 people with two levels,
// took 11.1 s of CPU one row a step and 4.8-5.7 s with 8-32 people a step.
// The statements are INSERT OR FAIL: a statement of many rows with the
// default ABORT keeps a statement journal so that a failing row can undo the
// step's earlier ones (measured dearer than one row a step); every caller
// ends its import on a failure, so nothing needs undoing row by row.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "event_row.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/time.hpp"
#include "vigil/journal/error.hpp"

namespace vigil::journal {

class ManyRowsInsert {
 public:
  static constexpr int kRowsAStep = 32;

  // `head`: the statement up to VALUES ("INSERT OR FAIL INTO t (a, b) VALUES ").
  ManyRowsInsert(sqlite3* db, std::string head, int columns)
      : db_(db), head_(std::move(head)), columns_(columns) {}
  ~ManyRowsInsert() {
    sqlite3_finalize(many_);
    sqlite3_finalize(one_);
  }
  ManyRowsInsert(const ManyRowsInsert&) = delete;
  ManyRowsInsert& operator=(const ManyRowsInsert&) = delete;

  // bind(statement, first_parameter, row) binds one row's columns from
  // first_parameter on. Texts bound without a copy must outlive the call.
  template <class Row, class Bind>
  void insert(std::span<const Row> rows, Bind bind) {
    if (one_ == nullptr) {
      many_ = prepare(values_sql(head_, columns_, kRowsAStep));
      one_ = prepare(values_sql(head_, columns_, 1));
    }
    std::size_t next = 0;
    for (; rows.size() - next >= kRowsAStep; next += kRowsAStep) {
      for (int i = 0; i < kRowsAStep; ++i) {
        bind(many_, 1 + i * columns_, rows[next + static_cast<std::size_t>(i)]);
      }
      run(many_);
    }
    for (; next < rows.size(); ++next) {
      bind(one_, 1, rows[next]);
      run(one_);
    }
  }

  static void text(sqlite3_stmt* statement, int index, std::string_view value) {
    sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  // Copied into the statement's own buffer, which SQLite keeps between rows.
  static void copied_text(sqlite3_stmt* statement, int index, std::string_view value) {
    sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT,
                        SQLITE_UTF8);
  }
  static void optional_time(sqlite3_stmt* statement, int index,
                            const std::optional<core::TimePoint>& time) {
    if (time) {
      sqlite3_bind_int64(statement, index, core::to_unix_micros(*time));
    } else {
      sqlite3_bind_null(statement, index);
    }
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      throw JournalError(head_ + ": " + sqlite3_errmsg(db_), 0);
    }
    return statement;
  }
  void run(sqlite3_stmt* statement) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (rc != SQLITE_DONE) throw JournalError(head_ + ": " + sqlite3_errmsg(db_), rc & 0xff);
  }

  sqlite3* db_;
  std::string head_;
  int columns_;
  sqlite3_stmt* many_ = nullptr;
  sqlite3_stmt* one_ = nullptr;
};

// New cards (rows the plan found absent: write_credential(added) for many),
// into the connection's main database.
class AddedCredentialsInsert {
 public:
  explicit AddedCredentialsInsert(sqlite3* db)
      : insert_(db,
                "INSERT OR FAIL INTO main.credentials (card, person, active, valid_from_us, "
                "valid_until_us) VALUES ",
                5) {}
  void insert(std::span<const core::Credential> cards) {
    insert_.insert(cards, [](sqlite3_stmt* statement, int at, const core::Credential& c) {
      ManyRowsInsert::copied_text(statement, at, core::to_string(c.card));
      ManyRowsInsert::text(statement, at + 1, c.person.str());
      sqlite3_bind_int64(statement, at + 2, c.active ? 1 : 0);
      ManyRowsInsert::optional_time(statement, at + 3, c.valid_from);
      ManyRowsInsert::optional_time(statement, at + 4, c.valid_until);
    });
  }

 private:
  ManyRowsInsert insert_;
};

}  // namespace vigil::journal
