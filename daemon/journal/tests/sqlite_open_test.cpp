// Opening a new database file while other connections open it too: while
// one switches the file to WAL, another's `PRAGMA journal_mode=WAL` can get
// SQLITE_BUSY without SQLite calling the busy handler. Without a retry the
// four-openers test below fails within a few rounds with exactly what CI saw
// at stop 18 (vigild's threads racing at its first start made it fatal).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "journal_test_support.hpp"
#include "vigil/journal/error.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace sqlite_open_test {

using namespace std::chrono_literals;

// A plain connection on a new file, in rollback mode, inside a read
// transaction: it holds SQLite's SHARED lock until released.
class ReaderHoldingTheFile {
 public:
  explicit ReaderHoldingTheFile(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    exec("CREATE TABLE t(x INTEGER)");
    exec("BEGIN");
    exec("SELECT count(*) FROM t");
  }
  ~ReaderHoldingTheFile() { sqlite3_close(db_); }
  void release() { exec("COMMIT"); }

 private:
  void exec(const char* sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  }
  sqlite3* db_ = nullptr;
};

TEST(SqliteOpen, TheWaitIsBoundedByTheBusyTimeout) {
  testing::TempDir dir;
  const auto path = dir.file("held.db");
  ReaderHoldingTheFile reader(path);
  try {
    sqlite::Database db(path, {.busy_timeout = 20ms});
    FAIL() << "opened while another connection held the file";
  } catch (const JournalError& e) {
    EXPECT_TRUE(e.is_busy()) << e.what();
  }
}

// Two of vigild's connections (the journal writer, the outbox's delete):
// the second write waits for the first's commit and then goes through.
TEST(SqliteBusy, AWriteWaitsForAnotherConnectionsCommitThenSucceeds) {
  testing::TempDir dir;
  const auto path = dir.file("two.db");
  sqlite::Database first(path);
  first.exec("CREATE TABLE t(x INTEGER)");
  sqlite::Database second(path, {.busy_timeout = 30s});
  std::string error;
  std::atomic<bool> started{false};
  std::thread writer;
  {
    sqlite::Transaction holding(first);
    first.exec("INSERT INTO t VALUES (1)");
    writer = std::thread([&] {
      started = true;
      try {
        second.exec("INSERT INTO t VALUES (2)");
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    while (!started) std::this_thread::yield();
    holding.commit();
  }
  writer.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(first.query_int("SELECT count(*) FROM t"), 2);
}

TEST(SqliteBusy, AWriteGivesUpWithBusyAfterTheTimeout) {
  testing::TempDir dir;
  const auto path = dir.file("held.db");
  sqlite::Database first(path);
  first.exec("CREATE TABLE t(x INTEGER)");
  sqlite::Database second(path, {.busy_timeout = 20ms});
  sqlite::Transaction holding(first);
  try {
    second.exec("INSERT INTO t VALUES (2)");
    FAIL() << "wrote while another connection held the write lock";
  } catch (const JournalError& e) {
    EXPECT_TRUE(e.is_busy()) << e.what();
  }
}

// vigild's threads open the journal together at its first start: every one
// must get a working WAL connection, whoever switches the file.
TEST(SqliteOpen, FourConnectionsOpeningANewFileTogetherAllSucceed) {
  testing::TempDir dir;
  for (int round = 0; round < 50; ++round) {
    const auto path = dir.file("race-" + std::to_string(round) + ".db");
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (std::size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&, i] {
        try {
          sqlite::Database db(path, {.busy_timeout = 30s});
          db.exec("CREATE TABLE IF NOT EXISTS t(x INTEGER)");
          db.exec("INSERT INTO t VALUES (1)");
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& t : openers) t.join();
    for (const auto& e : errors) ASSERT_EQ(e, "") << "round " << round;
  }
}

// Copy-free binds and rewind() (s24-import): each row stores the text its
// own step saw, though one buffer is reused for every row and nothing is
// cleared between them.
TEST(SqliteStatement, StaticBindsAfterRewindStoreEachRowsOwnText) {
  testing::TempDir dir;
  sqlite::Database db(dir.file("binds.db"));
  db.exec("CREATE TABLE t(n INTEGER, text TEXT, bytes BLOB)");
  sqlite::Statement insert{db.handle(), "INSERT INTO t VALUES (?1, ?2, ?3)"};
  std::string text;
  std::vector<std::uint8_t> bytes;
  for (int row = 0; row < 3; ++row) {
    text.assign(static_cast<std::size_t>(3 - row), static_cast<char>('a' + row));
    bytes.assign(static_cast<std::size_t>(row + 1), static_cast<std::uint8_t>(row));
    insert.bind(1, std::int64_t{row});
    insert.bind_static(2, text);
    insert.bind_blob_static(3, bytes);
    insert.step();
    insert.rewind();
  }
  sqlite::Statement select{db.handle(), "SELECT text, hex(bytes) FROM t ORDER BY n"};
  std::vector<std::string> rows;
  while (select.step()) rows.push_back(select.column_text(0) + " " + select.column_text(1));
  EXPECT_EQ(rows, (std::vector<std::string>{"aaa 00", "bb 0101", "c 020202"}));
}

}  // namespace sqlite_open_test
}  // namespace vigil::journal
