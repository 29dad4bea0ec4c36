// Retention in vigild (docs/journal.md, "Retention in vigild"): with
// journal.retention.keep_months set, vigild moves whole UTC months older than
// the retention to archive files by itself, through journal::archive_before,
// the function behind `vigilctl log archive --before` (same files, same
// journal_archived record in the chain). One pass at start, then one an
// hour, on a thread of its own with its own connection: the event loop never
// waits for it. While a pass deletes a month's rows it holds the write lock;
// the journal writer then waits as for any busy lock, its events queued in
// memory under the writer's bound, and door decisions never wait at all.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "vigil/core/time.hpp"

namespace vigil::app {

// The month `log archive --before` gets for a retention of `keep_months`
// whole months before the current UTC month: 2026-11-29 and 3 -> "2026-08"
// (August, September, October and November stay live).
std::string retention_cutoff(core::TimePoint now, unsigned keep_months);

class Retention {
 public:
  static constexpr std::chrono::hours kEvery{1};
  // `after_first_pass` runs on the retention thread once the start pass is
  // done (archived or failed): vigild starts its full chain check there, so
  // that check never reads a chain while rows move.
  // `archive_dir`: journal.archive_dir (empty: `<db>.archive`).
  Retention(std::filesystem::path db, unsigned keep_months, std::function<void()> after_first_pass,
            std::filesystem::path archive_dir = {});
  ~Retention();  // waits for a pass in progress, then stops
  Retention(const Retention&) = delete;
  Retention& operator=(const Retention&) = delete;

  void start();

 private:
  void run();
  void pass();

  std::filesystem::path db_;
  std::filesystem::path archive_dir_;
  unsigned keep_months_;
  std::function<void()> after_first_pass_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::app
