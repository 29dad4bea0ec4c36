// vigild's log lines as an operator reads them: levels filter, and under
// journald no timestamp but a syslog priority prefix.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdlib>
#include <regex>
#include <string>

#include "vigil/app/logging.hpp"

namespace vigil::app {
namespace {

std::string captured(const LoggingOptions& options, void (*emit)()) {
  ::testing::internal::CaptureStderr();
  setup_logging(options);
  emit();
  return ::testing::internal::GetCapturedStderr();
}

TEST(Logging, UnderJournaldLinesCarryAPriorityAndNoTimestamp) {
  const std::string out = captured({.level = "info", .journald = true}, [] {
    spdlog::info("door lobby relocked");
    spdlog::error("journal commit failed");
  });
  EXPECT_EQ(out, "<6>door lobby relocked\n<3>journal commit failed\n");
}

TEST(Logging, OnATerminalLinesStartWithATimestampAndLevel) {
  const std::string out =
      captured({.level = "info", .journald = false}, [] { spdlog::warn("rex stuck"); });
  EXPECT_TRUE(std::regex_match(
      out,
      std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:?\d\d warning rex stuck\n)")))
      << out;
}

TEST(Logging, LevelFiltersLowerMessages) {
  const std::string out = captured({.level = "warning", .journald = true}, [] {
    spdlog::info("every event");
    spdlog::debug("poll");
    spdlog::warn("device offline");
  });
  EXPECT_EQ(out, "<4>device offline\n");
}

TEST(Logging, UnknownLevelNamesAreRefused) {
  EXPECT_TRUE(valid_log_level("debug"));
  EXPECT_TRUE(valid_log_level("warning"));
  EXPECT_TRUE(valid_log_level("off"));
  EXPECT_FALSE(valid_log_level("verbose"));
  EXPECT_FALSE(valid_log_level(""));
}

TEST(Logging, JournalStreamCountsOnlyWhenItNamesTheRealStderr) {
  struct stat st {};
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(stderr_is_journald());
  // Inherited from a parent whose stderr went to the journal, but ours does not.
  const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  ::setenv("JOURNAL_STREAM", other.c_str(), 1);
  EXPECT_FALSE(stderr_is_journald());
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_is_journald());
}

}  // namespace
}  // namespace vigil::app
