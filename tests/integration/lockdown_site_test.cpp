// Lockdown end to end (issue 8): `vigilctl lockdown set` on the database of
// a running vigild closes the zone within a second, relocks a door that a
// grant had just unlocked, survives a vigild restart, and `lockdown release`
// lets the levels decide again. Each order is journalled with its operator.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

int lockdown(const SiteHarness& site, const std::string& verb, const std::string& reason) {
  const auto log = site.config_path().parent_path() / "vigilctl.log";
  ChildProcess ctl({VIGILCTL_PATH, "lockdown", verb, "lobby", "--reason", reason, "-c",
                    site.config_path().string()},
                   log);
  if (!ctl.wait_exit(30s) || !WIFEXITED(*ctl.wait_status())) return -1;
  return WEXITSTATUS(*ctl.wait_status());
}

// Swipes Anna's card and waits for the decision.
std::optional<core::Event> anna_swipes(SiteHarness& site) {
  return site.swipe_and_decide(12, 1001);
}

TEST(LockdownSite, ALockdownClosesTheZoneRelocksItsDoorAndSurvivesARestart) {
  SiteHarness::Options options;
  options.unlock_time = "20s";
  SiteHarness site({}, options);
  site.start_vigild();
  auto first = anna_swipes(site);
  ASSERT_TRUE(first && first->kind == core::EventKind::access_granted) << site.vigild_log();
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s));

  // Ordered while the door is unlocked for 20 s: relocked within moments.
  ASSERT_EQ(lockdown(site, "set", "drill 7"), 0);
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  auto refused = anna_swipes(site);
  ASSERT_TRUE(refused) << site.vigild_log();
  EXPECT_EQ(refused->reason, core::DenyReason::zone_locked_down);
  EXPECT_EQ(core::attr_text(refused->attrs, "lockdown_reason"), "drill 7");

  site.stop_vigild();
  site.start_vigild();
  auto after_restart = anna_swipes(site);
  ASSERT_TRUE(after_restart) << site.vigild_log();
  EXPECT_EQ(after_restart->reason, core::DenyReason::zone_locked_down);

  ASSERT_EQ(lockdown(site, "release", "drill over"), 0);
  ASSERT_TRUE(eventually(
      [&] {
        auto e = anna_swipes(site);
        return e && e->kind == core::EventKind::access_granted;
      },
      5s))
      << site.vigild_log();
  site.stop_vigild();

  const auto set = site.events(core::EventKind::lockdown_set);
  const auto released = site.events(core::EventKind::lockdown_released);
  ASSERT_EQ(set.size(), 1u);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(set[0].zone->str(), "lobby");
  EXPECT_TRUE(core::attr_text(set[0].attrs, "operator"));
  EXPECT_EQ(core::attr_text(released[0].attrs, "reason"), "drill over");
  bool relocked_by_lockdown = false;
  for (const auto& e : site.events(core::EventKind::door_relocked)) {
    relocked_by_lockdown |= core::attr_text(e.attrs, "cause") == "lockdown";
  }
  EXPECT_TRUE(relocked_by_lockdown);
}

}  // namespace
}  // namespace vigil::testing
