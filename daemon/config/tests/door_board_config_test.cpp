// Door boards in the site YAML: a device of type door_board on a serial
// line, doors locked by its relays (as coils) and watched by its inputs,
// readers wired to its reader ports. Mistakes are reported with file:line:col.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config_mistake.hpp"
#include "vigil/config/load.hpp"

namespace vigil::config {
namespace door_board_config_test {

// Line numbers matter: cases point at them.
// clang-format off
constexpr const char* kBase =
    /*  1 */ "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
    /*  2 */ "devices:\n"
    /*  3 */ "  - { id: board1, type: door_board, serial: run/board1.pty, baud: 115200, readers: 2, inputs: 2, relays: 2 }\n"
    /*  4 */ "  - { id: gpio0, type: sim_gpio, socket: run/gpio0.sock }\n"
    /*  5 */ "zones:\n"
    /*  6 */ "  - { id: lab, name: Lab }\n"
    /*  7 */ "doors:\n"
    /*  8 */ "  - id: lab-door\n"
    /*  9 */ "    from: outside\n"
    /* 10 */ "    to: lab\n"
    /* 11 */ "    lock: { device: board1, coil: 0 }\n"
    /* 12 */ "    contact: { device: board1, input: 0 }\n"
    /* 13 */ "readers:\n"
    /* 14 */ "  - { id: lab-in, door: lab-door, direction: in, board: { device: board1, reader: 0, formats: [H10301] } }\n"
    /* 15 */ "  - { id: lab-out, door: lab-door, direction: out, board: { device: board1, reader: 1 } }\n"
    /* 16 */ "access_levels:\n"
    /* 17 */ "  - { id: all-hours, zones: [lab], schedule: always }\n";
// clang-format on

TEST(DoorBoardConfig, ABoardItsPointsAndItsReadersLoad) {
  auto result = load_site_config_from_string(kBase, "/etc/vigil/site.yaml");
  ASSERT_TRUE(result.ok()) << to_string(result.diagnostics());
  const SiteConfig& c = result.value();
  ASSERT_EQ(c.door_boards.size(), 1u);
  const DoorBoardConfig& b = c.door_boards[0];
  EXPECT_EQ(b.id, core::DeviceId("board1"));
  EXPECT_EQ(b.serial_device, "/etc/vigil/run/board1.pty") << "relative to the config's folder";
  EXPECT_EQ(b.baud, 115200);
  EXPECT_EQ(b.input_count, 2);
  EXPECT_EQ(b.relay_count, 2);
  ASSERT_EQ(b.readers.size(), 2u);
  ASSERT_TRUE(b.readers[0]);
  EXPECT_EQ(b.readers[0]->reader, core::ReaderId("lab-in"));
  EXPECT_EQ(b.readers[0]->formats, std::vector<std::string>{"H10301"});
  EXPECT_EQ(b.readers[1]->reader, core::ReaderId("lab-out"));
  EXPECT_TRUE(c.wiegand_readers.empty()) << "board readers have no GPIO lines";
  EXPECT_EQ(c.site.readers.size(), 2u);
  EXPECT_EQ(c.site.doors[0].lock,
            (core::PointRef{core::DeviceId("board1"), core::PointKind::coil, 0}));
}

using mistake::Case;

class DoorBoardMistake : public testing::TestWithParam<Case> {};

TEST_P(DoorBoardMistake, IsReportedWithItsPosition) {
  mistake::expect_reported(kBase, GetParam(), "base.yaml");
}

std::vector<Case> cases() {
  return {
      {"MissingSerial",
       "serial: run/board1.pty, ",
       "",
       {"3:5: device is missing required key 'serial'"}},
      {"BaudNoPortCanBeSetTo",
       "baud: 115200",
       "baud: 115201",
       {"3:5: device 'board1': 'baud': 115201 is not a rate a serial port can be set to (e.g. "
        "115200)"}},
      {"MoreReadersThanTheFirmwareHas",
       "readers: 2",
       "readers: 5",
       {"3:84: 'readers': must be between 0 and 4, got 5"}},
      {"KeyOfAnotherDeviceType",
       "relays: 2 }",
       "relays: 2, coils: 4 }",
       {"3:109: key 'coils' does not apply to a door_board device"}},
      {"RelayPastTheBoardsRelays",
       "lock: { device: board1, coil: 0 }",
       "lock: { device: board1, coil: 2 }",
       {"11:35: 'coil': device 'board1' has 2 relays (0-1), got 2"}},
      {"GpioLineOnABoard",
       "contact: { device: board1, input: 0 }",
       "contact: { device: board1, line: 0 }",
       {"12:38: 'line': device 'board1' is a door board; address this point with 'input'"}},
      {"ReaderPortPastTheBoardsReaders",
       "board: { device: board1, reader: 1 }",
       "board: { device: board1, reader: 2 }",
       {"15:85: 'reader': door board 'board1' has 2 readers (0-1), got 2"}},
      {"TwoReadersOnOnePort",
       "board: { device: board1, reader: 1 }",
       "board: { device: board1, reader: 0 }",
       {"15:85: 'reader': reader 0 of door board 'board1' is already used by reader 'lab-in' "
        "(line 14)"}},
      {"ReaderOnADeviceThatIsNoBoard",
       "board: { device: board1, reader: 1 }",
       "board: { device: gpio0, reader: 1 }",
       {"15:69: 'device': device 'gpio0' is not a door board (type door_board)"}},
      {"ReaderOnAnUnknownBoard",
       "board: { device: board1, reader: 1 }",
       "board: { device: board2, reader: 1 }",
       {"15:69: 'device': unknown device 'board2' (did you mean 'board1'?)"}},
      {"UnknownFormat",
       "formats: [H10301]",
       "formats: [H10310]",
       {"14:96: 'formats': unknown wiegand format 'H10310' (did you mean 'H10301'?)"}},
      {"BothBoardAndWiegand",
       "board: { device: board1, reader: 1 } }",
       "board: { device: board1, reader: 1 }, wiegand: { chip: gpio0, d0: 0, d1: 1 } }",
       {"15:52: 'board': a reader is wired either to a door board or to GPIO lines ('wiegand'), "
        "not both"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Kinds, DoorBoardMistake, testing::ValuesIn(cases()), mistake::case_name);

}  // namespace door_board_config_test
}  // namespace vigil::config
