// The MQTT topic contract v1 as a console sees it: every kind of message a
// gateway sends (status online and offline, an incident, the retained
// checkpoint) captured from a real vigild through a real mosquitto, and
// checked by the independent Python validator against docs/schema/.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "site_harness.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

// Runs validate_payloads.py on `messages`; its exit code and output.
std::pair<int, std::string> validate(const std::vector<ReceivedMessage>& messages,
                                     const std::string& require) {
  TempDir dir{"vigil-contract"};
  {
    std::ofstream out(dir.file("messages.jsonl"));
    for (const auto& m : messages) {
      nlohmann::json line{{"topic", m.topic}, {"payload", m.payload}, {"retained", m.retained}};
      out << line.dump() << "\n";
    }
  }
  const std::string command = std::string{"python3 "} + VIGIL_SOURCE_DIR +
                              "/tests/integration/validate_payloads.py --schemas " +
                              VIGIL_SOURCE_DIR + "/docs/schema --require=" + require + " " +
                              dir.file("messages.jsonl").string() + " > " +
                              dir.file("out.txt").string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(dir.file("out.txt"));
  std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(MqttContract, EveryKindOfMessageAGatewaySendsMatchesTheV1Schemas) {
  // Full names, so the muster list names who is inside (muster.schema.json).
  SiteHarness site({},
                   SiteHarness::Options{.broker_extra = ", events: { personal_data: full_name }"});
  MqttTestSubscriber everything(site.broker().uri(), "vigil/#");
  MqttTestSubscriber incidents(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  site.swipe(12, 1001);  // Anna walks in: an entry, and her name on the zone's muster list
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  site.set_contact(true);
  ASSERT_TRUE(eventually([&] { return site.events(core::EventKind::entry).size() == 1; }, 5s));
  site.set_contact(false);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& m : everything.messages()) {
          if (m.topic.find("/muster/") != std::string::npos &&
              m.payload.find("\"name\":\"Anna\"") != std::string::npos)
            return true;
        }
        return false;
      },
      5s))
      << site.vigild_log();
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_relocked).size() == 2; }, 5s));
  site.swipe(12, 4242);  // nobody's card: a denial on event/<zone>
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& m : everything.messages()) {
          if (m.topic.find("/event/") != std::string::npos) return true;
        }
        return false;
      },
      10s))
      << site.vigild_log();
  site.set_contact(true);  // a forced door: an incident
  ASSERT_TRUE(incidents.wait_for(1, 10s)) << site.vigild_log();
  site.stop_vigild();  // status offline and the stop's checkpoint, retained
  ASSERT_TRUE(eventually(
      [&] {
        bool checkpoint = false, offline = false;
        for (const auto& m : everything.messages()) {
          checkpoint |= m.topic.ends_with("/checkpoint");
          offline |= m.topic.ends_with("/status") && m.payload.find("offline") != std::string::npos;
        }
        return checkpoint && offline;
      },
      10s))
      << site.vigild_log();

  const auto [rc, output] =
      validate(everything.messages(),
               "status,incident,checkpoint,door-state,zone-state,muster,event,incident-state");
  EXPECT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("0 problems"), std::string::npos) << output;
}

TEST(MqttContract, AConsoleSubscribingLateGetsEachDoorsStateRetained) {
  SiteHarness site;
  MqttTestSubscriber incidents(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  site.set_contact(true);  // forced
  ASSERT_TRUE(incidents.wait_for(1, 10s)) << site.vigild_log();
  auto latest = [&](MqttTestSubscriber& s) {
    return nlohmann::json::parse(s.messages().back().payload);
  };
  {
    MqttTestSubscriber late(site.broker().uri(), "vigil/v1/test-site/gw1/state/door/lobby-main");
    ASSERT_TRUE(
        eventually([&] { return late.count() > 0 && latest(late)["alarm"] == "forced"; }, 10s))
        << site.vigild_log();
    EXPECT_TRUE(late.messages().back().retained);
    EXPECT_EQ(latest(late)["contact"], "open");
    EXPECT_EQ(latest(late)["lock"], "locked");  // confirmed locked at start, and forced
  }
  site.set_contact(false);
  MqttTestSubscriber later(site.broker().uri(), "vigil/v1/test-site/gw1/state/door/lobby-main");
  ASSERT_TRUE(
      eventually([&] { return later.count() > 0 && latest(later)["contact"] == "closed"; }, 10s))
      << site.vigild_log();
  EXPECT_EQ(latest(later)["alarm"], "none");
}

TEST(MqttContract, TheValidatorRefusesAPayloadThatBreaksTheContract) {
  // The validator must be able to fail: a card number in an incident, a
  // severity that disagrees with the topic, and a topic outside v1.
  std::vector<ReceivedMessage> bad{
      {"vigil/v1/hq/gw1/incident/major/lobby",
       R"({"v":1,"id":"hq/gw1/0011aabb/7","kind":"door_forced","severity":"critical",)"
       R"("time":"2026-11-29T07:00:00.000000Z","seq":7,"event":"door_forced","site":"hq",)"
       R"("gateway":"gw1","zone":"lobby","card":"12:1009"})",
       1, false},
      {"vigil/hq/gw1/status", R"({"v":1,"state":"online","site":"hq","gateway":"gw1"})", 1, true},
      // An incident state under another incident's topic, resolved with no note.
      {"vigil/v1/hq/gw1/incident-state/0011aabb/8",
       R"({"v":1,"id":"hq/gw1/0011aabb/7","seq":7,"state":"resolved","site":"hq","gateway":"gw1",)"
       R"("level":1,"level_name":"shift_lead","levels":3,"opened":"2026-11-29T07:00:00.000000Z",)"
       R"("time":"2026-11-29T07:05:00.000000Z","by":"ana","resolved_by":"ana",)"
       R"("resolved_at":"2026-11-29T07:05:00.000000Z"})",
       1, true},
  };
  const auto [rc, output] = validate(bad, "");
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(output.find("severity 'critical' differs from the topic's"), std::string::npos)
      << output;
  EXPECT_NE(output.find("should not be valid"), std::string::npos) << output;  // the card
  EXPECT_NE(output.find("outside the v1 contract"), std::string::npos) << output;
  EXPECT_NE(output.find("id 'hq/gw1/0011aabb/7', topic says 'hq/gw1/0011aabb/8'"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("'note' is a required property"), std::string::npos) << output;
}

}  // namespace
}  // namespace vigil::testing
