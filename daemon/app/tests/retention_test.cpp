// journal.retention (docs/journal.md, "Retention in vigild"): which months
// vigild archives for a retention of N whole months.
#include <gtest/gtest.h>

#include "vigil/app/retention.hpp"

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

}  // namespace
}  // namespace vigil::app
