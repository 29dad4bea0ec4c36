// Two-person rule across a real vigild restart (issue 8, rule 5): the first
// badge journalled as two_person_waiting with the steady clock's boot id
// and reading; the restarted vigild (same boot, same CLOCK_MONOTONIC)
// folds it back, so the second badge within the window still completes the
// pair. A pair completed before a restart leaves nobody waiting after it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace two_person_restart_site_test {

using namespace std::chrono_literals;

// The lobby becomes a two-person zone with a 30 s window.
void two_person_lobby(const SiteHarness& site) {
  std::ifstream in(site.config_path());
  std::stringstream text;
  text << in.rdbuf();
  std::string config = text.str();
  const std::string zone = "{ id: lobby, name: Lobby }";
  config.replace(config.find(zone), zone.size(),
                 "{ id: lobby, name: Lobby, two_person_window: 30s }");
  std::ofstream(site.config_path()) << config;
}

// The verdicts at the door so far: waits and grants, in journal order.
std::vector<core::Event> pair_events(const SiteHarness& site) {
  std::vector<core::Event> out;
  for (const auto& e : site.all_events()) {
    if (e.kind == core::EventKind::two_person_waiting ||
        e.kind == core::EventKind::access_granted) {
      out.push_back(e);
    }
  }
  return out;
}

TEST(TwoPersonRestartSite, TheSecondBadgeAfterARestartCompletesThePairWithinTheWindow) {
  SiteHarness site;
  two_person_lobby(site);
  {
    // Clara, a second authorised person (card 12:1003).
    journal::Roster roster(site.journal_path(), "test");
    journal::RosterFile file;
    file.people.push_back(
        core::Person{core::PersonId("p03"), "Clara", true, {core::AccessLevelId("everyone")}});
    file.credentials.push_back(core::Credential{{12, 1003}, core::PersonId("p03"), true, {}, {}});
    file.name = "clara.csv";
    roster.import(file, core::TimePoint{});
  }
  site.start_vigild();
  site.swipe(12, 1001);  // Anna, the first of two
  ASSERT_TRUE(eventually([&] { return pair_events(site).size() == 1; }, 5s)) << site.vigild_log();
  const auto first = pair_events(site)[0];
  ASSERT_EQ(first.kind, core::EventKind::two_person_waiting);
  EXPECT_EQ(first.person, core::PersonId("p01"));
  EXPECT_FALSE(core::attr_text(first.attrs, "mono_clock").value_or("").empty());
  EXPECT_GT(core::attr_int(first.attrs, "mono_us").value_or(0), 0);

  site.stop_vigild();
  site.start_vigild();
  site.swipe(12, 1003);  // Clara, after the restart, well within 30 s
  ASSERT_TRUE(eventually([&] { return pair_events(site).size() == 2; }, 5s)) << site.vigild_log();
  const auto pair = pair_events(site)[1];
  EXPECT_EQ(pair.kind, core::EventKind::access_granted) << core::describe(pair);
  EXPECT_EQ(core::attr_text(pair.attrs, "two_person_with"), "p01");

  // The pair is complete: after another restart Clara waits as a new first.
  site.stop_vigild();
  site.start_vigild();
  site.swipe(12, 1003);
  ASSERT_TRUE(eventually([&] { return pair_events(site).size() == 3; }, 5s)) << site.vigild_log();
  EXPECT_EQ(pair_events(site)[2].kind, core::EventKind::two_person_waiting);
  site.stop_vigild();
}

}  // namespace two_person_restart_site_test
}  // namespace vigil::testing
