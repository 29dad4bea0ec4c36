// One case per rule that a driver or the door logic would otherwise only
// enforce when vigild starts: `vigild --check` must refuse the same configs,
// naming file:line:col and the key. Same method as site_config_errors_test:
// each case edits one spot of a valid site.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_mistake.hpp"
#include "vigil/config/load.hpp"

namespace vigil::config {
namespace start_rules_test {

// Line numbers matter: cases point at them.
// clang-format off
constexpr const char* kBase =
    /*  1 */ "site: { id: hq, gateway: gw1, time_zone: Europe/Berlin }\n"
    /*  2 */ "journal: { path: run/journal.db }\n"
    /*  3 */ "devices:\n"
    /*  4 */ "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, unit: 1, coils: 4, inputs: 4 }\n"
    /*  5 */ "  - { id: io2, type: modbus_rtu, serial: /dev/ttyUSB0, unit: 7, coils: 2, inputs: 2 }\n"
    /*  6 */ "  - { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n"
    /*  7 */ "zones:\n"
    /*  8 */ "  - { id: lobby }\n"
    /*  9 */ "doors:\n"
    /* 10 */ "  - id: d1\n"
    /* 11 */ "    from: outside\n"
    /* 12 */ "    to: lobby\n"
    /* 13 */ "    lock: { device: io1, coil: 0 }\n"
    /* 14 */ "    contact: { device: io1, input: 0 }\n"
    /* 15 */ "    rex: { device: io1, input: 1 }\n"
    /* 16 */ "    fail_mode: secure\n"
    /* 17 */ "  - id: d2\n"
    /* 18 */ "    from: lobby\n"
    /* 19 */ "    to: outside\n"
    /* 20 */ "    lock: { device: gpio0, line: 10 }\n"
    /* 21 */ "    contact: { device: io2, input: 0 }\n";
// clang-format on

using mistake::Case;

const std::string kLongSocket = "/tmp/" + std::string(103, 's');  // 108 bytes: one too many

std::vector<Case> cases() {
  static const std::string long_socket = "socket: " + kLongSocket;
  static const std::string long_socket_error =
      "6:42: 'socket': '" + kLongSocket +
      "' is 108 bytes long; a Unix socket path may be at most 107";
  return {
      // Modbus modules.
      {"UnitZeroOnTcp", "unit: 1", "unit: 0", {"4:57: 'unit': must be between 1 and 255, got 0"}},
      {"SameUnitTwiceOnOneSerialPort",
       "  - { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n",
       "  - { id: io3, type: modbus_rtu, serial: /dev/ttyUSB0, unit: 7, coils: 2, inputs: 2 }\n  - "
       "{ id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n",
       {"6:62: device 'io3': unit 7 on /dev/ttyUSB0 is already device 'io2' (line 5); each "
        "module on a line needs its own unit id"}},
      {"TwoBaudRatesOnOneSerialPort",
       "  - { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n",
       "  - { id: io3, type: modbus_rtu, serial: /dev/ttyUSB0, unit: 8, baud: 9600, coils: 2 }\n  "
       "- { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n",
       {"6:71: device 'io3': serial port /dev/ttyUSB0 runs at 19200 baud for device 'io2' "
        "(line 5), not 9600: the devices on one port share one line"}},
      {"OfflineAfterAtLeastOneFailure",
       "unit: 1,",
       "unit: 1, offline_after: 0,",
       {"4:75: 'offline_after': must be between 1 and 100, got 0"}},
      {"UnitAbove247OnRtu",
       "unit: 7",
       "unit: 248",
       {"5:62: 'unit': must be between 1 and 247, got 248"}},
      {"TcpHostIsNotEmpty", "host: 127.0.0.1", "host: \"\"", {"4:40: 'host': must not be empty"}},
      {"RtuSerialDeviceIsNotEmpty",
       "serial: /dev/ttyUSB0",
       "serial: ''",
       {"5:42: 'serial': must not be empty"}},
      {"ModuleWithNoPoints",
       "coils: 2, inputs: 2",
       "coils: 0, inputs: 0",
       {"5:5: device 'io2': a Modbus module needs coils or inputs (both 'coils' and 'inputs' are "
        "0)",
        "21:36: 'input': device 'io2' has 0 inputs, got 0"}},
      {"CoilOutsideCoilCount",
       "coil: 0",
       "coil: 4",
       {"13:32: 'coil': device 'io1' has 4 coils (0-3), got 4"}},
      {"InputOutsideInputCount",
       "input: 1",
       "input: 4",
       {"15:32: 'input': device 'io1' has 4 inputs (0-3), got 4"}},
      {"LockOnAnInputOnlyPoint",
       "lock: { device: io1, coil: 0 }",
       "lock: { device: io1, input: 2 }",
       {"13:26: 'input': lock is an output; use 'coil' (Modbus) or 'line' (GPIO)"}},
      {"OutputUsedByTwoDoors",
       "lock: { device: gpio0, line: 10 }",
       "lock: { device: io1, coil: 0 }",
       {"20:32: 'coil': point io1/coil/0 is already used as the lock of door 'd1' (line 13)"}},
      {"ReadBackIsABoolean",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, read_back: maybe }",
       {"4:92: 'read_back': expected true or false, got 'maybe'"}},
      // The module's watchdog.
      {"WatchdogNeedsATimeout",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { safe_register: 9 } }",
       {"4:91: watchdog is missing required key 'timeout'"}},
      {"WatchdogTimeoutAboveTheRegister",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { timeout: 70s } }",
       {"4:102: 'timeout': the watchdog timeout must be whole milliseconds between 1ms and "
        "65535ms"}},
      {"WatchdogTimeoutZero",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { timeout: 0ms } }",
       {"4:102: 'timeout': the watchdog timeout must be whole milliseconds between 1ms and "
        "65535ms"}},
      {"WatchdogSafeCoilsOnePerCoil",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { timeout: 2s, safe_coils: [1, 0] } }",
       {"4:118: 'safe_coils': device 'io1' has 4 coils, got 2 safe states (give one per coil, or "
        "none for all off)"}},
      {"WatchdogSafeCoilsAreBits",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { timeout: 2s, safe_coils: [0, 2, 0, 0] } }",
       {"4:122: 'safe_coils': must be between 0 and 1, got 2"}},
      // Rules only the driver knows reach the check through modbus::check().
      {"WatchdogLongerThanOnePollAndOneTimeout",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { timeout: 300ms } }",
       {"4:5: device 'io1': 'watchdog.timeout': must be longer than poll_period + timeout (550 "
        "ms)"}},
      {"WatchdogRegistersDiffer",
       "coils: 4, inputs: 4 }",
       "coils: 4, inputs: 4, watchdog: { timeout: 2s, timeout_register: 9, safe_register: 9 } }",
       {"4:142: 'safe_register': the watchdog's timeout and safe pattern need two different "
        "registers, both are 9"}},
      // GPIO chips.
      {"SimSocketPathLongerThanSunPath",
       "socket: run/gpio0.sock",
       long_socket.c_str(),
       {long_socket_error}},
      {"SimSocketIsNotEmpty",
       "socket: run/gpio0.sock",
       "socket: \"\"",
       {"6:42: 'socket': the sim chip's socket path is empty"}},
      {"GpioLinesIsAMapping",
       "socket: run/gpio0.sock }",
       "socket: run/gpio0.sock, lines: [10] }",
       {"6:65: 'lines': expected a mapping of line number to wiring, such as { 3: { active_low: "
        "true, bias: pull_up } }, got a list"}},
      {"GpioLineKeyIsANumber",
       "socket: run/gpio0.sock }",
       "socket: run/gpio0.sock, lines: { d0: { active_low: true } } }",
       {"6:67: 'lines': expected a line number between 0 and 65535, got 'd0'"}},
      {"GpioLineBiasIsKnown",
       "socket: run/gpio0.sock }",
       "socket: run/gpio0.sock, lines: { 10: { bias: up } } }",
       {"6:79: 'bias': expected as_is, disabled, pull_up or pull_down, got 'up'"}},
      {"GpioLineDebounceBelow400ms",
       "socket: run/gpio0.sock }",
       "socket: run/gpio0.sock, lines: { 10: { debounce: 400ms } } }",
       {"6:83: 'debounce': must be at least 0ms and shorter than 400ms (IEC 60839-11-1: a 400ms "
        "input always registers)"}},
      {"GpioLineKeyIsKnown",
       "socket: run/gpio0.sock }",
       "socket: run/gpio0.sock, lines: { 10: { activ_low: true } } }",
       {"6:73: unknown key 'activ_low' in line 10 (did you mean 'active_low'?)"}},
      // The broker: what the MQTT publisher refuses at start.
      {"BrokerKeepaliveIsNotZero",
       "journal: { path: run/journal.db }\n",
       "journal: { path: run/journal.db }\nbroker: { keepalive: 0s }\n",
       {"3:22: 'keepalive': must be whole seconds between 1s and 65535s"}},
      {"BrokerTopicRootHasNoEmptyLevel",
       "journal: { path: run/journal.db }\n",
       "journal: { path: run/journal.db }\nbroker: { topic_root: a//b }\n",
       {"3:23: 'topic_root': 'a//b' is not a valid topic root (no '+', '#', empty level, leading "
        "or trailing '/', or leading '$')"}},
      {"BrokerTopicRootIsNotABrokerTopic",
       "journal: { path: run/journal.db }\n",
       "journal: { path: run/journal.db }\nbroker: { topic_root: $SYS }\n",
       {"3:23: 'topic_root': '$SYS' is not a valid topic root (no '+', '#', empty level, leading "
        "or trailing '/', or leading '$')"}},
      // Door timings.
      {"FailModeIsSecureOrSafe",
       "fail_mode: secure",
       "fail_mode: open",
       {"16:16: 'fail_mode': expected secure or safe, got 'open'"}},
      {"ContactDebounceBelow400ms",
       "fail_mode: secure",
       "contact_debounce: 400ms",
       {"16:23: 'contact_debounce': must be at least 0ms and shorter than 400ms (IEC 60839-11-1: "
        "a 400ms input always registers)"}},
      {"RexDebounceBelow400ms",
       "fail_mode: secure",
       "rex_debounce: 1s",
       {"16:19: 'rex_debounce': must be at least 0ms and shorter than 400ms (IEC 60839-11-1: a "
        "400ms input always registers)"}},
      {"RelockDelayShorterThanHeldOpenTime",
       "fail_mode: secure",
       "relock_delay: 30s",
       {"16:19: 'relock_delay': must be at least 0ms and shorter than the door's held_open_time "
        "(30s)"}},
      {"TwoPersonWindowOfAtLeastOneSecond",
       "  - { id: lobby }",
       "  - { id: lobby, two_person_window: 0s }",
       {"8:37: 'two_person_window': must be between 1s and 10min"}},
      {"ZoneEscortWindowOfAtLeastOneSecond",
       "  - { id: lobby }",
       "  - { id: lobby, escort_window: 500ms }",
       {"8:33: 'escort_window': must be between 1s and 2min"}},
      {"SiteEscortWindowOfAtMostTwoMinutes",
       "time_zone: Europe/Berlin }",
       "time_zone: Europe/Berlin, escort_window: 5m }",
       {"1:72: 'escort_window': must be between 1s and 2min"}},
      {"UnlockedModeNeedsItsSchedule",
       "fail_mode: secure",
       "mode: unlocked",
       {"10:5: door with 'mode: unlocked' is missing required key 'unlocked_schedule' (the "
        "windows, site local time, when it stays unlocked)"}},
      {"UnlockedScheduleOnlyWithUnlockedMode",
       "fail_mode: secure",
       "unlocked_schedule: [{ from: \"08:00\", to: \"18:00\" }]",
       {"16:24: 'unlocked_schedule': only a door with 'mode: unlocked' has one"}},
      {"RexStuckTimeLongerThanRexDebounce",
       "fail_mode: secure",
       "rex_stuck_time: 50ms",
       {"16:21: 'rex_stuck_time': the REX stuck time (50ms) must be longer than its debounce "
        "(50ms)"}},
  };
}

