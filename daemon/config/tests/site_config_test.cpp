// Loading whole site configs: the demo and example sites load cleanly and
// build the expected model; a file with several mistakes reports them all.
#include <gtest/gtest.h>

#include <filesystem>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace {

const std::filesystem::path kSource = VIGIL_SOURCE_DIR;

std::string all(const std::vector<Diagnostic>& d) {
  return to_string(d);
}

TEST(SiteConfig, ZonesCarrySecurityLevelAndRequiredClearance) {
  auto result = load_site_config(kSource / "config/example/site.yaml");
  ASSERT_TRUE(result.ok()) << all(result.diagnostics());
  const core::Site& site = result.value().site;
  const core::Zone* archive = site.find_zone(core::ZoneId("archive"));
  ASSERT_NE(archive, nullptr);
  EXPECT_EQ(archive->security_level, core::SecurityLevel::restricted);
  EXPECT_EQ(archive->required_clearance, core::ClearanceLevel::secret);
  EXPECT_EQ(site.find_zone(core::ZoneId("offices"))->required_clearance,
            core::ClearanceLevel::none);
  EXPECT_EQ(site.find_zone(core::ZoneId("plant-room"))->security_level,
            core::SecurityLevel::protected_);
}

TEST(SiteConfig, ReturnReportZonesAndDestinations) {
  auto result = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC, return_report_after: [XX, YY] }\n"
      "journal: { path: j.db }\n"
      "zones:\n"
      "  - { id: vault, requires_return_report: true }\n"
      "  - { id: lobby }\n",
      "/etc/s.yaml");
  ASSERT_TRUE(result.ok()) << all(result.diagnostics());
  const core::Site& site = result.value().site;
  EXPECT_EQ(site.return_report_destinations, (std::vector<std::string>{"XX", "YY"}));
  EXPECT_TRUE(site.find_zone(core::ZoneId("vault"))->requires_return_report);
  EXPECT_FALSE(site.find_zone(core::ZoneId("lobby"))->requires_return_report);

  auto bad = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC, return_report_after: XX }\n"
      "journal: { path: j.db }\n"
      "zones:\n"
      "  - { id: vault, requires_return_report: maybe }\n",
      "/etc/s.yaml");
  ASSERT_EQ(bad.diagnostics().size(), 2u) << all(bad.diagnostics());
  EXPECT_EQ(bad.diagnostics()[0].line, 1);
  EXPECT_EQ(bad.diagnostics()[1].line, 4);
  EXPECT_EQ(bad.diagnostics()[1].col, 42);
}

TEST(SiteConfig, NumberedSecurityLevelsOfOlderConfigsStillLoad) {
  // config/demo/site.yaml writes 0, 1 and 3 as before issue 8.
  auto result = load_site_config(kSource / "config/demo/site.yaml");
  ASSERT_TRUE(result.ok()) << all(result.diagnostics());
  const core::Site& site = result.value().site;
  EXPECT_EQ(site.find_zone(core::ZoneId("offices"))->security_level,
            core::SecurityLevel::controlled);
  EXPECT_EQ(site.find_zone(core::ZoneId("server-room"))->security_level,
            core::SecurityLevel::protected_);
}

TEST(SiteConfig, DemoSiteLoadsCleanly) {
  auto result = load_site_config(kSource / "config/demo/site.yaml");
  ASSERT_TRUE(result.ok()) << all(result.diagnostics());
  const SiteConfig& c = result.value();
  const core::Site& site = c.site;
  EXPECT_EQ(site.id.str(), "demo");
  EXPECT_EQ(site.gateway.str(), "gw1");
  EXPECT_EQ(site.time_zone.name(), "Europe/Berlin");
  ASSERT_EQ(site.zones.size(), 4u);  // implicit outside + 3
  EXPECT_EQ(site.zones[0].id.str(), "outside");
  EXPECT_EQ(site.doors.size(), 3u);
  EXPECT_EQ(site.readers.size(), 4u);
  EXPECT_EQ(site.access_levels.size(), 3u);
  EXPECT_EQ(c.modbus_devices.size(), 1u);
  EXPECT_EQ(c.gpio_chips.size(), 1u);
  EXPECT_EQ(c.wiegand_readers.size(), 4u);
  EXPECT_TRUE(c.custom_formats.empty());
}

