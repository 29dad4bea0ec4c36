// The live picture end to end (issue 11, items 1 and 7): a real vigild
// publishing each zone's retained state through a real mosquitto, and
// `vigilctl watch --plain` as a real child process printing one line per
// incident and state change, read from its output until the line appears.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "site_harness.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

std::string watch_read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first line of `text` holding every one of `parts`; empty when none.
std::string watch_line_with(const std::string& text, const std::vector<std::string>& parts) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) return line;
  }
  return {};
}

nlohmann::json watch_latest(const MqttTestSubscriber& sub) {
  return nlohmann::json::parse(sub.messages().back().payload);
}

TEST(MqttWatch, ZoneStateAndTheWatchLinesFollowEntriesAForcedDoorAndALockdown) {
  SiteHarness site;
  site.start_vigild();

  // A console that subscribes late still gets the zone's state, retained.
  const std::string zone_topic = "vigil/v1/test-site/gw1/state/zone/lobby";
  {
    // Once vigild has published it (a subscriber from before may see it live)...
    MqttTestSubscriber first(site.broker().uri(), zone_topic);
    ASSERT_TRUE(eventually([&] { return first.count() > 0; }, 10s)) << site.vigild_log();
    MqttTestSubscriber late(site.broker().uri(), zone_topic);
    ASSERT_TRUE(eventually([&] { return late.count() > 0; }, 10s)) << site.vigild_log();
    EXPECT_TRUE(late.messages().back().retained);
    EXPECT_EQ(watch_latest(late)["occupancy"], 0);
    EXPECT_EQ(watch_latest(late)["lockdown"], false);
    EXPECT_EQ(watch_latest(late)["alarm"], "none");  // not an alarm zone in this site
  }

  const auto log = site.config_path().parent_path() / "vigilctl-watch.log";
  ChildProcess watch({VIGILCTL_PATH, "watch", "--plain", "-c", site.config_path().string()}, log);
  ASSERT_TRUE(
      eventually([&] { return watch_read_all(log).find("subscribed") != std::string::npos; }, 10s))
      << watch_read_all(log);
  // The retained states come first: the door as vigild confirmed it at start.
  EXPECT_TRUE(eventually(
      [&] {
        return !watch_line_with(watch_read_all(log), {" DOOR lobby-main ", "lock="}).empty();
      },
      10s))
      << watch_read_all(log);

  // Anna passes: the lobby holds one person.
  MqttTestSubscriber zone(site.broker().uri(), zone_topic);
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  site.set_contact(true);
  ASSERT_TRUE(
      eventually([&] { return zone.count() > 0 && watch_latest(zone)["occupancy"] == 1; }, 10s))
      << site.vigild_log();
  EXPECT_TRUE(eventually(
      [&] {
        return !watch_line_with(watch_read_all(log), {" ZONE lobby ", "occupancy=1"}).empty();
      },
      10s))
      << watch_read_all(log);
  site.set_contact(false);
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 6s));

  // A forced door: the incident's line and the door's state line appear.
  site.set_contact(true);
  ASSERT_TRUE(eventually(
      [&] {
        return !watch_line_with(watch_read_all(log), {" INCIDENT ", "door_forced", "zone=lobby"})
                    .empty();
      },
      10s))
      << watch_read_all(log) << site.vigild_log();
  EXPECT_TRUE(eventually(
      [&] {
        return !watch_line_with(watch_read_all(log), {" DOOR lobby-main ", "alarm=forced"}).empty();
      },
      10s))
      << watch_read_all(log);
  EXPECT_TRUE(eventually(
      [&] {
        return !watch_line_with(watch_read_all(log), {" INCIDENT-STATE ", " open "}).empty();
      },
      10s))
      << watch_read_all(log);

  // A lockdown ordered with vigilctl closes the zone, on the broker and in the watch.
  {
    ChildProcess ctl({VIGILCTL_PATH, "lockdown", "set", "lobby", "--reason", "drill", "-c",
                      site.config_path().string()},
                     site.config_path().parent_path() / "vigilctl-lockdown.log");
    ASSERT_TRUE(ctl.wait_exit(30s));
    ASSERT_EQ(WEXITSTATUS(*ctl.wait_status()), 0);
  }
  ASSERT_TRUE(
      eventually([&] { return zone.count() > 0 && watch_latest(zone)["lockdown"] == true; }, 10s))
      << site.vigild_log();
  EXPECT_EQ(watch_latest(zone)["lockdown_zone"], "lobby");
  EXPECT_TRUE(eventually(
      [&] {
        return !watch_line_with(watch_read_all(log), {" ZONE lobby ", "lockdown=lobby"}).empty();
      },
      10s))
      << watch_read_all(log);

  // Each incident once, however often the broker resends it.
  const std::string text = watch_read_all(log);
  EXPECT_EQ(text.find(" door_forced zone="), text.rfind(" door_forced zone=")) << text;
  watch.signal(SIGTERM);
  EXPECT_TRUE(watch.wait_exit(5s)) << "watch stops on SIGTERM";
  site.stop_vigild();
}

}  // namespace
}  // namespace vigil::testing
