// An incident's outbox row leaves the outbox after the broker's PUBACK, in
// the journal writer's next commit (docs/design.md, s25-forced). A vigild
// killed before that commit sends the incident again on its next start: the
// same message, byte for byte, and a guards' console shows it once.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "site_harness.hpp"
#include "vigil/console/state_store.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t outbox_rows(const std::filesystem::path& journal) {
  journal::sqlite::Database db(journal, journal::sqlite::OpenOptions{.durable = false});
  return db.query_int("SELECT count(*) FROM outbox");
}

TEST(OutboxResendSite, AnIncidentStillInTheOutboxWhenKilledIsResentOnceAndShownOnce) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  site.set_contact(true);
  ASSERT_TRUE(console.wait_for(1, 5s)) << site.vigild_log();
  // Delivered; nothing committed since, so its row is still in the outbox
  // (acknowledged or about to be).
  ASSERT_GE(outbox_rows(site.journal_path()), 1);

  site.kill_vigild();
  // Closed while vigild is away: the next start finds the door shut, so the
  // only incident it can send is the one left in the outbox.
  site.set_contact(false);
  site.start_vigild();

  ASSERT_TRUE(console.wait_for(2, 10s)) << "the row left in the outbox is sent again";
  EXPECT_FALSE(console.wait_for(3, 1s)) << "and only once";
  const auto got = console.messages();
  EXPECT_EQ(got[1].topic, got[0].topic);
  EXPECT_EQ(got[1].payload, got[0].payload) << "the same message, byte for byte";

  console::StateStore store("vigil");
  for (const auto& m : got) store.apply(m.topic, m.payload);
  const auto queue = store.queue();
  ASSERT_EQ(queue.size(), 1u) << "the console shows the incident once";
  EXPECT_EQ(nlohmann::json::parse(got[0].payload).at("seq").get<std::uint64_t>(),
            site.events(core::EventKind::door_forced).at(0).seq);
}

TEST(OutboxResendSite, AcknowledgedIncidentsLeaveTheOutboxWithTheNextCommit) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  for (int i = 1; i <= 3; ++i) {
    site.set_contact(true);
    ASSERT_TRUE(console.wait_for(static_cast<std::size_t>(i), 5s)) << site.vigild_log();
    site.set_contact(false);
    ASSERT_TRUE(eventually(
        [&] {
          return site.events(core::EventKind::door_closed).size() == static_cast<std::size_t>(i);
        },
        5s));
  }
  // The gateway's disk does not keep what the broker has: at most the rows of
  // the newest commits wait for the next one.
  EXPECT_LE(outbox_rows(site.journal_path()), 3);
  site.stop_vigild();
  EXPECT_EQ(outbox_rows(site.journal_path()), 0) << "a clean stop deletes what was acknowledged";
}

}  // namespace
}  // namespace vigil::testing
