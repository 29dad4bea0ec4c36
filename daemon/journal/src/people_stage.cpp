#include "people_stage.hpp"

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
  // stage() writes a person's level rows right after the person, and a card
  // only for a new person the planner found it listed for (plan_rows
  // refuses a row whose card names another person), so every level and
  // card row names a staged person, and every staged person is moved.
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

void PeopleStage::stage(RosterPlan& plan) {
  for (const auto& person : plan.added_people) write_added_person(*stage_, person);
  for (const auto& credential : plan.added_credentials) {
    write_credential(*stage_, credential, /*added=*/true);
  }
  plan.staged += plan.added_people.size() + plan.added_credentials.size();
  plan.added_people.clear();
  plan.added_credentials.clear();
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
      "INSERT INTO main.person_levels SELECT * FROM stage.person_levels;"
      "INSERT INTO main.credentials SELECT * FROM stage.credentials;");
}

}  // namespace vigil::journal