TEST(SiteConfig, DemoSiteBuildsDoorsReadersAndDevices) {
  const SiteConfig c = load_site_config_or_throw(kSource / "config/demo/site.yaml");
  const core::Door* server = c.site.find_door(core::DoorId("server-room-door"));
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->from_zone.str(), "offices");
  EXPECT_EQ(server->to_zone.str(), "server-room");
  EXPECT_EQ(server->lock, (core::PointRef{core::DeviceId("io1"), core::PointKind::coil, 2}));
  EXPECT_EQ(server->contact,
            (core::PointRef{core::DeviceId("io1"), core::PointKind::discrete_input, 2}));
  ASSERT_TRUE(server->rex.has_value());
  EXPECT_EQ(server->rex->index, 5u);
  EXPECT_EQ(server->unlock_time, std::chrono::seconds(3));
  EXPECT_EQ(server->held_open_time, std::chrono::seconds(15));

  const core::Reader* out = c.site.find_reader(core::ReaderId("server-out"));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->direction, core::Direction::out);
  const WiegandReaderConfig& w = c.wiegand_readers[3];
  EXPECT_EQ(w.reader.str(), "server-out");
  EXPECT_EQ(w.chip.str(), "gpio0");
  EXPECT_EQ(w.d0_line, 6u);
  EXPECT_EQ(w.d1_line, 7u);
  EXPECT_EQ(w.formats, std::vector<std::string>{"H10301"});
  EXPECT_EQ(w.frame_close, std::chrono::milliseconds(25));

  const ModbusDeviceConfig& io = c.modbus_devices[0];
  EXPECT_EQ(io.id.str(), "io1");
  EXPECT_EQ(io.transport, "tcp");
  EXPECT_EQ(io.port, 15020);
  EXPECT_EQ(io.poll_period, std::chrono::milliseconds(50));
  EXPECT_EQ(io.timeout, std::chrono::milliseconds(500));

  const auto demo_dir = std::filesystem::absolute(kSource / "config/demo").lexically_normal();
  EXPECT_EQ(c.gpio_chips[0].backend, "sim");
  EXPECT_EQ(c.gpio_chips[0].path, (demo_dir / "run/gpio0.sock").string());
  EXPECT_EQ(c.journal_path, (demo_dir / "run/journal.db").string());
  EXPECT_EQ(c.broker.client_id, "vigild-demo-gw1");
  EXPECT_EQ(c.broker.keepalive, std::chrono::seconds(10));
  EXPECT_EQ(c.incident_rules.repeated_denials_count, 3);
  EXPECT_EQ(c.incident_rules.repeated_denials_window, std::chrono::seconds(60));
}

TEST(SiteConfig, DemoScheduleIsWeekdaysSevenToSeven) {
  const SiteConfig c = load_site_config_or_throw(kSource / "config/demo/site.yaml");
  const core::AccessLevel* staff = c.site.find_access_level(core::AccessLevelId("staff"));
  ASSERT_NE(staff, nullptr);
  ASSERT_EQ(staff->schedule.size(), 1u);
  EXPECT_EQ(staff->schedule[0].weekdays, 0x1f);
  EXPECT_EQ(staff->schedule[0].start_minute, 7 * 60);
  EXPECT_EQ(staff->schedule[0].end_minute, 19 * 60);
  const core::AccessLevel* admins = c.site.find_access_level(core::AccessLevelId("server-admins"));
  ASSERT_NE(admins, nullptr);
  ASSERT_EQ(admins->schedule.size(), 1u);
  EXPECT_EQ(admins->schedule[0].weekdays, 0x7f);
  EXPECT_EQ(admins->schedule[0].end_minute, 24 * 60);
}

TEST(SiteConfig, ExampleSiteLoadsCleanly) {
  auto result = load_site_config(kSource / "config/example/site.yaml");
  ASSERT_TRUE(result.ok()) << all(result.diagnostics());
  const SiteConfig& c = result.value();
  ASSERT_EQ(c.custom_formats.size(), 1u);
  EXPECT_EQ(c.custom_formats[0].name, "ACME32");
  EXPECT_EQ(c.custom_formats[0].parity[0].covered.size(), 15u);
  EXPECT_EQ(c.modbus_devices.size(), 3u);
  EXPECT_EQ(c.modbus_devices[1].transport, "rtu");
  // The second module on the basement line takes its map from its type.
  EXPECT_EQ(c.modbus_devices[2].module_type, "generic-8in-8out");
  EXPECT_EQ(c.modbus_devices[2].registers.size(), 4u);
}

