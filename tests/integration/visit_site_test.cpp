// Visits end to end (issue 8, item 6): `vigilctl visit add` through the
// running vigild's control socket makes a person a visitor within a second;
// the visitor's card then opens the door only with an escort's badge within
// the zone's escort window (either order), and a refusal raises
// visitor_anomaly on the broker (captured and checked against
// docs/schema/incident.schema.json by the suite's validate_payloads.py).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace visit_site_test {

using namespace std::chrono_literals;

std::vector<nlohmann::json> visitor_anomalies(const MqttTestSubscriber& sub) {
  std::vector<nlohmann::json> out;
  for (const auto& m : sub.messages()) {
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.value("kind", "") == "visitor_anomaly") out.push_back(j);
  }
  return out;
}

// The verdicts (grant, denial, wait) of `person` journalled so far.
std::vector<core::Event> verdicts_of(const SiteHarness& site, const char* person) {
  std::vector<core::Event> out;
  for (const auto& e : site.all_events()) {
    if ((e.kind == core::EventKind::access_granted || e.kind == core::EventKind::access_denied ||
         e.kind == core::EventKind::escort_waiting) &&
        e.person == core::PersonId(person)) {
      out.push_back(e);
    }
  }
  return out;
}

// A 2 s escort window on the lobby, so the no-escort case ends quickly.
void short_escort_window(const SiteHarness& site) {
  std::ifstream in(site.config_path());
  std::stringstream text;
  text << in.rdbuf();
  std::string config = text.str();
  const std::string zone = "{ id: lobby, name: Lobby }";
  config.replace(config.find(zone), zone.size(), "{ id: lobby, name: Lobby, escort_window: 2s }");
  std::ofstream(site.config_path()) << config;
}

TEST(VisitSite, AVisitorPassesWithAnEscortAndIsRefusedWithoutOne) {
  SiteHarness site;
  short_escort_window(site);
  {
    // Vera, the visitor, enrolled with her visitor card 12:1003.
    journal::Roster roster(site.journal_path(), "reception");
    journal::RosterFile file;
    file.people.push_back(core::Person{core::PersonId("p03"), "Vera", true, {}});
    file.credentials.push_back(core::Credential{{12, 1003}, core::PersonId("p03"), true, {}, {}});
    file.name = "visitors.csv";
    roster.import(file, core::TimePoint{});
  }
  MqttTestSubscriber sub(site.broker().uri(), site.incident_filter());
  site.start_vigild();

  const auto now = std::chrono::system_clock::now();
  const auto today = core::format_date(core::LocalDate{static_cast<std::int32_t>(
      std::chrono::floor<std::chrono::days>(now).time_since_epoch().count())});
  auto [rc, out] =
      site_vigilctl(site, {"visit", "add", "p03", "--host", "p01", "--purpose", "audit",
                           "--organisation", "Ministry of X", "--delegation", "DEL-1", "--from",
                           today, "--to", today, "--zone", "lobby"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("visit_added"), std::string::npos) << out;
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::roster_reloaded).empty(); }, 5s))
      << site.vigild_log();
  // An unknown zone is refused by vigild before anything is journalled.
  auto [bad_rc, bad_out] = site_vigilctl(
      site, {"visit", "add", "p03", "--host", "p01", "--purpose", "audit", "--organisation", "X",
             "--from", today, "--to", today, "--zone", "vault"});
  EXPECT_NE(bad_rc, 0) << bad_out;

  // Visitor alone: refused when the 2 s window has passed, with an incident.
  site.swipe(12, 1003);
  ASSERT_TRUE(eventually([&] { return verdicts_of(site, "p03").size() == 2; }, 6s))
      << site.vigild_log();
  EXPECT_EQ(verdicts_of(site, "p03")[0].kind, core::EventKind::escort_waiting);
  const auto alone = verdicts_of(site, "p03")[1];
  EXPECT_EQ(alone.kind, core::EventKind::access_denied);
  EXPECT_EQ(alone.reason, core::DenyReason::escort_missing);

  // Visitor first, escort (Anna) a moment later: both granted.
  site.swipe(12, 1003);
  ASSERT_TRUE(eventually([&] { return verdicts_of(site, "p03").size() == 3; }, 5s))
      << site.vigild_log();
  EXPECT_EQ(verdicts_of(site, "p03")[2].kind, core::EventKind::escort_waiting);
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return verdicts_of(site, "p03").size() == 4; }, 5s))
      << site.vigild_log();
  const auto escorted = verdicts_of(site, "p03")[3];
  EXPECT_EQ(escorted.kind, core::EventKind::access_granted);
  EXPECT_EQ(core::attr_text(escorted.attrs, "escort"), "p01");
  EXPECT_EQ(core::attr_int(escorted.attrs, "visit"), 1);
  ASSERT_FALSE(verdicts_of(site, "p01").empty());
  EXPECT_EQ(verdicts_of(site, "p01").back().kind, core::EventKind::access_granted);

  // Escort not authorised (Ben has no level), then the visitor: refused.
  site.swipe(12, 1002);  // one read at a time: frames back to back merge into one
  ASSERT_TRUE(eventually([&] { return !verdicts_of(site, "p02").empty(); }, 5s))
      << site.vigild_log();
  site.swipe(12, 1003);
  ASSERT_TRUE(eventually([&] { return verdicts_of(site, "p03").size() == 5; }, 5s))
      << site.vigild_log();
  EXPECT_EQ(verdicts_of(site, "p03")[4].reason, core::DenyReason::escort_not_authorised);
  EXPECT_EQ(core::attr_text(verdicts_of(site, "p03")[4].attrs, "escort"), "p02");

  ASSERT_TRUE(eventually([&] { return visitor_anomalies(sub).size() >= 2; }, 5s))
      << site.vigild_log();
  const auto anomalies = visitor_anomalies(sub);
  EXPECT_EQ(anomalies[0]["severity"], "major");
  EXPECT_NE(anomalies[0].dump().find("escort_missing"), std::string::npos) << anomalies[0].dump();
  EXPECT_NE(anomalies[1].dump().find("escort_not_authorised"), std::string::npos)
      << anomalies[1].dump();
  EXPECT_NE(anomalies[1].dump().find("p03"), std::string::npos) << anomalies[1].dump();

  auto [show_rc, shown] = site_vigilctl(site, {"visit", "show", "1"});
  ASSERT_EQ(show_rc, 0) << shown;
  EXPECT_NE(shown.find("escort_missing"), std::string::npos) << shown;
  EXPECT_NE(shown.find("escort=p01"), std::string::npos) << shown;
  site.stop_vigild();
}

}  // namespace visit_site_test
}  // namespace vigil::testing
