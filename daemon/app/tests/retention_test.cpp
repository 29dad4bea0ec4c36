// journal.retention (docs/journal.md, "Retention in vigild"): which months
// vigild archives for a retention of N whole months.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <future>

#include "vigil/app/retention.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::app {
namespace {

core::TimePoint retention_test_at(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      (sys_days{year{y} / month{m} / day{d}} + hours{hour} + minutes{minute}).time_since_epoch())};
}

TEST(Retention, KeepsTheCurrentUtcMonthAndNWholeMonthsBeforeIt) {
  const struct {
    core::TimePoint now;
    unsigned keep;
    const char* before;
  } cases[] = {
      {retention_test_at(2026, 11, 29, 12), 3, "2026-08"},
      {retention_test_at(2026, 11, 1, 0), 1, "2026-10"},        // first instant of a month
      {retention_test_at(2026, 10, 31, 23, 59), 1, "2026-09"},  // UTC, not the site's zone
      {retention_test_at(2026, 2, 15, 8), 2, "2025-12"},        // across a year
      {retention_test_at(2026, 1, 10, 8), 12, "2025-01"},
      {retention_test_at(2026, 1, 10, 8), 1200, "1926-01"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(retention_cutoff(c.now, c.keep), c.before)
        << core::format_utc(c.now) << " " << c.keep;
  }
}

// journal.archive_dir: vigild's own pass writes the archives there, and
// the chain read with the same folder still verifies.
TEST(Retention, ThePassArchivesIntoTheConfiguredFolder) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("vigil-retention-dir-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path db = dir / "j.db";
  {
    journal::Journal j(db);
    std::vector<core::Event> events;
    for (unsigned month : {1u, 2u}) {
      core::Event e;
      e.time = retention_test_at(2026, month, 10, 9);
      e.kind = core::EventKind::access_granted;
      events.push_back(e);
    }
    j.append(events);
  }
  std::promise<void> passed;
  {
    Retention retention(
        db, 1, [&passed] { passed.set_value(); }, dir / "months");
    retention.start();
    passed.get_future().wait();
  }
  EXPECT_TRUE(fs::exists(dir / "months" / "2026-01.db"));
  EXPECT_FALSE(fs::exists(journal::archive_dir(db)));
  const auto chain =
      journal::verify_with_archives(journal::Journal(db, {.archive_dir = dir / "months"}));
  EXPECT_TRUE(chain.ok) << chain.message;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vigil::app
