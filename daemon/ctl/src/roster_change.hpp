// What every vigilctl roster command shares: the wall clock, the database
// check, running one change and printing the events it journalled.
#pragma once

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::ctl {

inline core::TimePoint wall_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

inline bool database_exists(const std::string& path, std::ostream& err) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return true;
  err << "vigilctl: no database at " << path << "\n";
  return false;
}

inline void print_change(const journal::RosterChange& change, std::ostream& out) {
  for (const auto& e : change.events) out << core::describe(e) << "\n";
}

// Runs one roster change and reports it; every failure is a message, never a crash.
template <class Change>
int run_change(const std::string& db_path, std::ostream& err, Change change) {
  if (!database_exists(db_path, err)) return 2;
  try {
    journal::Roster roster(db_path, current_operator());
    return change(roster);
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vigil::ctl
