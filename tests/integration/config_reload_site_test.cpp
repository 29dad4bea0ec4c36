// Reloading the site config on a running vigild (SIGHUP, as `systemctl
// reload` sends it): a door's mode changed in the file takes effect on the
// real lock without a restart, each reload is journalled with the file's
// SHA-256 and what it changed, and a file that needs a restart or does not
// parse is refused, named by line and key, while the doors keep deciding on
// the rules in force.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

std::string file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return journal::sha256_hex(bytes.str());
}

// Sends SIGHUP and waits for the reload's record (number `count` of either kind).
std::optional<core::Event> reload(SiteHarness& site, std::size_t count) {
  auto records = [&] {
    auto applied = site.events(core::EventKind::config_reloaded);
    auto refused = site.events(core::EventKind::config_reload_refused);
    applied.insert(applied.end(), refused.begin(), refused.end());
    std::sort(applied.begin(), applied.end(),
              [](const auto& a, const auto& b) { return a.seq < b.seq; });
    return applied;
  };
  site.signal_vigild(SIGHUP);
  if (!eventually([&] { return records().size() >= count; }, 10s)) return std::nullopt;
  return records().at(count - 1);
}

// Anna's card, and the decision on it.
std::optional<core::Event> anna_swipes(SiteHarness& site) {
  return site.swipe_and_decide(12, 1001);
}

bool relocked_by(const SiteHarness& site, const char* cause) {
  for (const auto& e : site.events(core::EventKind::door_relocked)) {
    if (core::attr_text(e.attrs, "cause") == std::string(cause)) return true;
  }
  return false;
}

TEST(ConfigReloadSite, ADoorsModeChangesOnTheRealLockWithoutARestartAndIsJournalled) {
  SiteHarness::Options options;
  SiteHarness site({}, options);
  site.start_vigild();
  const pid_t pid = site.vigild_pid();
  auto first = anna_swipes(site);
  ASSERT_TRUE(first && first->kind == core::EventKind::access_granted) << site.vigild_log();

  // Facilities lock the door in the file and reload.
  options.door_extra = "    mode: locked\n";
  site.reconfigure(options);
  const auto locked = reload(site, 1);
  ASSERT_TRUE(locked) << site.vigild_log();
  ASSERT_EQ(locked->kind, core::EventKind::config_reloaded) << core::describe(*locked);
  EXPECT_EQ(core::attr_text(locked->attrs, "changed"), "doors[lobby-main].mode");
  EXPECT_EQ(core::attr_text(locked->attrs, "by"), "SIGHUP");
  EXPECT_EQ(core::attr_text(locked->attrs, "sha256"), file_sha256(site.config_path()));
  auto refused = anna_swipes(site);
  ASSERT_TRUE(refused) << site.vigild_log();
  EXPECT_EQ(refused->reason, core::DenyReason::door_locked);

  // Held unlocked all day: the coil is energised, journalled from the module's answer
  // (once the first grant's pulse has ended, so the write is the schedule's).
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 5s));
  options.door_extra =
      "    mode: unlocked\n    unlocked_schedule: [{ from: \"00:00\", to: \"24:00\" }]\n";
  site.reconfigure(options);
  const auto open = reload(site, 2);
  ASSERT_TRUE(open && open->kind == core::EventKind::config_reloaded) << site.vigild_log();
  EXPECT_EQ(core::attr_text(open->attrs, "changed"),
            "doors[lobby-main].mode, doors[lobby-main].unlocked_schedule");
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : site.events(core::EventKind::door_unlocked)) {
          if (core::attr_text(e.attrs, "cause") == std::string("schedule")) return true;
        }
        return false;
      },
      5s))
      << [&] {
           std::string all;
           for (const auto& e : site.all_events()) all += core::describe(e) + "\n";
           return all;
         }();

  // Back to a card door: relocked, with the reload as the cause.
  options.door_extra = "";
  site.reconfigure(options);
  const auto back = reload(site, 3);
  ASSERT_TRUE(back && back->kind == core::EventKind::config_reloaded) << site.vigild_log();
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(eventually([&] { return relocked_by(site, "config_reload"); }, 5s));
  auto granted = anna_swipes(site);
  ASSERT_TRUE(granted && granted->kind == core::EventKind::access_granted) << site.vigild_log();

  EXPECT_TRUE(site.vigild_running());
  EXPECT_EQ(site.vigild_pid(), pid) << "no restart";
  EXPECT_EQ(site.events(core::EventKind::daemon_started).size(), 1u);
}

