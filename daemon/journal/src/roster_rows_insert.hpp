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

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "event_row.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/time.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

class ManyRowsInsert {
 public:
  static constexpr int kRowsAStep = 32;

  // `head`: the statement up to VALUES ("INSERT OR FAIL INTO t (a, b) VALUES ").
  ManyRowsInsert(sqlite3* db, std::string head, int columns)
      : db_(db), head_(std::move(head)), columns_(columns) {}

  // bind(statement, first_parameter, row) binds one row's columns from
  // first_parameter on. Texts bound without a copy (bind_static) must
  // outlive the call.
  template <class Row, class Bind>
  void insert(std::span<const Row> rows, Bind bind) {
    if (!one_) {
      many_.emplace(db_, values_sql(head_, columns_, kRowsAStep));
      one_.emplace(db_, values_sql(head_, columns_, 1));
    }
    std::size_t next = 0;
    for (; rows.size() - next >= kRowsAStep; next += kRowsAStep) {
      for (int i = 0; i < kRowsAStep; ++i) {
        bind(*many_, 1 + i * columns_, rows[next + static_cast<std::size_t>(i)]);
      }
      run(*many_);
    }
    for (; next < rows.size(); ++next) {
      bind(*one_, 1, rows[next]);
      run(*one_);
    }
  }

  static std::optional<std::int64_t> micros(const std::optional<core::TimePoint>& time) {
    if (!time) return std::nullopt;
    return core::to_unix_micros(*time);
  }

 private:
  // Every parameter is bound again before the next step: rewound, not reset.
  static void run(sqlite::Statement& statement) {
    try {
      statement.step();
    } catch (...) {
      statement.rewind();
      throw;
    }
    statement.rewind();
  }

  sqlite3* db_;
  std::string head_;
  int columns_;
  std::optional<sqlite::Statement> many_;
  std::optional<sqlite::Statement> one_;
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
    insert_.insert(cards, [](sqlite::Statement& statement, int at, const core::Credential& c) {
      statement.bind(at, std::string_view{core::to_string(c.card)});  // copied: a temporary
      statement.bind_static(at + 1, c.person.str());
      statement.bind(at + 2, std::int64_t{c.active ? 1 : 0});
      statement.bind(at + 3, ManyRowsInsert::micros(c.valid_from));
      statement.bind(at + 4, ManyRowsInsert::micros(c.valid_until));
    });
  }

 private:
  ManyRowsInsert insert_;
};

}  // namespace vigil::journal
