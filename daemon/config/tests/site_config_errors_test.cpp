// One case per kind of mistake: each edits one spot of a valid site and
// expects exactly the diagnostics a facilities engineer would see, with
// file:line:col. The base site's line numbers are fixed, so a case reads as
// "line 26 now says X, so the error is at 26:Y".
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config_mistake.hpp"
#include "vigil/config/load.hpp"

namespace vigil::config {
namespace {

// Line numbers matter: cases point at them.
// clang-format off
constexpr const char* kBase =
    /*  1 */ "site: { id: hq, gateway: gw1, time_zone: Europe/Berlin }\n"
    /*  2 */ "journal: { path: run/journal.db }\n"
    /*  3 */ "broker: { host: 127.0.0.1, port: 1883, keepalive: 10s }\n"
    /*  4 */ "incidents: { repeated_denials: { count: 3, within: 60s } }\n"
    /*  5 */ "devices:\n"
    /*  6 */ "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 1502, coils: 8, inputs: 8 }\n"
    /*  7 */ "  - { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n"
    /*  8 */ "wiegand_formats:\n"
    /*  9 */ "  - name: ACME32\n"
    /* 10 */ "    bits: 32\n"
    /* 11 */ "    facility: { first: 1, length: 8 }\n"
    /* 12 */ "    number: { first: 9, length: 22 }\n"
    /* 13 */ "    parity:\n"
    /* 14 */ "      - { bit: 0, kind: even, over: \"1-15\" }\n"
    /* 15 */ "      - { bit: 31, kind: odd, over: \"16-30\" }\n"
    /* 16 */ "zones:\n"
    /* 17 */ "  - { id: lobby, name: Lobby }\n"
    /* 18 */ "  - { id: offices, name: Offices, security_level: 1, parent: lobby }\n"
    /* 19 */ "doors:\n"
    /* 20 */ "  - id: lobby-main\n"
    /* 21 */ "    from: outside\n"
    /* 22 */ "    to: lobby\n"
    /* 23 */ "    lock: { device: io1, coil: 0 }\n"
    /* 24 */ "    contact: { device: io1, input: 0 }\n"
    /* 25 */ "    rex: { device: io1, input: 1 }\n"
    /* 26 */ "    unlock_time: 5s\n"
    /* 27 */ "    held_open_time: 30s\n"
    /* 28 */ "  - id: offices-door\n"
    /* 29 */ "    from: lobby\n"
    /* 30 */ "    to: offices\n"
    /* 31 */ "    lock: { device: gpio0, line: 10 }\n"
    /* 32 */ "    contact: { device: io1, input: 2 }\n"
    /* 33 */ "readers:\n"
    /* 34 */ "  - { id: lobby-in, door: lobby-main, direction: in, wiegand: { chip: gpio0, d0: 0, d1: 1, formats: [H10301] } }\n"
    /* 35 */ "  - { id: offices-in, door: offices-door, direction: in, wiegand: { chip: gpio0, d0: 2, d1: 3, formats: [ACME32] } }\n"
    /* 36 */ "access_levels:\n"
    /* 37 */ "  - id: staff\n"
    /* 38 */ "    zones: [lobby, offices]\n"
    /* 39 */ "    schedule:\n"
    /* 40 */ "      - { days: [mon, tue, wed, thu, fri], from: \"07:00\", to: \"19:00\" }\n"
    /* 41 */ "  - { id: all-hours, zones: [lobby, offices], schedule: always }\n";
// clang-format on

using mistake::Case;

std::string point(const char* device, core::PointKind kind, std::uint32_t index) {
  return core::to_string(core::PointRef{core::DeviceId(device), kind, index});
}

std::vector<Case> cases() {
  using core::PointKind;
  return {
      {"UnknownSecurityLevel",
       "security_level: 1",
       "security_level: restriced",
       {"18:51: 'security_level': expected public, controlled, restricted or protected, got "
        "'restriced' (did you mean 'restricted'?)"}},
      {"SecurityLevelNumberAboveProtected",
       "security_level: 1",
       "security_level: 4",
       {"18:51: 'security_level': expected public, controlled, restricted or protected, got '4'"}},
      {"UnknownRequiredClearance",
       "parent: lobby }",
       "parent: lobby, required_clearance: topsecret }",
       {"18:89: 'required_clearance': expected confidential, secret or top_secret, got "
        "'topsecret' (did you mean 'top_secret'?)"}},
      {"UnknownKeySuggestsClosest",
       "unlock_time: 5s",
       "unlok_time: 5s",
       {"26:5: unknown key 'unlok_time' in door (did you mean 'unlock_time'?)"}},
      {"UnknownTopLevelSection",
       "incidents:",
       "incident:",
       {"4:1: unknown key 'incident' in the config file (did you mean 'incidents'?)"}},
      {"UnknownKeyWithoutCloseMatch",
       "    to: lobby\n",
       "    to: lobby\n    colour: red\n",
       {"23:5: unknown key 'colour' in door"}},
      {"KeyThatDoesNotApplyToTheDeviceType",
       "socket: run/gpio0.sock",
       "socket: x.sock, port: 5",
       {"7:50: key 'port' does not apply to a sim_gpio device"}},
      {"RepeatedKey",
       "{ id: lobby, name: Lobby }",
       "{ id: lobby, name: Lobby, name: Hall }",
       {"17:31: key 'name' appears twice in zone (first on line 17)"}},
      {"MissingRequiredKey", "    to: offices\n", "", {"28:5: door is missing required key 'to'"}},
      {"MissingSchedule",
       ", schedule: always }",
       " }",
       {"41:5: access level is missing required key 'schedule' (write 'schedule: always' for any "
        "time)"}},
      {"WrongTypeInteger",
       "port: 1883",
       "port: abc",
       {"3:34: 'port': expected a whole number, got 'abc'"}},
      {"IntegerOutOfRange",
       "port: 1883",
       "port: 70000",
       {"3:34: 'port': must be between 1 and 65535, got 70000"}},
      {"WrongTypeList",
       "zones: [lobby, offices]\n    schedule:",
       "zones: lobby\n    schedule:",
       {"38:12: 'zones': expected a list, got 'lobby'"}},
      {"WrongTypeMapping",
       "lock: { device: io1, coil: 0 }",
       "lock: io1/coil/0",
       {"23:11: lock: expected a mapping (key: value pairs), got 'io1/coil/0'"}},
      {"WrongTypeBoolean",
       "direction: in, wiegand: { chip: gpio0, d0: 0",
       "direction: sideways, wiegand: { chip: gpio0, d0: 0",
       {"34:50: 'direction': expected in or out, got 'sideways'"}},
      {"InvalidId",
       "id: offices-in",
       "id: offices/in",
       {"35:11: 'id': 'offices/in' is not a valid id (use letters, digits, '-', '_' and '.', "
        "starting with a letter or digit)"}},
      {"DoorToUnknownZone",
       "    to: lobby\n",
       "    to: lobbby\n",
       {"22:9: 'to': unknown zone 'lobbby' (did you mean 'lobby'?)"}},
      {"ZoneParentUnknown",
       "parent: lobby",
       "parent: loby",
       {"18:62: 'parent': unknown zone 'loby' (did you mean 'lobby'?)"}},
      {"ReaderToUnknownDoor",
       "door: lobby-main",
       "door: lobby-mian",
       {"34:27: 'door': unknown door 'lobby-mian' (did you mean 'lobby-main'?)"}},
      {"AccessLevelToUnknownZone",
       "zones: [lobby, offices]\n",
       "zones: [lobby, ofices]\n",
       {"38:20: 'zones': unknown zone 'ofices' (did you mean 'offices'?)"}},
      {"PointOnUnknownDevice",
       "lock: { device: io1, coil: 0 }",
       "lock: { device: io2, coil: 0 }",
       {"23:21: 'device': unknown device 'io2' (did you mean 'io1'?)"}},
      {"ReaderOnUnknownChip",
       "chip: gpio0, d0: 0",
       "chip: gpio1, d0: 0",
       {"34:71: 'chip': unknown device 'gpio1' (did you mean 'gpio0'?)"}},
      {"ReaderWithUnknownFormat",
       "formats: [H10301]",
       "formats: [H10310]",
       {"34:102: 'formats': unknown wiegand format 'H10310' (did you mean 'H10301'?)"}},
      {"DuplicateReaderId",
       "id: offices-in",
       "id: lobby-in",
       {"35:11: duplicate reader id 'lobby-in' (first defined on line 34)"}},
      {"DuplicateAccessLevelId",
       "id: all-hours",
       "id: staff",
       {"41:11: duplicate access level id 'staff' (first defined on line 37)"}},
      {"DuplicateDeviceId",
       "socket: run/gpio0.sock }\n",
       "socket: run/gpio0.sock }\n  - { id: io1, type: sim_gpio, socket: b.sock }\n",
       {"8:11: duplicate device id 'io1' (first defined on line 6)"}},
      {"DurationWithoutUnit",
       "held_open_time: 30s",
       "held_open_time: 30",
       {"27:21: 'held_open_time': duration needs a unit (ms, s, m or h), e.g. '30s'"}},
      {"DurationWithUnknownUnit",
       "held_open_time: 30s",
       "held_open_time: 30sec",
       {"27:21: 'held_open_time': unknown duration unit 'sec' in '30sec' (use us, ms, s, m or h)"}},
      {"ModbusInputUsedTwice",
       "contact: { device: io1, input: 2 }",
       "contact: { device: io1, input: 1 }",
       {"32:36: 'input': point " + point("io1", PointKind::discrete_input, 1) +
        " is already used as the REX button of door 'lobby-main' (line 25)"}},
      {"ModbusCoilUsedTwice",
       "lock: { device: gpio0, line: 10 }",
       "lock: { device: io1, coil: 0 }",
       {"31:32: 'coil': point " + point("io1", PointKind::coil, 0) +
        " is already used as the lock of door 'lobby-main' (line 23)"}},
      {"GpioLineUsedByTwoReaders",
       "d0: 2, d1: 3",
       "d0: 1, d1: 3",
       {"35:86: 'd0': point " + point("gpio0", PointKind::gpio_line, 1) +
        " is already used as D1 of reader 'lobby-in' (line 34)"}},
      {"GpioLineUsedByDoorAndReader",
       "line: 10",
       "line: 3",
       {"35:93: 'd1': point " + point("gpio0", PointKind::gpio_line, 3) +
        " is already used as the lock of door 'offices-door' (line 31)"}},
      {"ModbusPointOnGpioChip",
       "lock: { device: gpio0, line: 10 }",
       "lock: { device: gpio0, coil: 10 }",
       {"31:34: 'coil': device 'gpio0' is a GPIO chip; address its lines with 'line'"}},
      {"GpioPointOnModbusDevice",
       "contact: { device: io1, input: 2 }",
       "contact: { device: io1, line: 2 }",
       {"32:35: 'line': device 'io1' is a Modbus device; address this point with 'input'"}},
      {"CoilBeyondTheDevice",
       "lock: { device: io1, coil: 0 }",
       "lock: { device: io1, coil: 8 }",
       {"23:32: 'coil': device 'io1' has 8 coils (0-7), got 8"}},
      {"InputKeyOnALock",
       "lock: { device: io1, coil: 0 }",
       "lock: { device: io1, input: 0 }",
       {"23:26: 'input': lock is an output; use 'coil' (Modbus) or 'line' (GPIO)"}},
      {"ReaderOnAModbusDevice",
       "chip: gpio0, d0: 0",
       "chip: io1, d0: 0",
       {"34:71: 'chip': device 'io1' is not a GPIO chip (Wiegand readers need sim_gpio or "
        "gpiod)"}},
      {"UnknownDeviceType",
       "type: modbus_tcp",
       "type: modbus",
       {"6:22: 'type': unknown device type 'modbus' (expected modbus_tcp, modbus_rtu, sim_gpio, "
        "gpiod or door_board)"}},
      {"UnknownTimeZone",
       "time_zone: Europe/Berlin",
       "time_zone: Mars/Olympus_Mons",
       {"1:42: 'time_zone': unknown time zone 'Mars/Olympus_Mons'"}},
      {"ZoneCycle",
       "{ id: lobby, name: Lobby }",
       "{ id: lobby, name: Lobby, parent: offices }",
       {"17:39: 'parent': zones form a cycle (lobby -> offices -> lobby)"}},
      {"DoorIntoItsOwnZone",
       "    to: offices\n",
       "    to: lobby\n",
       {"30:9: 'to': door 'offices-door' leads from zone 'lobby' into the same zone"}},
      {"UnknownWeekday",
       "days: [mon, tue,",
       "days: [mon, teu,",
       {"40:23: 'days': unknown day 'teu' (use mon, tue, wed, thu, fri, sat, sun) (did you mean "
        "'tue'?)"}},
      {"ScheduleWindowEndsBeforeItStarts",
       "to: \"19:00\"",
       "to: \"06:00\"",
       {"40:63: 'to': the window must end after it starts; split a window that crosses midnight "
        "into two"}},
      {"BadTimeOfDay",
       "from: \"07:00\"",
       "from: \"7am\"",
       {"40:50: 'from': expected a time of day such as \"07:00\", got '7am'"}},
      {"BadParitySpec",
       "over: \"16-30\"",
       "over: \"16-\"",
       {"15:37: 'over': expected bit positions such as \"1-12\" or \"2-3,5-6\", got '16-'"}},
      {"CustomFormatShadowsBuiltIn",
       "name: ACME32",
       "name: H10301",
       {"9:11: 'name': 'H10301' is a built-in format; pick another name",
        "35:106: 'formats': unknown wiegand format 'ACME32'"}},
      {"InvalidYamlSyntax",
       "lock: { device: io1, coil: 0 }",
       "lock: { device: io1, coil: 0",
       {"24:12: invalid YAML: end of map flow not found"}},
  };
}

class SiteConfigMistake : public testing::TestWithParam<Case> {};

TEST_P(SiteConfigMistake, IsReportedWithItsPosition) {
  mistake::expect_reported(kBase, GetParam(), "base.yaml");
}

INSTANTIATE_TEST_SUITE_P(Kinds, SiteConfigMistake, testing::ValuesIn(cases()), mistake::case_name);

TEST(SiteConfigMistakes, BaseSiteIsValid) {
  auto result = load_site_config_from_string(kBase, "base.yaml");
  EXPECT_TRUE(result.ok()) << to_string(result.diagnostics());
}

TEST(SiteConfigMistakes, CustomFormatLayoutIsCheckedByTheWiegandRules) {
  std::string text = kBase;
  const std::string from = "number: { first: 9, length: 22 }";
  text.replace(text.find(from), from.size(), "number: { first: 9, length: 30 }");
  auto result = load_site_config_from_string(text, "base.yaml");
  ASSERT_EQ(result.diagnostics().size(), 1u);
  const Diagnostic& d = result.diagnostics()[0];
  EXPECT_EQ(d.line, 9);
  EXPECT_EQ(d.col, 5);
  EXPECT_EQ(d.message.rfind("wiegand format 'ACME32': ", 0), 0u) << d.message;
}

TEST(SiteConfigMistakes, EmptyFileSaysWhatItNeeds) {
  auto result = load_site_config_from_string("# nothing yet\n", "empty.yaml");
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_EQ(to_string(result.diagnostics()[0]),
            "empty.yaml: the config file is empty (it needs at least a 'site' section)");
}

TEST(SiteConfigMistakes, MissingSiteSection) {
  auto result = load_site_config_from_string("zones: []\n", "s.yaml");
  ASSERT_EQ(result.diagnostics().size(), 1u);
  EXPECT_EQ(to_string(result.diagnostics()[0]),
            "s.yaml:1:1: the config file is missing required key 'site'");
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

std::string with_broker(const std::string& broker) {
  std::string text = kBase;
  const std::string line3 = "broker: { host: 127.0.0.1, port: 1883, keepalive: 10s }";
  text.replace(text.find(line3), line3.size(), broker);
  return text;
}

TEST(SiteConfigMistakes, BrokerSecurityMistakesNameTheKeyAndLine) {
  struct Mistake {
    std::string broker;
    std::string message;
  };
  for (const auto& m : std::vector<Mistake>{
           {"broker: { tls: { cert_file: gw1.crt } }", "missing required key 'ca_file'"},
           {"broker: { tls: { ca_file: /nonexistent/ca.pem } }",
            "'ca_file': cannot read '/nonexistent/ca.pem'"},
           {"broker: { tls: { ca_file: /etc/hostname, cert_file: /etc/hostname } }",
            "'cert_file': needs its 'key_file'"},
           {"broker: { password_file: /etc/hostname }", "'password_file': needs a 'username'"},
           {"broker: { tls: { ca_file: /etc/hostname, verify_host: false } }",
            "unknown key 'verify_host'"},
       }) {
    SCOPED_TRACE(m.broker);
    auto result = load_site_config_from_string(with_broker(m.broker), "base.yaml");
    ASSERT_FALSE(result.ok());
    const std::string all = to_string(result.diagnostics());
    EXPECT_NE(all.find("base.yaml:3:"), std::string::npos) << all;
    EXPECT_NE(all.find(m.message), std::string::npos) << all;
  }
}

TEST(SiteConfig, BrokerTlsFilesResolveBesideTheConfigAndThePasswordIsReadFromItsFile) {
  std::string pattern = (std::filesystem::temp_directory_path() / "vigil-broker-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path root = pattern;
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() { std::filesystem::remove_all(path); }
  } cleanup{root};
  auto file = [&](const char* name) { return root / name; };
  std::ofstream(file("ca.pem")) << "-----BEGIN CERTIFICATE-----\n";
  std::ofstream(file("mqtt.pass")) << "s3cret gateway\nignored second line\n";
  auto result = load_site_config_from_string(
      with_broker("broker: { port: 8883, username: gw1, password_file: mqtt.pass, "
                  "tls: { ca_file: ca.pem, verify_hostname: false } }"),
      file("site.yaml").string());
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const auto& broker = result.value().broker;
  EXPECT_EQ(broker.tls_ca_file, file("ca.pem").string());
  EXPECT_FALSE(broker.tls_verify_hostname);
  EXPECT_EQ(broker.username, "gw1");
  EXPECT_EQ(broker.password, "s3cret gateway");
}

}  // namespace
}  // namespace vigil::config
