#include "people_stage.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "roster_rows.hpp"
#include "roster_rows_insert.hpp"

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

// The staging file's inserts: the same rows as write_added_person writes,
// many a step (roster_rows_insert.hpp). Text from the plan is bound without
// a copy (SQLITE_STATIC: the plan's strings outlive the call); the dates
// (date_text's small ring) are copied (SQLITE_TRANSIENT).
class PeopleStage::Inserts {
 public:
  explicit Inserts(sqlite3* db)
      : person_(db,
                "INSERT OR FAIL INTO people (id, name, active, clearance, clearance_expires) "
                "VALUES ",
                5),
        level_(db, "INSERT OR FAIL INTO person_levels (person, position, level) VALUES ", 3) {}

  void people(std::span<const core::Person> people) {
    person_.insert(people, [](sqlite::Statement& statement, int at, const core::Person& p) {
      statement.bind_static(at, p.id.str());
      statement.bind_static(at + 1, p.name);
      statement.bind(at + 2, std::int64_t{p.active ? 1 : 0});
      const auto& clearance = p.clearance;
      if (clearance.level == core::ClearanceLevel::none) {
        statement.bind_null(at + 3);
      } else {
        statement.bind_static(at + 3, core::to_string(clearance.level));  // a literal
      }
      if (clearance.expires) {
        statement.bind(at + 4, std::string_view{date_text(*clearance.expires)});  // copied
      } else {
        statement.bind_null(at + 4);
      }
    });
    levels_.clear();
    for (const auto& person : people) {
      std::int64_t position = 0;
      for (const auto& level : person.access_levels) {
        levels_.push_back({&person.id.str(), position++, &level.str()});
      }
    }
    level_.insert(std::span<const LevelRow>{levels_},
                  [](sqlite::Statement& statement, int at, const LevelRow& row) {
                    statement.bind_static(at, *row.person);
                    statement.bind(at + 1, row.position);
                    statement.bind_static(at + 2, *row.level);
                  });
  }

 private:
  struct LevelRow {
    const std::string* person;
    std::int64_t position;
    const std::string* level;
  };

  ManyRowsInsert person_;
  ManyRowsInsert level_;
  std::vector<LevelRow> levels_;  // one plan's, reused
};

void PeopleStage::stage(RosterPlan& plan, std::span<const core::Person> new_people) {
  // People and their levels only. The cards stay in the plan: the writing
  // thread inserts them straight into the journal's table (foreign keys
  // are off there), which balances the two threads (s23-import: at
  // 2,000,000 rows the staging thread was the longer by ~6 s of 60; s26:
  // staged, they left the planning thread the longer by ~50 %).
  if (!inserts_) inserts_ = std::make_unique<Inserts>(stage_->handle());
  inserts_->people(new_people);
  plan.staged += new_people.size();
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
