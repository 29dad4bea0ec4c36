// vigilctl watch's lines: one per incident, incident-state change, door and
// zone state, filtered by zone (nested zones included), with repeats of an
// incident (a QoS 1 resend) shown once.
#include <gtest/gtest.h>

#include <filesystem>

#include "../src/watch_command.hpp"
#include "vigil/config/load.hpp"

namespace vigil::ctl {
namespace {

const std::filesystem::path kWatchSite =
    std::filesystem::path(VIGIL_SOURCE_DIR) / "daemon/ctl/tests/data/explain_site.yaml";
const std::string kWatchPrefix = "vigil/v1/explain/gw1/";

mqtt::WatchMessage watch_msg(const std::string& kind, const std::string& payload,
                             bool retained = false) {
  return {kWatchPrefix + kind, payload, retained};
}

const std::string kForcedVault =
    R"({"v":1,"id":"explain/gw1/ab/7","kind":"door_forced","severity":"critical",)"
    R"("time":"2026-11-29T07:00:00.000000Z","seq":7,"zone":"vault","door":"vault-door"})";

class WatchLinesTest : public ::testing::Test {
 protected:
  config::SiteConfig config_ = config::load_site_config(kWatchSite).value();
};

TEST_F(WatchLinesTest, AnIncidentIsOnePlainLineAndItsResendIsNotRepeated) {
  WatchLines lines(config_, "", true);
  const auto line = lines.line(watch_msg("incident/critical/vault", kForcedVault));
  ASSERT_TRUE(line);
  EXPECT_EQ(*line,
            "2026-11-29T07:00:00.000000Z INCIDENT critical door_forced zone=vault "
            "door=vault-door id=explain/gw1/ab/7");
  EXPECT_FALSE(lines.line(watch_msg("incident/critical/vault", kForcedVault)));
}

TEST_F(WatchLinesTest, WithoutPlainACriticalIncidentIsColoured) {
  WatchLines lines(config_, "", false);
  const auto line = lines.line(watch_msg("incident/critical/vault", kForcedVault));
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->starts_with("\x1b[1;31m")) << *line;
  EXPECT_TRUE(line->ends_with("\x1b[0m"));
}

TEST_F(WatchLinesTest, AZoneFilterKeepsTheZoneAndTheZonesInsideIt) {
  const auto door = [](const char* id) {
    return watch_msg(std::string{"state/door/"} + id,
                     std::string{R"({"v":1,"door":")"} + id +
                         R"(","lock":"locked","contact":"open","alarm":"forced","mode":"normal",)"
                         R"("since":"2026-11-29T07:00:00.000000Z"})");
  };
  struct Case {
    const char* filter;
    bool vault_incident, vault_door, plant_door, status;
  };
  const Case cases[] = {
      {"", true, true, true, true},
      {"lobby", true, true, false, false},  // the vault lies inside the lobby
      {"vault", true, true, false, false},
      {"plant", false, false, true, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.filter);
    WatchLines lines(config_, c.filter, true);
    EXPECT_EQ(lines.line(watch_msg("incident/critical/vault", kForcedVault)).has_value(),
              c.vault_incident);
    EXPECT_EQ(lines.line(door("vault-door")).has_value(), c.vault_door);
    EXPECT_EQ(lines.line(door("plant-door")).has_value(), c.plant_door);
    EXPECT_EQ(lines.line(watch_msg("status", R"({"v":1,"state":"online"})")).has_value(), c.status);
  }
}

TEST_F(WatchLinesTest, ZoneAndIncidentStateLinesSayWhatChanged) {
  WatchLines lines(config_, "", true);
  EXPECT_EQ(
      lines.line(watch_msg(
          "state/zone/vault",
          R"({"v":1,"zone":"vault","armed":false,"alarm":"none","occupancy":2,)"
          R"("lockdown":true,"lockdown_zone":"lobby","since":"2026-11-29T07:00:01.000000Z"})")),
      "2026-11-29T07:00:01.000000Z ZONE vault alarm=none occupancy=2 lockdown=lobby");
  const std::string acked =
      R"({"v":1,"id":"explain/gw1/ab/7","seq":7,"state":"acknowledged","zone":"vault",)"
      R"("level":1,"level_name":"shift_lead","time":"2026-11-29T07:01:00.000000Z","by":"ana"})";
  EXPECT_EQ(lines.line(watch_msg("incident-state/ab/7", acked)),
            "2026-11-29T07:01:00.000000Z INCIDENT-STATE explain/gw1/ab/7 acknowledged "
            "level=shift_lead by=ana");
  const std::string resolved =
      R"({"v":1,"id":"explain/gw1/ab/6","seq":6,"state":"resolved","zone":"vault",)"
      R"("time":"2026-11-28T07:01:00.000000Z"})";
  EXPECT_FALSE(lines.line(watch_msg("incident-state/ab/6", resolved, true)))
      << "history replayed at subscription is not news";
}

TEST_F(WatchLinesTest, WhatIsNotJsonOrNotOursPrintsNothing) {
  WatchLines lines(config_, "", true);
  EXPECT_FALSE(lines.line(watch_msg("incident/critical/vault", "not json {")));
  EXPECT_FALSE(lines.line(watch_msg("state/door/main", "", true)));  // a cleared retained topic
  EXPECT_FALSE(lines.line({"vigil/v1/other/gw1/status", R"({"state":"online"})", true}));
  EXPECT_FALSE(lines.line(watch_msg("checkpoint", R"({"format":1})")));
  EXPECT_FALSE(lines.line(watch_msg("incident/critical/vault", "[1,2]")));
}

}  // namespace
}  // namespace vigil::ctl
