// Alarm zones and fire release in the site YAML (docs/alarm.md): sensors on
// Modbus inputs, GPIO lines, EOL-supervised registers and door contacts;
// mistakes reported with file:line:col.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_mistake.hpp"
#include "vigil/config/load.hpp"

namespace vigil::config {
namespace alarm_config_test {

// clang-format off
constexpr const char* kBase =
    /*  1 */ "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
    /*  2 */ "devices:\n"
    /*  3 */ "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 1502, coils: 8, inputs: 8 }\n"
    /*  4 */ "  - { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n"
    /*  5 */ "zones:\n"
    /*  6 */ "  - { id: store, name: Store }\n"
    /*  7 */ "doors:\n"
    /*  8 */ "  - { id: store-door, from: outside, to: store, lock: { device: io1, coil: 0 }, contact: { device: io1, input: 0 } }\n"
    /*  9 */ "readers:\n"
    /* 10 */ "  - { id: store-in, door: store-door, direction: in, wiegand: { chip: gpio0, d0: 0, d1: 1 } }\n"
    /* 11 */ "alarm_zones:\n"
    /* 12 */ "  - id: store\n"
    /* 13 */ "    exit_delay: 45s\n"
    /* 14 */ "    entry_delay: 15s\n"
    /* 15 */ "    sensors:\n"
    /* 16 */ "      - { name: door, door: store-door, entry_route: true }\n"
    /* 17 */ "      - { name: pir, kind: motion, point: { device: io1, input: 3 } }\n"
    /* 18 */ "      - { name: shutter, point: { device: gpio0, line: 5 } }\n"
    /* 19 */ "fire:\n"
    /* 20 */ "  inputs:\n"
    /* 21 */ "    - { name: panel, point: { device: io1, input: 7 } }\n"
    /* 22 */ "  doors: [store-door]\n";
// clang-format on

TEST(AlarmConfig, ZonesSensorsAndFireLoad) {
  auto result = load_site_config_from_string(kBase, "/etc/vigil/site.yaml");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const SiteConfig& c = result.value();
  ASSERT_EQ(c.alarm_zones.size(), 1u);
  const core::AlarmZone& z = c.alarm_zones[0];
  EXPECT_EQ(z.exit_delay, std::chrono::seconds(45));
  EXPECT_EQ(z.entry_delay, std::chrono::seconds(15));
  ASSERT_EQ(z.sensors.size(), 3u);
  EXPECT_EQ(z.sensors[0].point, c.site.doors[0].contact) << "a door's contact";
  EXPECT_TRUE(z.sensors[0].entry_route);
  EXPECT_EQ(z.sensors[1].kind, core::SensorKind::motion);
  EXPECT_EQ(z.sensors[1].point,
            (core::PointRef{core::DeviceId("io1"), core::PointKind::discrete_input, 3}));
  EXPECT_EQ(z.sensors[2].point,
            (core::PointRef{core::DeviceId("gpio0"), core::PointKind::gpio_line, 5}));
  EXPECT_EQ(z.disarm_readers, std::vector<core::ReaderId>{core::ReaderId("store-in")})
      << "default: the in readers of doors into the access zone of the same id";
  ASSERT_TRUE(c.fire);
  EXPECT_EQ(c.fire->doors, std::vector<core::DoorId>{core::DoorId("store-door")});
  EXPECT_TRUE(c.fire->release_on_input_loss);
}

using mistake::Case;

class AlarmMistake : public testing::TestWithParam<Case> {};

TEST_P(AlarmMistake, IsReportedWithItsPosition) {
  mistake::expect_reported(kBase, GetParam(), "base.yaml");
}

INSTANTIATE_TEST_SUITE_P(
    AlarmConfig, AlarmMistake,
    testing::Values(
        Case{"UnknownSensorKind",
             "kind: motion",
             "kind: moton",
             {"17:28: 'kind': expected contact, motion, glass_break, panic or tamper, got "
              "'moton' (did you mean 'motion'?)"}},
        Case{"DelayTooLong",
             "exit_delay: 45s",
             "exit_delay: 45m",
             {"13:17: 'exit_delay': must be between 0s and 10m"}},
        Case{"UnknownDoor",
             "door: store-door, entry",
             "door: store-dor, entry",
             {"16:29: 'door': unknown door 'store-dor' (did you mean 'store-door'?)"}},
        Case{"LineOnAModbusDevice",
             "device: io1, input: 3",
             "device: io1, line: 3",
             {"17:43: 'line': device 'io1' is not a GPIO chip"}},
        Case{"InputBeyondTheModule",
             "device: io1, input: 7",
             "device: io1, input: 9",
             {"21:51: 'input': device 'io1' has 8 inputs"}},
        Case{"NoSupervisedRegister",
             "device: io1, input: 3",
             "device: io1, supervised: ai0",
             {"17:70: 'supervised': device 'io1' has no supervised input on register 'ai0'"}},
        Case{"FireDoorUnknown",
             "doors: [store-door]",
             "doors: [stair-door]",
             {"22:11: 'doors': unknown door 'stair-door' (did you mean 'store-door'?)"}},
        Case{"SensorNameTwice",
             "name: shutter",
             "name: pir",
             {"18:17: 'name': sensor 'pir' appears twice in zone 'store'"}}),
    mistake::case_name);

// A sensor names its EOL-supervised line; a line belongs to one sensor or
// fire input, and a second claim is refused at its position.
TEST(AlarmConfig, ASupervisedLineBelongsToOneSensor) {
  // clang-format off
  const std::string yaml =
      /*  1 */ "site: { id: hq, gateway: gw1, time_zone: UTC, module_library: " VIGIL_MODULES_DIR " }\n"
      /*  2 */ "devices:\n"
      /*  3 */ "  - { id: io2, type: modbus_tcp, host: 127.0.0.1, module: generic-8in-8out,\n"
      /*  4 */ "      supervised_inputs: [{ register: loop0, wiring: dual_eol, series: 1000, parallel: 1000 }] }\n"
      /*  5 */ "zones: [{ id: store }]\n"
      /*  6 */ "alarm_zones:\n"
      /*  7 */ "  - id: store\n"
      /*  8 */ "    sensors:\n"
      /*  9 */ "      - { name: window, kind: glass_break, point: { device: io2, supervised: loop0 } }\n";
  // clang-format on
  auto ok = load_site_config_from_string(yaml, "eol.yaml");
  ASSERT_TRUE(ok.ok()) << to_string(ok.diagnostics());
  EXPECT_EQ(ok.value().alarm_zones.at(0).sensors.at(0).point,
            (core::PointRef{core::DeviceId("io2"), core::PointKind::supervised_input, 0}));

  struct Mistake {
    const char* name;
    std::string added;
    std::vector<std::string> expected;
  };
  const std::vector<Mistake> mistakes{
      {"a second sensor",
       "      - { name: window2, point: { device: io2, supervised: loop0 } }\n",
       {"eol.yaml:10:60: 'supervised': line io2/loop0 is already sensor 'window' of zone "
        "'store' (line 9); a supervised line belongs to one sensor"}},
      {"a fire input",
       "fire:\n  inputs: [{ name: panel, point: { device: io2, supervised: loop0 } }]\n"
       "  doors: []\n",
       {"eol.yaml:11:61: 'supervised': line io2/loop0 is already sensor 'window' of zone "
        "'store' (line 9); a supervised line belongs to one sensor"}},
      {"an unknown line",
       "      - { name: door2, point: { device: io2, supervised: loop7 } }\n",
       {"eol.yaml:10:58: 'supervised': device 'io2' has no supervised input on register "
        "'loop7'"}},
  };
  for (const auto& m : mistakes) {
    SCOPED_TRACE(m.name);
    auto result = load_site_config_from_string(yaml + m.added, "eol.yaml");
    ASSERT_FALSE(result.ok());
    std::vector<std::string> got;
    for (const auto& d : result.diagnostics()) got.push_back(to_string(d));
    EXPECT_EQ(got, m.expected);
  }
}

TEST(AlarmConfig, ArmScheduleAndAutoArmWhenEmptyLoad) {
  std::string yaml = kBase;
  yaml.replace(yaml.find("    exit_delay: 45s\n"), 0,
               "    auto_arm_when_empty: true\n"
               "    arm_schedule:\n"
               "      - { days: [mon, tue, wed, thu, fri], from: \"07:00\", to: \"19:00\" }\n");
  yaml += "inspections:\n  read_errors: { count: 3, window: 10m }\n";
  auto result = load_site_config_from_string(yaml, "/etc/vigil/site.yaml");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const core::AlarmZone& z = result.value().alarm_zones.at(0);
  EXPECT_TRUE(z.auto_arm_when_empty);
  ASSERT_TRUE(z.arm_schedule);
  ASSERT_EQ(z.arm_schedule->size(), 1u);
  EXPECT_EQ((*z.arm_schedule)[0].weekdays, 0x1f);
  EXPECT_EQ((*z.arm_schedule)[0].start_minute, 7 * 60);
  EXPECT_EQ((*z.arm_schedule)[0].end_minute, 19 * 60);
  EXPECT_EQ(result.value().read_error_rate.count, 3);
  EXPECT_EQ(result.value().read_error_rate.window, std::chrono::minutes(10));
}

TEST(AlarmConfig, AutoArmWhenEmptyNeedsAnAccessZoneToCount) {
  std::string yaml = kBase;
  yaml.replace(yaml.find("  - id: store\n"), 14, "  - id: vault\n    auto_arm_when_empty: true\n");
  auto result = load_site_config_from_string(yaml, "/etc/vigil/site.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(to_string(result.diagnostics()).find("site.yaml:13:"), std::string::npos)
      << to_string(result.diagnostics());
}

}  // namespace alarm_config_test
}  // namespace vigil::config