TEST(ConfigReloadSite, AFileThatNeedsARestartOrDoesNotParseIsRefusedAndTheRulesStay) {
  SiteHarness::Options options;
  SiteHarness site({}, options);
  site.start_vigild();

  // A rewired input needs a restart; the lock's mode in the same file does not apply either.
  options.contact_debounce = "40ms";
  options.door_extra = "    mode: locked\n";
  site.reconfigure(options);
  const auto rewired = reload(site, 1);
  ASSERT_TRUE(rewired) << site.vigild_log();
  ASSERT_EQ(rewired->kind, core::EventKind::config_reload_refused) << core::describe(*rewired);
  const auto problems = core::attr_text(rewired->attrs, "problems").value_or("");
  EXPECT_NE(problems.find("site.yaml:"), std::string::npos) << problems;
  EXPECT_NE(problems.find("'doors[lobby-main].contact_debounce' changed"), std::string::npos)
      << problems;
  EXPECT_EQ(core::attr_int(rewired->attrs, "problem_count"), 1);
  auto still_card = anna_swipes(site);
  ASSERT_TRUE(still_card) << site.vigild_log();
  EXPECT_EQ(still_card->kind, core::EventKind::access_granted) << core::describe(*still_card);

  // A first operator key: signed MQTT commands start listening only at a start.
  options.contact_debounce = "";
  options.door_extra = "";
  options.extra_operators =
      "  - { user: ben, roles: [guard], public_key: \"" + std::string(43, 'A') + "=\" }\n";
  site.reconfigure(options);
  const auto keyed = reload(site, 2);
  ASSERT_TRUE(keyed) << site.vigild_log();
  ASSERT_EQ(keyed->kind, core::EventKind::config_reload_refused) << core::describe(*keyed);
  EXPECT_NE(core::attr_text(keyed->attrs, "problems")
                .value_or("")
                .find("operator 'ben' has a "
                      "public_key"),
            std::string::npos)
      << core::describe(*keyed);

  // A file cut short mid-edit: named by line, nothing applies.
  { std::ofstream(site.config_path(), std::ios::app) << "zones: [\n"; }
  const auto broken = reload(site, 3);
  ASSERT_TRUE(broken) << site.vigild_log();
  ASSERT_EQ(broken->kind, core::EventKind::config_reload_refused);
  EXPECT_NE(core::attr_text(broken->attrs, "problems").value_or("").find("site.yaml:"),
            std::string::npos)
      << core::describe(*broken);
  auto after = anna_swipes(site);
  ASSERT_TRUE(after) << site.vigild_log();
  EXPECT_EQ(after->kind, core::EventKind::access_granted);
  EXPECT_TRUE(site.vigild_running());
}

TEST(ConfigReloadSite, VigilctlConfigReloadSaysWhatChangedOrWhyNotAndRecordsWhoAsked) {
  SiteHarness::Options options;
  SiteHarness site({}, options);
  site.start_vigild();

  options.unlock_time = "4s";
  site.reconfigure(options);
  // First a dry run: what would change, nothing applied or journalled.
  const auto [dry_rc, dry_out] = site_vigilctl(site, {"config", "reload", "--dry-run"});
  EXPECT_EQ(dry_rc, 0) << dry_out << site.vigild_log();
  EXPECT_NE(dry_out.find("would apply; would change: doors[lobby-main].unlock_time"),
            std::string::npos)
      << dry_out;
  EXPECT_TRUE(site.events(core::EventKind::config_reloaded).empty());

  const auto [rc, out] = site_vigilctl(site, {"config", "reload"});
  EXPECT_EQ(rc, 0) << out << site.vigild_log();
  EXPECT_NE(out.find("applied; changed: doors[lobby-main].unlock_time"), std::string::npos) << out;
  const auto applied = site.events(core::EventKind::config_reloaded);
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(core::attr_text(applied[0].attrs, "by"), "vigilctl");
  EXPECT_EQ(core::attr_text(applied[0].attrs, "operator"), SiteHarness::test_user());

  options.contact_debounce = "40ms";
  site.reconfigure(options);
  const auto [dry_refused_rc, dry_refused_out] =
      site_vigilctl(site, {"config", "reload", "--dry-run"});
  EXPECT_EQ(dry_refused_rc, 1) << dry_refused_out;
  EXPECT_NE(dry_refused_out.find("would be refused"), std::string::npos) << dry_refused_out;
  EXPECT_TRUE(site.events(core::EventKind::config_reload_refused).empty());

  const auto [refused_rc, refused_out] = site_vigilctl(site, {"config", "reload"});
  EXPECT_EQ(refused_rc, 1) << refused_out;
  EXPECT_NE(refused_out.find("site.yaml:"), std::string::npos) << refused_out;
  EXPECT_NE(refused_out.find("'doors[lobby-main].contact_debounce' changed"), std::string::npos)
      << refused_out;
  ASSERT_EQ(site.events(core::EventKind::config_reload_refused).size(), 1u);

  // All four asks are in the audit trail like every command through the socket.
  std::size_t audited = 0;
  for (const auto& e : site.events(core::EventKind::record_access)) {
    if (core::attr_text(e.attrs, "command") == std::string("config reload")) ++audited;
  }
  EXPECT_EQ(audited, 4u);
}

TEST(ConfigReloadSite, AnOperatorsRolesChangedByAReloadDecideTheNextRequest) {
  SiteHarness::Options options;
  SiteHarness site({}, options);
  site.start_vigild();
  const auto [rc, out] = site_vigilctl(site, {"log", "query"});
  ASSERT_EQ(rc, 0) << out << site.vigild_log();

  // The inspector's duty ends: the auditor role goes, with no restart.
  options.operator_roles = "facilities";
  site.reconfigure(options);
  const auto applied = reload(site, 1);
  ASSERT_TRUE(applied && applied->kind == core::EventKind::config_reloaded) << site.vigild_log();
  EXPECT_EQ(core::attr_text(applied->attrs, "changed"), "operators");
  const auto [refused_rc, refused_out] = site_vigilctl(site, {"log", "query"});
  EXPECT_EQ(refused_rc, 3) << refused_out;
  EXPECT_NE(refused_out.find("needs the role"), std::string::npos) << refused_out;
  bool recorded = false;
  for (const auto& e : site.events(core::EventKind::access_refused)) {
    recorded |= core::attr_text(e.attrs, "command") == std::string("log query");
  }
  EXPECT_TRUE(recorded) << "the refusal is audited";

  // A facilities operator may still reload; the role comes back.
  options.operator_roles = "facilities, auditor";
  site.reconfigure(options);
  const auto [reload_rc, reload_out] = site_vigilctl(site, {"config", "reload"});
  EXPECT_EQ(reload_rc, 0) << reload_out;
  const auto [again_rc, again_out] = site_vigilctl(site, {"log", "query"});
  EXPECT_EQ(again_rc, 0) << again_out;
}

}  // namespace
}  // namespace vigil::testing