TEST(SiteConfig, FailSafeKeysReachTheDoorsAndDevices) {
  const SiteConfig c =
      load_site_config_or_throw(kSource / "daemon/config/tests/data/fail_safe_site.yaml");
  using namespace std::chrono_literals;
  const core::Door* main = c.site.find_door(core::DoorId("main"));
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->fail_mode, core::FailMode::secure);
  EXPECT_EQ(main->relock_delay, 1s);
  EXPECT_EQ(main->contact_debounce, 30ms);
  EXPECT_EQ(main->rex_debounce, 100ms);
  EXPECT_EQ(main->rex_stuck_time, 60s);
  const core::Door* exit = c.site.find_door(core::DoorId("fire-exit"));
  ASSERT_NE(exit, nullptr);
  EXPECT_EQ(exit->fail_mode, core::FailMode::safe);
  EXPECT_EQ(exit->relock_delay, 0ms);
  EXPECT_EQ(exit->contact_debounce, 0ms);
  const core::Door* lab = c.site.find_door(core::DoorId("lab-door"));
  ASSERT_NE(lab, nullptr);
  const core::Door defaults;
  EXPECT_EQ(lab->fail_mode, core::FailMode::secure) << "secure unless written";
  EXPECT_EQ(lab->relock_delay, defaults.relock_delay);
  EXPECT_EQ(lab->rex_stuck_time, defaults.rex_stuck_time);

  ASSERT_EQ(c.modbus_devices.size(), 2u);
  const ModbusDeviceConfig& io1 = c.modbus_devices[0];
  EXPECT_FALSE(io1.read_back);
  EXPECT_EQ(io1.unit_id, 255);
  ASSERT_TRUE(io1.watchdog.has_value());
  EXPECT_EQ(io1.watchdog->timeout, 2s);
  EXPECT_EQ(io1.watchdog->safe_coils, (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(io1.watchdog->timeout_register, 4096);
  EXPECT_EQ(io1.watchdog->safe_register, 4097);
  const ModbusDeviceConfig& io2 = c.modbus_devices[1];
  EXPECT_TRUE(io2.read_back) << "read back unless told otherwise";
  ASSERT_TRUE(io2.watchdog.has_value());
  EXPECT_EQ(io2.watchdog->timeout, 1s);
  EXPECT_TRUE(io2.watchdog->safe_coils.empty()) << "empty = every coil off";

  ASSERT_EQ(c.gpio_chips.size(), 1u);
  const auto& lines = c.gpio_chips[0].lines;
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines.at(3).active_low);
  EXPECT_EQ(lines.at(3).bias, LineBias::pull_up);
  EXPECT_EQ(lines.at(3).debounce, 10ms);
  EXPECT_FALSE(lines.at(4).active_low);
  EXPECT_EQ(lines.at(4).bias, LineBias::pull_down);
  EXPECT_EQ(lines.at(4).debounce, 0ms);
  EXPECT_TRUE(lines.at(20).active_low);
  EXPECT_EQ(lines.at(20).bias, LineBias::as_is);
}

TEST(SiteConfig, ReportsEveryMistakeInAFileInLineOrder) {
  const auto path = kSource / "daemon/config/tests/data/several_mistakes.yaml";
  auto result = load_site_config(path);
  ASSERT_FALSE(result.ok());
  const std::string f = path.string();
  const std::string contact =
      core::to_string(core::PointRef{core::DeviceId("io1"), core::PointKind::discrete_input, 0});
  const std::vector<std::string> expected{
      f + ":3:14: 'time_zone': unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)",
      f + ":5:28: unknown key 'prot' in broker (did you mean 'port'?)",
      f + ":14:9: 'to': unknown zone 'lobbby' (did you mean 'lobby'?)",
      f + ":17:18: 'unlock_time': duration needs a unit (ms, s, m or h), e.g. '5s'",
      f + ":18:9: duplicate door id 'main' (first defined on line 12)",
      f + ":22:36: 'input': point " + contact +
          " is already used as the contact of door 'main' (line 16)",
      f + ":24:5: reader is missing required key 'direction'",
      f + ":24:21: 'door': unknown door 'mian' (did you mean 'main'?)",
  };
  std::vector<std::string> got;
  for (const auto& d : result.diagnostics()) got.push_back(to_string(d));
  EXPECT_EQ(got, expected);
}

