// The meeting digest from a running vigild (issue 11 item 6): published
// retained on <prefix>/digest at its configured local time, through a real
// mosquitto, listing an open forced door both as an open incident and as an
// open deficiency (docs/inspections.md). Every payload is also checked
// against docs/schema by the suite's capture validator.
#include <gtest/gtest.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "site_harness.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

// "HH:MM:SS" of the wall clock `ahead` from now, in UTC (the harness's site zone).
std::string digest_slot_in(std::chrono::seconds ahead) {
  const std::time_t t = std::time(nullptr) + ahead.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &tm);
  return text;
}

TEST(DigestSite, VigildPublishesTheDigestAtItsSlotWithTheOpenForcedDoorAndItsDeficiency) {
  SiteHarness site({}, SiteHarness::Options{.broker_extra = ", digest: { enabled: false }"});
  site.start_vigild();
  MqttTestSubscriber incidents(site.broker().uri(), site.incident_filter());
  site.set_contact(true);  // nobody was granted: a forced door
  ASSERT_TRUE(incidents.wait_for(1, 10s)) << site.vigild_log();
  const auto forced = nlohmann::json::parse(incidents.messages().front().payload);
  ASSERT_EQ(forced["kind"], "door_forced");
  site.stop_vigild();

  // The same gateway, now with a digest due a few seconds after it starts.
  site.reconfigure(
      SiteHarness::Options{.broker_extra = ", digest: { at: \"" + digest_slot_in(6s) + "\" }"});
  site.start_vigild();
  MqttTestSubscriber digest(site.broker().uri(), "vigil/v1/test-site/gw1/digest");
  ASSERT_TRUE(digest.wait_for(1, 20s)) << site.vigild_log();
  const auto message = digest.messages().front();
  const auto j = nlohmann::json::parse(message.payload);
  EXPECT_EQ(j["site"], "test-site");
  EXPECT_EQ(j["gateway"], "gw1");

  bool incident_listed = false;
  for (const auto& open : j["open"]) incident_listed |= open["id"] == forced["id"];
  EXPECT_TRUE(incident_listed) << j.dump(2);
  bool deficiency_listed = false;
  for (const auto& d : j["deficiencies"]["open"])
    deficiency_listed |= d["kind"] == "forced" && d["item"] == "door:lobby-main";
  EXPECT_TRUE(deficiency_listed) << j.dump(2);

  // Retained: a meeting console that connects later still gets it.
  MqttTestSubscriber late(site.broker().uri(), "vigil/v1/test-site/gw1/digest");
  ASSERT_TRUE(late.wait_for(1, 5s));
  EXPECT_TRUE(late.messages().front().retained);
  EXPECT_EQ(late.messages().front().payload, message.payload);
  site.stop_vigild();
}

}  // namespace
}  // namespace vigil::testing
