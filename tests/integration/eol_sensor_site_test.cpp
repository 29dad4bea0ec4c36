// A sensor on an EOL-supervised line in the real vigild (issue 9 items 3 and
// 6): the libmodbus server supplies the loop resistance in an input register.
// A cut is the sensor's tamper in its alarm zone (event, MQTT incident,
// deficiency listed under the sensor, first on the zone's checklist); the
// alarm band is the sensor's alarm.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace eol_site {

using namespace std::chrono_literals;

constexpr std::uint16_t kNormal = 1000, kAlarm = 2000, kCut = 60000;

const char* kEolConfig =
    "alarm_zones:\n"
    "  - id: lobby\n"
    "    exit_delay: 0s\n"
    "    sensors:\n"
    "      - { name: lobby-window, kind: glass_break, point: { device: io1, supervised: loop0 } "
    "}\n";

std::optional<nlohmann::json> incident(const MqttTestSubscriber& sub, const std::string& kind) {
  for (const auto& m : sub.messages()) {
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.value("kind", "") == kind) return j;
  }
  return std::nullopt;
}

TEST(EolSensor, ACutLineIsTheSensorsTamperInItsZoneAndItsDeficiency) {
  SiteHarness::Options options;
  options.supervised_loop = true;
  options.extra_config = kEolConfig;
  SiteHarness site({}, options);
  MqttTestSubscriber sub(site.broker().uri(), site.incident_filter());
  site.start_vigild();

  site.io().set_input_register(0, kCut);
  ASSERT_TRUE(eventually([&] { return incident(sub, "tamper").has_value(); }, 3s))
      << site.vigild_log();
  const auto cut = site.events(core::EventKind::line_tamper);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(core::attr_text(cut[0].attrs, "sensor"), "lobby-window");
  EXPECT_EQ(core::attr_text(cut[0].attrs, "state"), "cut");
  ASSERT_TRUE(cut[0].zone);
  EXPECT_EQ(cut[0].zone->str(), "lobby");
  const auto tamper = *incident(sub, "tamper");
  EXPECT_NE(tamper.dump().find("lobby-window"), std::string::npos) << tamper.dump();
  EXPECT_EQ(tamper.value("zone", ""), "lobby") << tamper.dump();

  // The deficiency is the sensor's, in its zone, and leads the zone's checklist.
  auto [rc, out] = site_vigilctl(site, {"inspect", "--zone", "lobby", "--json"});
  ASSERT_EQ(rc, 0) << out;
  const auto report = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << out;
  ASSERT_EQ(report["deficiencies"].size(), 1u) << out;
  const auto& d = report["deficiencies"][0];
  EXPECT_EQ(d["item"], "sensor:lobby-window") << out;
  EXPECT_EQ(d["kind"], "line_fault") << out;
  EXPECT_EQ(d["zone"], "lobby") << out;
  EXPECT_EQ(d["state"], "open") << out;
  std::tie(rc, out) = site_vigilctl(site, {"inspection", "start", "lobby"});
  ASSERT_EQ(rc, 0) << out;
  const auto first = out.find("\n  ");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_EQ(out.substr(first + 3, 11), "deficiency:") << out;
  EXPECT_NE(out.find("line_fault of sensor:lobby-window"), std::string::npos) << out;

  // Intact again: the fault clears. Armed, the alarm band is the sensor's alarm.
  site.io().set_input_register(0, kNormal);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::line_restored).empty(); }, 3s));
  EXPECT_EQ(core::attr_text(site.events(core::EventKind::line_restored)[0].attrs, "sensor"),
            "lobby-window");
  std::tie(rc, out) = site_vigilctl(site, {"alarm", "arm", "lobby"});
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::alarm_armed).empty(); }, 3s))
      << site.vigild_log();
  site.io().set_input_register(0, kAlarm);
  ASSERT_TRUE(eventually([&] { return incident(sub, "intrusion").has_value(); }, 3s))
      << site.vigild_log();
  const auto intrusion = site.events(core::EventKind::alarm_intrusion);
  ASSERT_EQ(intrusion.size(), 1u);
  EXPECT_EQ(core::attr_text(intrusion[0].attrs, "sensor"), "lobby-window");
  EXPECT_EQ(site.events(core::EventKind::line_tamper).size(), 1u) << "the alarm band is no tamper";
}

}  // namespace eol_site
}  // namespace vigil::testing