class StartRule : public testing::TestWithParam<Case> {};

TEST_P(StartRule, BrokenRuleIsReportedWithItsPosition) {
  mistake::expect_reported(kBase, GetParam(), "/etc/vigil/base.yaml");
}

INSTANTIATE_TEST_SUITE_P(Rules, StartRule, testing::ValuesIn(cases()), mistake::case_name);

TEST(StartRules, BaseSiteIsValid) {
  auto result = load_site_config_from_string(kBase, "/etc/vigil/base.yaml");
  EXPECT_TRUE(result.ok()) << to_string(result.diagnostics());
}

TEST(StartRules, AnUnlockedDoorAndATwoPersonZoneLoad) {
  std::string text = kBase;
  text.replace(text.find("fail_mode: secure"), 17,
               "mode: unlocked\n    unlocked_schedule: [{ days: [mon], from: \"08:00\", to: "
               "\"18:00\" }]");
  text.replace(text.find("  - { id: lobby }"), 17, "  - { id: lobby, two_person_window: 20s }");
  auto result = load_site_config_from_string(text, "/etc/vigil/base.yaml");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const auto& site = result.value().site;
  const core::Door* door = site.find_door(core::DoorId("d1"));
  ASSERT_NE(door, nullptr);
  EXPECT_EQ(door->mode, core::DoorMode::unlocked);
  ASSERT_EQ(door->unlocked_schedule.size(), 1u);
  EXPECT_EQ(door->unlocked_schedule[0].weekdays, 1u);
  EXPECT_EQ(door->unlocked_schedule[0].start_minute, 8 * 60);
  EXPECT_EQ(door->unlocked_schedule[0].end_minute, 18 * 60);
  const core::Zone* lobby = site.find_zone(core::ZoneId("lobby"));
  ASSERT_NE(lobby, nullptr);
  EXPECT_EQ(lobby->two_person_window, std::chrono::seconds(20));
}

