// vigild's start after an import (issue 8's start-up, s21-startup): the
// import's person_added rows lie after the incident cursor, and the start
// replays the incident rules over the incident and streamed kinds only. A
// real vigild restarted over 20,000 imported people must still raise the
// incident a row after the cursor carries and publish the same muster list.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "site_harness.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace startup_site_test {

using namespace std::chrono_literals;

// Whether a message at or after `from` has `topic_part` in its topic and
// every one of `parts` in its payload.
bool received(MqttTestSubscriber& subscriber, std::size_t from, const std::string& topic_part,
              const std::vector<std::string>& parts) {
  const auto messages = subscriber.messages();
  for (std::size_t i = from; i < messages.size(); ++i) {
    if (messages[i].topic.find(topic_part) == std::string::npos) continue;
    bool all = true;
    for (const auto& part : parts) all &= messages[i].payload.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

TEST(StartUpSite, ARestartOverAnImportKeepsTheMusterListAndRaisesTheIncidentLeftAfterTheCursor) {
  SiteHarness site({},
                   SiteHarness::Options{.broker_extra = ", events: { personal_data: full_name }"});
  MqttTestSubscriber everything(site.broker().uri(), "vigil/#");
  site.start_vigild();
  site.swipe(12, 1001);  // Anna walks into the lobby
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  site.set_contact(true);
  ASSERT_TRUE(eventually([&] { return site.events(core::EventKind::entry).size() == 1; }, 5s));
  site.set_contact(false);
  ASSERT_TRUE(eventually([&] { return received(everything, 0, "/muster/", {"\"Anna\""}); }, 5s))
      << site.vigild_log();
  site.stop_vigild();

  // 20,000 people imported while vigild is down: their rows lie after the
  // incident cursor. Then a forced door journalled after them by a writer
  // that ran no incident rules (a daemon older than the pipeline).
  {
    journal::Roster roster(site.journal_path(), "test");
    journal::RosterFile file;
    for (std::uint64_t i = 0; i < 20'000; ++i) {
      const core::PersonId id{"imported-" + std::to_string(i)};
      file.people.push_back(core::Person{id, "Imported " + std::to_string(i), true, {}});
      file.credentials.push_back(core::Credential{{50, i}, id, true, {}, {}});
    }
    file.name = "many.csv";
    roster.import(file, core::TimePoint{});
  }
  {
    journal::Journal journal(site.journal_path());
    core::Event forced;
    forced.kind = core::EventKind::door_forced;
    forced.time =
        std::chrono::time_point_cast<core::TimePoint::duration>(std::chrono::system_clock::now());
    forced.door = core::DoorId{"lobby-main"};
    std::vector<core::Event> events{forced};
    journal.append(events);
  }

  const std::size_t before = everything.messages().size();
  site.start_vigild();
  EXPECT_TRUE(eventually(
      [&] { return received(everything, before, "/incident/", {"\"kind\":\"door_forced\""}); },
      30s))
      << site.vigild_log();
  EXPECT_TRUE(
      eventually([&] { return received(everything, before, "/muster/", {"\"Anna\""}); }, 30s))
      << site.vigild_log();
  EXPECT_NE(site.vigild_log().find("20002 people"), std::string::npos) << site.vigild_log();
  site.stop_vigild();
}

}  // namespace startup_site_test
}  // namespace vigil::testing
