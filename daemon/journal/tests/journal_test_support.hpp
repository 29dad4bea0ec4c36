// Shared fixtures for the journal tests: a temp dir removed afterwards, raw
// SQL on the file (the way an attacker or an inspector would reach it), and
// events that exercise every column.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "vigil/core/event.hpp"

namespace vigil::journal::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vigil-journal-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A plain sqlite3 connection to the file, bypassing the Journal.
class RawSql {
 public:
  explicit RawSql(const std::filesystem::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open failed");
    sqlite3_busy_timeout(db_, 5000);
  }
  RawSql(const RawSql&) = delete;
  RawSql& operator=(const RawSql&) = delete;
  ~RawSql() { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    std::string what = message ? message : "";
    sqlite3_free(message);
    ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << what;
  }

  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

  std::int64_t integer(const std::string& sql) { return std::stoll(text(sql)); }

 private:
  sqlite3* db_ = nullptr;
};

// 2026-03-02T08:00:00Z plus `seconds`.
inline core::TimePoint at(std::int64_t seconds) {
  return core::from_unix_micros((1'772'438'400 + seconds) * 1'000'000);
}

inline core::Event granted(std::int64_t second, const std::string& person, const std::string& door,
                           const std::string& zone) {
  core::Event event;
  event.time = at(second);
  event.kind = core::EventKind::access_granted;
  event.person = core::PersonId{person};
  event.door = core::DoorId{door};
  event.reader = core::ReaderId{door + "-in"};
  event.zone = core::ZoneId{zone};
  event.card =
      core::CardNumber{.facility = 12, .number = 1000 + static_cast<std::uint64_t>(second)};
  return event;
}

inline core::Event door_event(std::int64_t second, core::EventKind kind, const std::string& door) {
  core::Event event;
  event.time = at(second);
  event.kind = kind;
  event.door = core::DoorId{door};
  event.device = core::DeviceId{"io-1"};
  return event;
}

// n events alternating grants and door contacts, one second apart.
inline std::vector<core::Event> sample_events(int n) {
  std::vector<core::Event> events;
  for (int i = 0; i < n; ++i) {
    events.push_back(i % 2 == 0 ? granted(i, "p-" + std::to_string(i % 5), "d1", "lab")
                                : door_event(i, core::EventKind::door_opened, "d1"));
  }
  return events;
}

}  // namespace vigil::journal::testing
