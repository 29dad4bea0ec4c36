// Fail-safe doors end to end: the real vigild, the libmodbus I/O module
// server and the sim GPIO chip. What a guard and an auditor rely on when the
// daemon stops, dies or its module refuses to move a lock.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <csignal>

#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

std::optional<std::string> cause(const core::Event& e) {
  return core::attr_text(e.attrs, "cause");
}

TEST(FailSafeDoors, SigtermDuringAPulseLeavesTheCoilOffAndJournalsTheRelock) {
  SiteHarness site({}, SiteHarness::Options{.unlock_time = "30s"});
  site.start_vigild();
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::door_unlocked).empty(); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(site.io().coil(SiteHarness::kLockCoil));

  site.signal_vigild(SIGTERM);
  ASSERT_TRUE(eventually([&] { return !site.vigild_running(); }, 10s)) << site.vigild_log();
  // The door is locked while vigild is down, not for the rest of the pulse.
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil));

  // The relock for the stop is journalled (after the driver confirmed it)
  // before the daemon says it stopped (only the stop's signed checkpoint
  // follows).
  const auto stopped = site.events(core::EventKind::daemon_stopped);
  ASSERT_EQ(stopped.size(), 1u);
  const auto relocks = site.events(core::EventKind::door_relocked);
  ASSERT_FALSE(relocks.empty());
  const core::Event& relock = relocks.back();
  EXPECT_EQ(cause(relock), "sigterm") << core::describe(relock);
  EXPECT_GT(relock.seq, site.events(core::EventKind::door_unlocked).back().seq);
  EXPECT_LT(relock.seq, stopped[0].seq);
}

TEST(FailSafeDoors, SigkillDuringAPulseAndTheModulesWatchdogDropsTheCoil) {
  SiteHarness site({}, SiteHarness::Options{.unlock_time = "60s", .watchdog = "1s"});
  site.start_vigild();
  ASSERT_TRUE(eventually([&] { return site.io().watchdog().timeout == 1000ms; }, 5s))
      << "vigild did not arm the module's watchdog; log:\n"
      << site.vigild_log();
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();

  site.kill_vigild();  // no clean stop: only the module can lock the door now
  // Within the watchdog time (plus scheduling slack), far short of the 60 s
  // pulse: the module itself drops the coil to its safe value (off).
  EXPECT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 5s));
  EXPECT_TRUE(site.io().watchdog().tripped);
  EXPECT_EQ(site.io().watchdog_trips(), 1u);
}

TEST(FailSafeDoors, RefusedCoilWriteIsALockFailureAndTheModulesInputsStillCount) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  site.io().set_coil_write_fault(sim::CoilWriteFault::exception);
  site.swipe(12, 1001);

  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::output_failed).empty(); }, 5s))
      << site.vigild_log();
  const auto failed = site.events(core::EventKind::output_failed)[0];
  EXPECT_EQ(failed.door->str(), "lobby-main");
  EXPECT_EQ(failed.person->str(), "p01");
  EXPECT_EQ(core::attr_text(failed.attrs, "output"), "io1/coil/0");
  EXPECT_EQ(core::attr_text(failed.attrs, "action"), "unlock");
  EXPECT_FALSE(core::attr_text(failed.attrs, "error").value_or("").empty());
  // The journal does not claim the lock moved.
  EXPECT_TRUE(site.events(core::EventKind::door_unlocked).empty());
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil));

  // The module still answers reads: a door forced meanwhile is journalled.
  site.set_contact(true);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::door_forced).empty(); }, 5s))
      << site.vigild_log();
  EXPECT_TRUE(site.events(core::EventKind::device_offline).empty());

  ASSERT_TRUE(console.wait_for(2, 10s)) << site.vigild_log();
  bool lock_failure = false;
  bool forced = false;
  for (const auto& m : console.messages()) {
    const auto payload = nlohmann::json::parse(m.payload);
    if (payload.at("kind") == "lock_failure") {
      lock_failure = true;
      EXPECT_EQ(payload.at("severity"), "major") << m.payload;
      EXPECT_EQ(payload.at("door"), "lobby-main");
    }
    if (payload.at("kind") == "door_forced") forced = true;
  }
  EXPECT_TRUE(lock_failure);
  EXPECT_TRUE(forced);
}

// The driver retries a refused write in the background. When the module
// takes the unlock at last, the grant behind it is long spent: the journal
// says the lock opened (late, for whom) and vigild locks the door again.
TEST(FailSafeDoors, AnUnlockTheModuleTakesLateIsJournalledAndTheDoorLockedAgain) {
  SiteHarness site;
  site.start_vigild();
  site.io().set_coil_write_fault(sim::CoilWriteFault::exception);
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::output_failed).empty(); }, 5s))
      << site.vigild_log();
  EXPECT_TRUE(site.events(core::EventKind::door_unlocked).empty());

  site.io().set_coil_write_fault(sim::CoilWriteFault::none);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : site.events(core::EventKind::door_relocked)) {
          if (cause(e) == "late_unlock") return true;
        }
        return false;
      },
      10s))
      << site.vigild_log();
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil)) << "locked again";
  const auto unlocked = site.events(core::EventKind::door_unlocked);
  ASSERT_EQ(unlocked.size(), 1u);
  EXPECT_EQ(cause(unlocked[0]), "grant");
  EXPECT_EQ(core::attr_bool(unlocked[0].attrs, "late"), true);
  EXPECT_EQ(unlocked[0].person->str(), "p01");
  site.stop_vigild();
}

TEST(FailSafeDoors, RexHeldAtStartDoesNotUnlockAtStartNorAfterAModuleRestart) {
  SiteHarness site;
  site.io().set_input(SiteHarness::kRexInput, true);  // shorted, or held through the door gap
  site.start_vigild();
  ASSERT_TRUE(eventually([&] { return site.io().requests_answered() > 20; }, 5s));
  // The module goes away and comes back: its levels are state again.
  site.io().stop();
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::device_offline).empty(); }, 5s))
      << site.vigild_log();
  site.io().start();
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::device_online).empty(); }, 10s))
      << site.vigild_log();
  EXPECT_TRUE(site.events(core::EventKind::rex_pressed).empty());
  EXPECT_TRUE(site.events(core::EventKind::door_unlocked).empty());
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil));

  // Released, then pressed: a real press unlocks for egress.
  site.io().set_input(SiteHarness::kRexInput, false);
  // Ten polls (20 ms each) see the release held past the 50 ms REX debounce.
  const auto polled = site.io().requests_answered();
  ASSERT_TRUE(eventually([&] { return site.io().requests_answered() > polled + 10; }, 5s));
  site.io().set_input(SiteHarness::kRexInput, true);
  EXPECT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
}

TEST(FailSafeDoors, DoorFoundOpenAtStartIsReportedOnceNotForced) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.io().set_input(SiteHarness::kContactInput, true);
  site.start_vigild();
  ASSERT_TRUE(console.wait_for(1, 10s)) << site.vigild_log();
  EXPECT_EQ(nlohmann::json::parse(console.messages()[0].payload).at("kind"), "door_open_at_start");
  EXPECT_EQ(site.events(core::EventKind::door_open_at_start).size(), 1u);
  EXPECT_TRUE(site.events(core::EventKind::door_forced).empty());
}

}  // namespace
}  // namespace vigil::testing
