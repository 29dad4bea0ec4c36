// What a reload of the site config applies and what it refuses: each case
// edits one spot of a valid site and checks the plan names that key (and,
// for a refusal, its line), and that the planned site carries the new rules
// and nothing else.
#include <gtest/gtest.h>

#include <string>

#include "vigil/config/load.hpp"
#include "vigil/config/reload.hpp"

namespace vigil::config {
namespace {

using namespace std::chrono_literals;

// clang-format off
constexpr const char* kBase =
    /*  1 */ "site: { id: hq, gateway: gw1, time_zone: UTC, escort_window: 10s }\n"
    /*  2 */ "journal: { path: run/journal.db }\n"
    /*  3 */ "broker: { host: 127.0.0.1, port: 1883 }\n"
    /*  4 */ "devices:\n"
    /*  5 */ "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, unit: 1, coils: 4, inputs: 4 }\n"
    /*  6 */ "zones:\n"
    /*  7 */ "  - { id: lobby, name: Lobby }\n"
    /*  8 */ "  - { id: lab, name: Lab, parent: lobby }\n"
    /*  9 */ "doors:\n"
    /* 10 */ "  - id: d1\n"
    /* 11 */ "    from: outside\n"
    /* 12 */ "    to: lobby\n"
    /* 13 */ "    lock: { device: io1, coil: 0 }\n"
    /* 14 */ "    contact: { device: io1, input: 0 }\n"
    /* 15 */ "    unlock_time: 5s\n"
    /* 16 */ "  - id: d2\n"
    /* 17 */ "    from: lobby\n"
    /* 18 */ "    to: lab\n"
    /* 19 */ "    lock: { device: io1, coil: 1 }\n"
    /* 20 */ "    contact: { device: io1, input: 1 }\n"
    /* 21 */ "access_levels:\n"
    /* 22 */ "  - { id: staff, zones: [lobby], schedule: always }\n";
// clang-format on

SiteConfig load(const std::string& text) {
  auto r = load_site_config_from_string(text, "/etc/vigil/site.yaml");
  EXPECT_TRUE(r.ok()) << to_string(r.diagnostics());
  return std::move(r).value();
}

std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

ReloadPlan plan(const std::string& next_text) {
  const SiteConfig running = load(kBase);
  return plan_reload(running.source_text, running.site, load(next_text));
}

TEST(ReloadPlan, TheSameFileChangesNothingAndNeedsNoRestart) {
  const ReloadPlan p = plan(std::string(kBase) + "# a comment only\n");
  EXPECT_TRUE(p.ok()) << to_string(p.needs_restart);
  EXPECT_TRUE(p.changed.empty());
}

TEST(ReloadPlan, ADoorsTimingAndModeApplyAndTheWiringStays) {
  const ReloadPlan p = plan(
      edited(edited(kBase, "    unlock_time: 5s\n", "    unlock_time: 12s\n    mode: locked\n"),
             "    contact: { device: io1, input: 1 }\n",
             "    contact: { device: io1, input: 1 }\n    held_open_time: 45s\n"));
  ASSERT_TRUE(p.ok()) << to_string(p.needs_restart);
  EXPECT_EQ(p.changed, (std::vector<std::string>{"doors[d1].unlock_time", "doors[d1].mode",
                                                 "doors[d2].held_open_time"}));
  const core::Door* d1 = p.site.find_door(core::DoorId("d1"));
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(d1->unlock_time, 12s);
  EXPECT_EQ(d1->mode, core::DoorMode::locked);
  EXPECT_EQ(d1->lock, (core::PointRef{core::DeviceId("io1"), core::PointKind::coil, 0}));
  EXPECT_EQ(p.site.find_door(core::DoorId("d2"))->held_open_time, 45s);
}

TEST(ReloadPlan, AccessLevelsAndZoneRulesApply) {
  const ReloadPlan p = plan(edited(
      edited(
          kBase, "  - { id: lab, name: Lab, parent: lobby }\n",
          "  - { id: lab, name: Lab, parent: lobby, anti_passback: hard, occupancy_limit: 3 }\n"),
      "  - { id: staff, zones: [lobby], schedule: always }\n",
      "  - { id: staff, zones: [lobby, lab], schedule: always }\n"
      "  - { id: night, zones: [lobby], schedule: always }\n"));
  ASSERT_TRUE(p.ok()) << to_string(p.needs_restart);
  EXPECT_EQ(p.changed, (std::vector<std::string>{"zones[lab].anti_passback",
                                                 "zones[lab].occupancy_limit", "access_levels"}));
  const core::Zone* lab = p.site.find_zone(core::ZoneId("lab"));
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(lab->anti_passback, core::AntiPassback::hard);
  EXPECT_EQ(lab->occupancy_limit, 3);
  const core::AccessLevel* staff = p.site.find_access_level(core::AccessLevelId("staff"));
  ASSERT_NE(staff, nullptr);
  EXPECT_TRUE(p.site.covers(*staff, *lab)) << "the planned site's index is the new one";
  EXPECT_NE(p.site.find_access_level(core::AccessLevelId("night")), nullptr);
}

TEST(ReloadPlan, OperatorsApplyWhole) {
  const ReloadPlan p = plan(std::string(kBase) +
                            "operators:\n  - { user: clara, roles: [auditor], zones: [lab] }\n");
  ASSERT_TRUE(p.ok()) << to_string(p.needs_restart);
  EXPECT_EQ(p.changed, std::vector<std::string>{"operators"});
  ASSERT_EQ(p.operators.size(), 1u);
  EXPECT_EQ(p.operators[0].user, "clara");
  EXPECT_TRUE(p.operators[0].has_role(Role::auditor));
}

TEST(ReloadPlan, ARewiredLockIsRefusedAtItsLineAndNothingApplies) {
  const ReloadPlan p = plan(edited(
      edited(kBase, "    lock: { device: io1, coil: 0 }\n", "    lock: { device: io1, coil: 2 }\n"),
      "    unlock_time: 5s\n", "    unlock_time: 9s\n"));
  ASSERT_EQ(p.needs_restart.size(), 1u);
  EXPECT_EQ(p.needs_restart[0].line, 13);
  EXPECT_EQ(p.needs_restart[0].file, "/etc/vigil/site.yaml");
  EXPECT_NE(p.needs_restart[0].message.find("'doors[d1].lock.coil' changed"), std::string::npos)
      << p.needs_restart[0].message;
  EXPECT_EQ(p.site.find_door(core::DoorId("d1"))->unlock_time, 5s)
      << "a refused reload applies nothing";
}

TEST(ReloadPlan, EveryPartOutsideTheRulesNeedsARestart) {
  struct Case {
    const char* from;
    const char* to;
    const char* key;
    int line;
  };
  const Case cases[] = {
      {"port: 1883", "port: 1884", "'broker.port' changed", 3},
      {"host: 127.0.0.1, unit: 1", "host: 10.0.0.9, unit: 1", "'devices[io1].host' changed", 5},
      {"{ id: lobby, name: Lobby }", "{ id: lobby, name: Front lobby }",
       "'zones[lobby].name' changed", 7},
      {"    unlock_time: 5s\n", "    unlock_time: 5s\n    fail_mode: safe\n",
       "'doors[d1].fail_mode' changed", 16},
      {"  - { id: lab, name: Lab, parent: lobby }\n",
       "  - { id: lab, name: Lab, parent: lobby }\n  - { id: vault, parent: lab }\n",
       "'zones': items added, taken out or reordered", 7},
      {"time_zone: UTC", "time_zone: Europe/Berlin", "'site.time_zone' changed", 1},
      {"    unlock_time: 5s\n", "    unlock_time: 5s\n    mode: card_and_pin\n",
       "'doors[d1].mode' changed to or from card_and_pin", 16},
  };
  for (const auto& c : cases) {
    const ReloadPlan p = plan(edited(kBase, c.from, c.to));
    ASSERT_EQ(p.needs_restart.size(), 1u) << c.key << "\n" << to_string(p.needs_restart);
    EXPECT_NE(p.needs_restart[0].message.find(c.key), std::string::npos)
        << p.needs_restart[0].message;
    EXPECT_EQ(p.needs_restart[0].line, c.line) << c.key;
  }
}

TEST(ReloadPlan, AKeyTakenOutIsNamedWhereItsParentIs) {
  const ReloadPlan p = plan(edited(kBase, "journal: { path: run/journal.db }\n", ""));
  ASSERT_EQ(p.needs_restart.size(), 1u) << to_string(p.needs_restart);
  EXPECT_NE(p.needs_restart[0].message.find("'journal' changed"), std::string::npos)
      << p.needs_restart[0].message;
}

}  // namespace
}  // namespace vigil::config
