#include "../src/time_arg.hpp"

#include <gtest/gtest.h>

namespace vigil::ctl {
namespace {

TEST(TimeArg, ReadsDatesAndUtcTimes) {
  EXPECT_EQ(core::format_utc(*parse_time_arg("2026-11-25")), "2026-11-25T00:00:00.000000Z");
  EXPECT_EQ(core::format_utc(*parse_time_arg("2026-11-25T10:30:15Z")),
            "2026-11-25T10:30:15.000000Z");
  EXPECT_EQ(core::format_utc(*parse_time_arg("2026-11-25 10:30")), "2026-11-25T10:30:00.000000Z");
}

TEST(TimeArg, RejectsWhatIsNotATime) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-25T25:00", "2026-11-25x",
                          "2026-11-25T10:00:00+01:00"})
    EXPECT_FALSE(parse_time_arg(bad)) << bad;
}

}  // namespace
}  // namespace vigil::ctl
