#include <gtest/gtest.h>

#include "vigil/config/load.hpp"
#include "vigil/sim/scenario.hpp"

namespace vigil::sim {
namespace {

using namespace std::chrono_literals;

const char* const kGood = R"(name: lobby morning
steps:
  - {at: 1s, swipe: {reader: lobby-in, card: "12:1001"}, note: staff enters}
  - {after: 300ms, expect: {door: lobby-main, lock: unlocked}}
  - {at: 2s, open: lobby-main}
  - {at: 3s, close: lobby-main}
  - {at: 5s, rex: lobby-main}
  - {at: 6s, rex: {door: lobby-main, hold: 1s}}
  - {at: 8s, force: server-room-door}
  - at: 9s
    swipe:
      reader: server-in
      card: "12:1002"
      format: H10301
)";

TEST(ScenarioParser, ReadsEveryKindOfStep) {
  auto result = parse_scenario(kGood, "good.yaml");
  ASSERT_TRUE(result.ok()) << config::to_string(result.diagnostics());
  const Scenario& s = result.value();
  EXPECT_EQ(s.name, "lobby morning");
  ASSERT_EQ(s.steps.size(), 8u);

  const auto& swipe = std::get<Swipe>(s.steps[0].action);
  EXPECT_EQ(swipe.reader, "lobby-in");
  EXPECT_EQ(swipe.card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(s.steps[0].note, "staff enters");
  EXPECT_EQ(s.steps[0].line, 3);

  EXPECT_EQ(s.steps[1].at, 1300ms);  // after: counts from the previous step
  EXPECT_TRUE(std::get<ExpectLock>(s.steps[1].action).unlocked);
  EXPECT_TRUE(std::get<SetContact>(s.steps[2].action).open);
  EXPECT_FALSE(std::get<SetContact>(s.steps[3].action).open);
  EXPECT_EQ(std::get<PressRex>(s.steps[4].action).hold, 300ms);
  EXPECT_EQ(std::get<PressRex>(s.steps[5].action).hold, 1s);
  const auto& force = std::get<SetContact>(s.steps[6].action);
  EXPECT_TRUE(force.open);
  EXPECT_TRUE(force.forced);
  EXPECT_EQ(std::get<Swipe>(s.steps[7].action).format, "H10301");
  EXPECT_EQ(s.steps[7].line, 10);
  EXPECT_EQ(s.duration(), 9s);
}

struct BadCase {
  const char* name;
  const char* yaml;
  int line;
  const char* message_part;
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

class ScenarioParserErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioParserErrors, PointsAtTheLine) {
  const auto& c = GetParam();
  auto result = parse_scenario(c.yaml, "bad.yaml");
  ASSERT_FALSE(result.ok());
  const auto& d = result.diagnostics().front();
  EXPECT_EQ(d.file, "bad.yaml");
  EXPECT_EQ(d.line, c.line) << config::to_string(d);
  EXPECT_NE(d.message.find(c.message_part), std::string::npos) << config::to_string(d);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScenarioParserErrors,
    ::testing::Values(
        BadCase{"misspelt_step", "steps:\n  - {at: 1s, open: a}\n  - {at: 2s, swip: {}}\n", 3,
                "unknown key 'swip' in a step (did you mean 'swipe'?)"},
        BadCase{"unknown_step", "steps:\n  - {at: 1s, teleport: a}\n", 2, "unknown key 'teleport'"},
        BadCase{"no_action", "steps:\n  - {at: 1s}\n", 2, "a step needs one action"},
        BadCase{"two_actions", "steps:\n  - {at: 1s, open: a, close: a}\n", 2, "write two steps"},
        BadCase{"no_time", "steps:\n  - {open: a}\n", 2, "needs 'at'"},
        BadCase{"bare_number", "steps:\n  - {at: 5, open: a}\n", 2, "'at'"},
        BadCase{"back_in_time", "steps:\n  - {at: 5s, open: a}\n  - {at: 1s, close: a}\n", 3,
                "goes back in time"},
        BadCase{"bad_card", "steps:\n  - {at: 1s, swipe: {reader: r, card: \"1001\"}}\n", 2,
                "facility:number"},
        BadCase{"swipe_without_reader", "steps:\n  - {at: 1s, swipe: {card: \"1:2\"}}\n", 2,
                "'swipe' needs 'reader'"},
        BadCase{"bad_lock_state", "steps:\n  - {at: 1s, expect: {door: a, lock: ajar}}\n", 2,
                "locked or unlocked"},
        BadCase{"no_steps", "name: x\n", 1, "missing 'steps'"},
        BadCase{"yaml_syntax", "steps:\n  - {at: 1s, open: a\n", 3, "YAML syntax"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ScenarioParser, ReportsEveryBadStepNotJustTheFirst) {
  auto result = parse_scenario("steps:\n  - {at: 1s, opne: a}\n  - {at: 2s, clos: a}\n", "x.yaml");
  ASSERT_EQ(result.diagnostics().size(), 2u);
  EXPECT_EQ(result.diagnostics()[0].line, 2);
  EXPECT_EQ(result.diagnostics()[1].line, 3);
}

TEST(ScenarioParser, ParsesCards) {
  EXPECT_EQ(parse_card("12:1001"), (core::CardNumber{12, 1001}));
  EXPECT_EQ(parse_card("0:5"), (core::CardNumber{0, 5}));
  EXPECT_FALSE(parse_card("12").has_value());
  EXPECT_FALSE(parse_card("12:").has_value());
  EXPECT_FALSE(parse_card("a:1").has_value());
  EXPECT_FALSE(parse_card("1:2x").has_value());
}

config::SiteConfig small_site() {
  config::SiteConfig site;
  site.gpio_chips.push_back({core::DeviceId("gpio0"), "sim", "/tmp/x.sock", {}});
  site.gpio_chips.push_back({core::DeviceId("kernel"), "gpiod", "gpiochip0", {}});
  config::ModbusDeviceConfig io;
  io.id = core::DeviceId("io1");
  site.modbus_devices.push_back(io);
  core::Door lobby;
  lobby.id = core::DoorId("lobby-main");
  lobby.lock = {core::DeviceId("io1"), core::PointKind::coil, 0};
  lobby.contact = {core::DeviceId("io1"), core::PointKind::discrete_input, 0};
  lobby.rex = core::PointRef{core::DeviceId("io1"), core::PointKind::discrete_input, 1};
  core::Door back = lobby;
  back.id = core::DoorId("back");
  back.rex.reset();
  back.contact = {core::DeviceId("kernel"), core::PointKind::gpio_line, 3};
  site.site.doors = {lobby, back};
  site.site.readers = {{core::ReaderId("lobby-in"), lobby.id, core::Direction::in},
                       {core::ReaderId("osdp-in"), lobby.id, core::Direction::in}};
  site.wiegand_readers.push_back(
      {core::ReaderId("lobby-in"), core::DeviceId("gpio0"), 0, 1, {}, {}});
  return site;
}

TEST(ScenarioCheck, NamesEveryStepTheSiteCannotPlay) {
  auto result = parse_scenario(R"(steps:
  - {at: 1s, swipe: {reader: lobby-in, card: "12:1001"}}
  - {at: 1s, swipe: {reader: nowhere, card: "12:1001"}}
  - {at: 1s, swipe: {reader: osdp-in, card: "12:1001"}}
  - {at: 1s, swipe: {reader: lobby-in, card: "300:1"}}
  - {at: 1s, swipe: {reader: lobby-in, card: "1:1", format: H99}}
  - {at: 2s, open: lobby-mian}
  - {at: 2s, rex: back}
  - {at: 2s, close: back}
  - {at: 3s, rex: lobby-main}
)",
                               "s.yaml");
  ASSERT_TRUE(result.ok());
  const auto problems = validate_scenario(result.value(), small_site());
  std::vector<int> lines;
  for (const auto& d : problems) lines.push_back(d.line);
  EXPECT_EQ(lines, (std::vector<int>{3, 4, 5, 6, 7, 8, 9})) << config::to_string(problems);
  EXPECT_NE(problems[0].message.find("unknown reader 'nowhere'"), std::string::npos);
  EXPECT_NE(problems[1].message.find("not a Wiegand reader"), std::string::npos);
  EXPECT_NE(problems[2].message.find("does not fit"), std::string::npos);
  EXPECT_NE(problems[4].message.find("unknown door 'lobby-mian'"), std::string::npos);
}

TEST(ScenarioCheck, TheDemoScenarioPlaysOnTheDemoSite) {
  const std::string root = VIGIL_SOURCE_DIR;
  auto site = config::load_site_config(root + "/config/demo/site.yaml");
  ASSERT_TRUE(site.ok()) << config::to_string(site.diagnostics());
  auto scenario = load_scenario(root + "/config/demo/scenario.yaml");
  ASSERT_TRUE(scenario.ok()) << config::to_string(scenario.diagnostics());
  EXPECT_EQ(config::to_string(validate_scenario(scenario.value(), site.value())), "");
  EXPECT_LE(scenario.value().duration(), std::chrono::seconds(45));
}

}  // namespace
}  // namespace vigil::sim
