// The people and level rows of a first import, built in a staging file
// beside the journal and moved into the empty tables in one statement each
// (s23-import; the cards are inserted straight into the journal's table by
// the writing thread, which balances the two threads). The staging file has the
// people tables exactly as the journal defines them (the same SQL), so
// SQLite's transfer optimisation copies its records and index entries in
// key order instead of inserting row by row: ~4x less work for the thread
// holding the write lock, and the row inserts run on the planning thread,
// beside the journal's appends.
#pragma once

#include <filesystem>
#include <memory>
#include <span>

#include "roster_plan.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

class PeopleStage {
 public:
  // Only for a store whose people tables are empty (people_tables_empty):
  // turns the journal connection's foreign-key checks off until
  // destruction (the transfer optimisation needs them off; every staged
  // level row, and every card the plan adds, names a new person, and all of
  // them are moved: people_stage.cpp), creates the staging file and
  // attaches it as "stage". Call outside a transaction.
  PeopleStage(sqlite::Database& journal, const std::filesystem::path& journal_path);
  ~PeopleStage();  // detaches, deletes the file, foreign keys back on
  PeopleStage(const PeopleStage&) = delete;
  PeopleStage& operator=(const PeopleStage&) = delete;

  // On the planning thread: a batch's new people (and their levels), for
  // which the planner left no rows in the plan
  // (StreamPlanner::leave_added_people_out), go to the staging file; their
  // count goes into plan.staged.
  void stage(RosterPlan& plan, std::span<const core::Person> new_people);
  void finish_staging();  // the staging file's transaction committed
  // In the journal's write transaction, after finish_staging(): the staged
  // rows into the (still empty) people tables.
  void move_into_journal();

 private:
  class Inserts;

  sqlite::Database& journal_;
  std::filesystem::path path_;
  std::unique_ptr<sqlite::Database> stage_;
  std::unique_ptr<sqlite::Transaction> staging_;
  std::unique_ptr<Inserts> inserts_;  // on the planning thread
  bool attached_ = false;
};

// True when the people, credentials and revoked_cards tables hold no row
// (a first import may stage its people).
bool people_tables_empty(sqlite::Database& db);

}  // namespace vigil::journal
