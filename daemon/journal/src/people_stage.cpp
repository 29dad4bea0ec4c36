#include "people_stage.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "roster_rows.hpp"

namespace vigil::journal {
namespace {

// The people tables' SQL as the journal file has it (columns added by
// ensure_roster_tables included), tables before their indexes.
constexpr const char* kPeopleTablesSql =
    "SELECT sql FROM main.sqlite_master WHERE tbl_name IN ('people', 'person_levels', "
    "'credentials') AND sql IS NOT NULL ORDER BY type DESC, name";

// Unique per import: vigild runs `person import` requests in its own
// process, possibly two at once.
std::filesystem::path stage_path(const std::filesystem::path& journal_path) {
  static std::atomic<unsigned> imports{0};
  return journal_path.string() + ".import-" + std::to_string(::getpid()) + "-" +
         std::to_string(imports++);
}

}  // namespace

bool people_tables_empty(sqlite::Database& db) {
  return db.query_int(
             "SELECT NOT EXISTS (SELECT 1 FROM people) AND NOT EXISTS "
             "(SELECT 1 FROM credentials) AND NOT EXISTS (SELECT 1 FROM revoked_cards)") == 1;
}

PeopleStage::PeopleStage(sqlite::Database& journal, const std::filesystem::path& journal_path)
    : journal_(journal), path_(stage_path(journal_path)) {
  std::filesystem::remove(path_);  // left by a crashed process of the same pid
  std::string schema;
  {
    sqlite::Statement tables{journal_.handle(), kPeopleTablesSql};
    while (tables.step()) schema += tables.column_text(0) + ";\n";
  }
  // Not durable: the file is scratch, read back once and deleted. No
  // foreign-key checks here either (~10 % of the staging thread's time):
  // stage() writes a person's level rows right after the person, so every
  // level row names a staged person, and every staged person is moved.
  stage_ = std::make_unique<sqlite::Database>(path_, sqlite::OpenOptions{.durable = false});
  stage_->exec(
      "PRAGMA page_size=8192; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; "
      "PRAGMA cache_size=-32768; PRAGMA foreign_keys=OFF;");
  stage_->exec(schema);
  // Off for the journal connection (a pragma that must be set outside a
  // transaction): SQLite refuses the transfer into a table with foreign keys
  // while they are checked.
  journal_.exec("PRAGMA foreign_keys=OFF");
  sqlite::Statement attach{journal_.handle(), "ATTACH DATABASE ?1 AS stage"};
  attach.bind(1, std::string_view{path_.string()});
  attach.step();
  attached_ = true;
  staging_ = std::make_unique<sqlite::Transaction>(*stage_);
}

PeopleStage::~PeopleStage() {
  inserts_.reset();
  staging_.reset();  // rolled back if never finished
  stage_.reset();
  try {
    if (attached_) journal_.exec("DETACH DATABASE stage");
  } catch (...) {  // a destructor must not throw; the connection closes soon
  }
  try {
    journal_.exec("PRAGMA foreign_keys=ON");
  } catch (...) {
  }
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

// The staging file's two inserts, the same rows as write_added_person
// writes. Text is bound without a copy
// (SQLITE_STATIC: the plan's strings outlive the step) and every parameter
// is bound for every row, so no sqlite3_clear_bindings: the copies and
// their frees were ~14 % of the samples of an import (malloc and free).
class PeopleStage::Inserts {
 public:
  explicit Inserts(sqlite3* db)
      : db_(db),
        person_(prepare("INSERT INTO people (id, name, active, clearance, clearance_expires) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)")),
        level_(prepare("INSERT INTO person_levels (person, position, level) VALUES (?1, ?2, ?3)")) {
  }
  ~Inserts() {
    for (auto* statement : {person_, level_}) sqlite3_finalize(statement);
  }
  Inserts(const Inserts&) = delete;
  Inserts& operator=(const Inserts&) = delete;

  void person(const core::Person& person) {
    text(person_, 1, person.id.str());
    text(person_, 2, person.name);
    sqlite3_bind_int64(person_, 3, person.active ? 1 : 0);
    const auto& clearance = person.clearance;
    if (clearance.level == core::ClearanceLevel::none) {
      sqlite3_bind_null(person_, 4);
    } else {
      text(person_, 4, core::to_string(clearance.level));
    }
    if (clearance.expires) {
      text(person_, 5, date_text(*clearance.expires));
    } else {
      sqlite3_bind_null(person_, 5);
    }
    run(person_);
    std::int64_t position = 0;
    for (const auto& level : person.access_levels) {
      text(level_, 1, person.id.str());
      sqlite3_bind_int64(level_, 2, position++);
      text(level_, 3, level.str());
      run(level_);
    }
  }

 private:
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      throw JournalError(std::string{"staging file: "} + sqlite3_errmsg(db_), 0);
    }
    return statement;
  }
  static void text(sqlite3_stmt* statement, int index, std::string_view value) {
    sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  void run(sqlite3_stmt* statement) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (rc != SQLITE_DONE) {
      throw JournalError(std::string{"staging file: "} + sqlite3_errmsg(db_), rc & 0xff);
    }
  }

  sqlite3* db_;
  sqlite3_stmt* person_;
  sqlite3_stmt* level_;
};

void PeopleStage::stage(RosterPlan& plan) {
  // People and their levels only. The cards stay in the plan: the writing
  // thread inserts them straight into the journal's table (foreign keys
  // are off there), which balances the two threads (s23-import: at
  // 2,000,000 rows the staging thread was the longer by ~6 s of 60).
  if (!inserts_) inserts_ = std::make_unique<Inserts>(stage_->handle());
  for (const auto& person : plan.added_people) inserts_->person(person);
  plan.staged += plan.added_people.size();
  plan.added_people.clear();
}

void PeopleStage::finish_staging() {
  staging_->commit();
}

void PeopleStage::move_into_journal() {
  // Each is SQLite's transfer (INSERT INTO t SELECT * FROM t' of the same
  // shape into an empty table): records and index entries copied in key
  // order. Were a table not empty, SQLite inserts row by row instead.
  journal_.exec(
      "INSERT INTO main.people SELECT * FROM stage.people;"
      "INSERT INTO main.person_levels SELECT * FROM stage.person_levels;");
}

}  // namespace vigil::journal