TEST(StartRules, TheEscortWindowIsTenSecondsUnlessTheSiteOrTheZoneSaysOtherwise) {
  auto plain = load_site_config_from_string(kBase, "/etc/vigil/base.yaml");
  ASSERT_TRUE(plain.ok()) << to_string(plain.diagnostics());
  EXPECT_EQ(plain.value().site.escort_window_for(core::ZoneId("lobby")), std::chrono::seconds(10));
  std::string text = kBase;
  text.replace(text.find("time_zone: Europe/Berlin }"), 26,
               "time_zone: Europe/Berlin, escort_window: 15s }");
  auto site_wide = load_site_config_from_string(text, "/etc/vigil/base.yaml");
  ASSERT_TRUE(site_wide.ok()) << to_string(site_wide.diagnostics());
  EXPECT_EQ(site_wide.value().site.escort_window_for(core::ZoneId("lobby")),
            std::chrono::seconds(15));
  text.replace(text.find("  - { id: lobby }"), 17, "  - { id: lobby, escort_window: 30s }");
  auto zoned = load_site_config_from_string(text, "/etc/vigil/base.yaml");
  ASSERT_TRUE(zoned.ok()) << to_string(zoned.diagnostics());
  EXPECT_EQ(zoned.value().site.escort_window_for(core::ZoneId("lobby")), std::chrono::seconds(30));
}

TEST(StartRules, RelativeSocketPathIsMeasuredAfterResolving) {
  // 100 bytes as written, but vigild connects to <config folder>/<path>.
  const std::string socket(100, 's');
  std::string text = kBase;
  const std::string from = "socket: run/gpio0.sock";
  text.replace(text.find(from), from.size(), "socket: " + socket);
  auto result = load_site_config_from_string(text, "/etc/vigil/base.yaml");
  ASSERT_EQ(result.diagnostics().size(), 1u) << to_string(result.diagnostics());
  EXPECT_NE(result.diagnostics()[0].message.find("'/etc/vigil/" + socket + "' is 111 bytes"),
            std::string::npos)
      << result.diagnostics()[0].message;
}

}  // namespace start_rules_test
}  // namespace vigil::config
