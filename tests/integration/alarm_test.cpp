// Alarm zones and fire release end to end: the real vigild and vigilctl, the
// libmodbus I/O module server and a real mosquitto subscriber.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace alarm_test {

using namespace std::chrono_literals;

constexpr int kPirInput = 3;
constexpr int kFireInput = 7;

// The lobby is an alarm zone: its door is the entry route, a PIR covers the
// room; a fire panel's relay on input 7 releases the lobby door.
const char* kAlarmConfig =
    "alarm_zones:\n"
    "  - id: lobby\n"
    "    exit_delay: 1s\n"
    "    entry_delay: 2s\n"
    "    sensors:\n"
    "      - { name: lobby-door, door: lobby-main, entry_route: true }\n"
    "      - { name: lobby-pir, kind: motion, point: { device: io1, input: 3 } }\n"
    "fire:\n"
    "  inputs:\n"
    "    - { name: fire-panel, point: { device: io1, input: 7 } }\n"
    "  doors: [lobby-main]\n";

SiteHarness::Options alarm_site() {
  SiteHarness::Options o;
  o.extra_config = kAlarmConfig;
  return o;
}

std::pair<int, std::string> vigilctl(const SiteHarness& site, std::vector<std::string> args) {
  const auto log = site.config_path().parent_path() / "vigilctl-alarm.log";
  std::filesystem::remove(log);
  args.insert(args.begin(), VIGILCTL_PATH);
  args.push_back("-c");
  args.push_back(site.config_path().string());
  ChildProcess ctl(std::move(args), log);
  int rc = -1;
  if (ctl.wait_exit(30s) && WIFEXITED(*ctl.wait_status())) rc = WEXITSTATUS(*ctl.wait_status());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

bool has_incident(const MqttTestSubscriber& sub, const std::string& kind) {
  for (const auto& m : sub.messages()) {
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.value("kind", "") == kind) return true;
  }
  return false;
}

TEST(AlarmZones, MotionInAnArmedZoneIsAnIntrusionIncidentOnTheBroker) {
  SiteHarness site({}, alarm_site());
  MqttTestSubscriber sub(site.broker().uri(), site.incident_filter());
  site.start_vigild();

  auto [rc, out] = vigilctl(site, {"alarm", "arm", "lobby"});
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::alarm_armed).empty(); }, 10s))
      << site.vigild_log();
  const auto arming = site.events(core::EventKind::alarm_arming);
  ASSERT_EQ(arming.size(), 1u);
  EXPECT_FALSE(core::attr_text(arming[0].attrs, "operator").value_or("").empty());

  site.io().set_input(kPirInput, true);
  ASSERT_TRUE(eventually([&] { return has_incident(sub, "intrusion"); }, 10s)) << site.vigild_log();
  const auto intrusion = site.events(core::EventKind::alarm_intrusion);
  ASSERT_EQ(intrusion.size(), 1u);
  EXPECT_EQ(core::attr_text(intrusion[0].attrs, "sensor"), "lobby-pir");

  std::tie(rc, out) = vigilctl(site, {"alarm", "status"});
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("lobby  alarm"), std::string::npos) << out;
}

TEST(AlarmZones, ArmingSurvivesARestartAndTheLevelReadAtStartIsNotAnAlarm) {
  SiteHarness site({}, alarm_site());
  site.start_vigild();
  ASSERT_EQ(vigilctl(site, {"alarm", "arm", "lobby"}).first, 0);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::alarm_armed).empty(); }, 10s))
      << site.vigild_log();
  site.stop_vigild();
  ASSERT_TRUE(eventually([&] { return !site.vigild_running(); }, 10s));
  site.io().set_input(kPirInput, true);  // active while nobody watched: state
  site.start_vigild();
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::alarm_restored).empty(); }, 10s));
  EXPECT_EQ(core::attr_text(site.events(core::EventKind::alarm_restored)[0].attrs, "state"),
            "armed");
  std::this_thread::sleep_for(500ms);  // several polls of the module
  EXPECT_TRUE(site.events(core::EventKind::alarm_intrusion).empty());
  // A fresh opening after it was seen quiet is an intrusion.
  site.io().set_input(kPirInput, false);
  std::this_thread::sleep_for(200ms);
  site.io().set_input(kPirInput, true);
  EXPECT_TRUE(
      eventually([&] { return !site.events(core::EventKind::alarm_intrusion).empty(); }, 10s))
      << site.vigild_log();
}

TEST(FireRelease, FireInputReleasesTheDoorCoilUntilClearedAndReset) {
  SiteHarness site({}, alarm_site());
  MqttTestSubscriber sub(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  ASSERT_FALSE(site.io().coil(SiteHarness::kLockCoil));

  site.io().set_input(kFireInput, true);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(eventually([&] { return has_incident(sub, "fire_release"); }, 10s));
  const auto released = site.events(core::EventKind::fire_release);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(core::attr_text(released[0].attrs, "doors"), "lobby-main");

  // A reset while the panel still signals fire is refused; the coil stays.
  ASSERT_EQ(vigilctl(site, {"fire", "reset"}).first, 0);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::fire_reset_refused).empty(); }, 10s));
  EXPECT_TRUE(site.io().coil(SiteHarness::kLockCoil));

  site.io().set_input(kFireInput, false);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::fire_input_cleared).empty(); }, 10s));
  EXPECT_TRUE(site.io().coil(SiteHarness::kLockCoil));  // still released: nobody reset
  ASSERT_EQ(vigilctl(site, {"fire", "reset"}).first, 0);
  EXPECT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 10s))
      << site.vigild_log();
  // The relock reaches the module before the journal's group commit.
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::fire_reset).empty(); }, 10s));
  const auto reset = site.events(core::EventKind::fire_reset);
  ASSERT_EQ(reset.size(), 1u);
  EXPECT_FALSE(core::attr_text(reset[0].attrs, "operator").value_or("").empty());
}

}  // namespace alarm_test
}  // namespace vigil::testing
