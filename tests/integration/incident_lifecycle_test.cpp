// The incident lifecycle on a running vigild: `vigilctl incident ...` is a
// separate process writing into the database, and a console subscribed to
// the real broker sees the result: a reported anomaly as an incident, and
// an acknowledgement as the incident's retained state.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace incident_lifecycle_test {

using namespace std::chrono_literals;

struct CtlResult {
  int exit_code = -1;
  std::string output;
};

// vigilctl as an operator runs it: a separate process on the same file.
CtlResult vigilctl(const SiteHarness& site, std::vector<std::string> args) {
  const auto log = site.config_path().parent_path() / "vigilctl.log";
  std::filesystem::remove(log);
  args.insert(args.begin(), VIGILCTL_PATH);
  args.insert(args.end(), {"-c", site.config_path().string()});
  ChildProcess ctl(args, log);
  CtlResult result;
  if (ctl.wait_exit(30s) && WIFEXITED(*ctl.wait_status())) {
    result.exit_code = WEXITSTATUS(*ctl.wait_status());
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  result.output = text.str();
  return result;
}

nlohmann::json json_of(const ReceivedMessage& m) {
  return nlohmann::json::parse(m.payload);
}

TEST(IncidentLifecycle, AReportedAnomalyReachesAConsoleAsAnIncidentWithItsOpenState) {
  SiteHarness site;
  MqttTestSubscriber incidents(site.broker().uri(), site.incident_filter());
  MqttTestSubscriber states(site.broker().uri(), "vigil/v1/test-site/gw1/incident-state/#");
  site.start_vigild();

  const auto reported = vigilctl(site, {"incident", "report", "--kind", "approach", "--zone",
                                        "lobby", "--note", "asked about the night shift rota"});
  ASSERT_EQ(reported.exit_code, 0) << reported.output;

  ASSERT_TRUE(incidents.wait_for(1, 10s)) << site.vigild_log();
  const auto incident = json_of(incidents.messages().front());
  EXPECT_EQ(incidents.messages().front().topic, "vigil/v1/test-site/gw1/incident/major/lobby");
  EXPECT_EQ(incident["kind"], "reported_anomaly");
  EXPECT_EQ(incident["event"], "incident_reported");
  EXPECT_NE(incident["summary"].get<std::string>().find("asked about the night shift rota"),
            std::string::npos);

  ASSERT_TRUE(states.wait_for(1, 10s)) << site.vigild_log();
  const auto state = json_of(states.messages().front());
  EXPECT_EQ(state["state"], "open");
  EXPECT_EQ(state["id"], incident["id"]);
  EXPECT_EQ(state["level_name"], "shift_lead");
}

TEST(IncidentLifecycle, AnAckByVigilctlOnARunningVigildIsRetainedForConsolesThatComeLater) {
  SiteHarness site;
  MqttTestSubscriber incidents(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  site.set_contact(true);  // a forced door: incident, state open
  ASSERT_TRUE(incidents.wait_for(1, 10s)) << site.vigild_log();
  const auto incident = json_of(incidents.messages().front());
  const auto seq = std::to_string(incident["seq"].get<std::uint64_t>());

  const auto acked = vigilctl(site, {"incident", "ack", seq});
  ASSERT_EQ(acked.exit_code, 0) << acked.output;
  EXPECT_NE(acked.output.find("incident_acknowledged"), std::string::npos) << acked.output;

  // A console that subscribes after the ack reads the retained state.
  std::optional<nlohmann::json> state;
  bool retained = false;
  ASSERT_TRUE(eventually(
      [&] {
        MqttTestSubscriber late(site.broker().uri(), "vigil/v1/test-site/gw1/incident-state/#");
        late.wait_for(1, 2s);
        for (const auto& m : late.messages()) {
          if (json_of(m)["state"] == "acknowledged") {
            state = json_of(m);
            retained = m.retained;
          }
        }
        return state.has_value();
      },
      15s))
      << site.vigild_log();
  EXPECT_TRUE(retained);
  EXPECT_EQ((*state)["id"], incident["id"]);
  EXPECT_EQ((*state)["by"], vigil::ctl::current_operator());
  EXPECT_EQ((*state)["acknowledged_by"], vigil::ctl::current_operator());
  EXPECT_EQ((*state)["level"], 1);
  EXPECT_EQ((*state)["zone"], "lobby");

  // Acknowledging again is refused, says why, and publishes nothing new.
  const auto again = vigilctl(site, {"incident", "ack", seq});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("already acknowledged at level 1 (shift_lead)"), std::string::npos)
      << again.output;

  // The journal still verifies with the action in it.
  const auto verified = vigilctl(site, {"log", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

}  // namespace incident_lifecycle_test
}  // namespace vigil::testing