TEST(SiteConfig, ThrowingLoaderCarriesTheDiagnostics) {
  try {
    load_site_config_or_throw(kSource / "daemon/config/tests/data/several_mistakes.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.diagnostics().size(), 8u);
    EXPECT_NE(std::string(e.what()).find("duration needs a unit"), std::string::npos);
  }
}

TEST(Diagnostic, PrintsAsFileLineColumnMessage) {
  EXPECT_EQ(to_string(Diagnostic{"site.yaml", 14, 9, "bad"}), "site.yaml:14:9: bad");
  EXPECT_EQ(to_string(Diagnostic{"people.csv", 3, 0, "bad"}), "people.csv:3: bad");
  EXPECT_EQ(to_string(Diagnostic{"site.yaml", 0, 0, "bad"}), "site.yaml: bad");
  EXPECT_EQ(to_string(std::vector<Diagnostic>{{"a", 1, 2, "x"}, {"a", 3, 4, "y"}}),
            "a:1:2: x\na:3:4: y\n");
  EXPECT_STREQ(ConfigError({{"a", 1, 2, "x"}, {"a", 3, 4, "y"}}).what(), "a:1:2: x\na:3:4: y");
}

TEST(SiteConfig, MissingFileIsOneDiagnosticWithoutPosition) {
  auto result = load_site_config("/nonexistent/site.yaml");
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_EQ(to_string(result.diagnostics()[0]),
            "/nonexistent/site.yaml: cannot read the file: No such file or directory");
}

TEST(SiteConfig, JournalRetentionIsReadAndABadOneRefusedWithItsPosition) {
  auto unset = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC }\njournal: { path: j.db }\n", "/etc/s.yaml");
  ASSERT_TRUE(unset.ok()) << to_string(unset.diagnostics());
  EXPECT_FALSE(unset.value().retention_keep_months);
  auto set = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
      "journal:\n  path: j.db\n  retention: { keep_months: 13 }\n",
      "/etc/s.yaml");
  ASSERT_TRUE(set.ok()) << to_string(set.diagnostics());
  EXPECT_EQ(set.value().retention_keep_months, 13u);
  const struct {
    const char* retention;
    const char* expected;
  } bad[] = {
      {"{ keep_months: 0 }", "/etc/s.yaml:4:"},
      {"{ keep_months: 1201 }", "/etc/s.yaml:4:"},
      {"{ keep_months: twelve }", "/etc/s.yaml:4:"},
      {"{ keep_month: 12 }", "'keep_month'"},
      {"{}", "'keep_months'"},
      {"12", "/etc/s.yaml:4:"},
  };
  for (const auto& b : bad) {
    auto r = load_site_config_from_string(std::string{"site: { id: hq, gateway: gw1, time_zone: "
                                                      "UTC }\njournal:\n  path: j.db\n"
                                                      "  retention: "} +
                                              b.retention + "\n",
                                          "/etc/s.yaml");
    ASSERT_FALSE(r.ok()) << b.retention;
    EXPECT_NE(to_string(r.diagnostics()).find(b.expected), std::string::npos)
        << b.retention << ": " << to_string(r.diagnostics());
  }
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

constexpr const char* kClockSite =
    "site: { id: hq, gateway: gw1, time_zone: UTC, clock_jump_threshold: %s }\n"
    "journal: { path: journal.db }\n"
    "zones:\n"
    "  - { id: lobby, name: Lobby }\n";

std::string clock_site(const char* threshold) {
  char buf[512];
  std::snprintf(buf, sizeof buf, kClockSite, threshold);
  return buf;
}

TEST(SiteConfig, ClockJumpThresholdDefaultsToTwoSecondsAndCanBeSet) {
  auto defaults = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC }\njournal: { path: j.db }\n", "/etc/s.yaml");
  ASSERT_TRUE(defaults.ok()) << to_string(defaults.diagnostics());
  EXPECT_EQ(defaults.value().clock_jump_threshold, std::chrono::seconds(2));
  auto set = load_site_config_from_string(clock_site("5s"), "/etc/s.yaml");
  ASSERT_TRUE(set.ok()) << to_string(set.diagnostics());
  EXPECT_EQ(set.value().clock_jump_threshold, std::chrono::seconds(5));
}

TEST(SiteConfig, ClockJumpThresholdBelowHalfASecondIsRefusedWithItsPosition) {
  auto r = load_site_config_from_string(clock_site("100ms"), "/etc/s.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(to_string(r.diagnostics())
                .find("/etc/s.yaml:1:69: 'clock_jump_threshold': must be at least 500ms"),
            std::string::npos)
      << to_string(r.diagnostics());
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

TEST(SiteConfig, CheckpointPeriodsDefaultAndCanBeSet) {
  auto d = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC }\njournal: { path: j.db }\n", "/etc/s.yaml");
  ASSERT_TRUE(d.ok()) << to_string(d.diagnostics());
  EXPECT_EQ(d.value().checkpoint_every_events, 1000u);
  EXPECT_EQ(d.value().checkpoint_interval, std::chrono::seconds(60));
  auto set = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
      "journal: { path: j.db, checkpoint_every: 250, checkpoint_interval: 10s }\n",
      "/etc/s.yaml");
  ASSERT_TRUE(set.ok()) << to_string(set.diagnostics());
  EXPECT_EQ(set.value().checkpoint_every_events, 250u);
  EXPECT_EQ(set.value().checkpoint_interval, std::chrono::seconds(10));
}

TEST(SiteConfig, CheckpointIntervalOutOfRangeIsRefusedWithItsPosition) {
  auto r = load_site_config_from_string(
      "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
      "journal: { path: j.db, checkpoint_interval: 100ms }\n",
      "/etc/s.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(to_string(r.diagnostics()).find("/etc/s.yaml:2:"), std::string::npos)
      << to_string(r.diagnostics());
  EXPECT_NE(to_string(r.diagnostics()).find("'checkpoint_interval': must be between 1s and 24h"),
            std::string::npos)
      << to_string(r.diagnostics());
}

}  // namespace
}  // namespace vigil::config
