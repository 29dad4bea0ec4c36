// Scenario expectations (journal rows and MQTT incidents), setup commands,
// keypad and operator-command steps: parsed with positions, checked in order.
#include <gtest/gtest.h>

#include "vigil/config/load.hpp"
#include "vigil/sim/scenario.hpp"

namespace vigil::sim {
namespace scenario_expect_test {

const char* const kScenario = R"(name: trip
setup:
  - [person, import, people.csv]
  - {vigilctl: [person, pin, p02], input: "1234"}
steps:
  - {at: 0s, keys: {reader: vault-in, keys: "1234#", burst: 4}}
  - {at: 1s, ctl: [lockdown, set, ops, --reason, drill]}
  - {at: 2s, expect: {door: ops-door, lock: locked, within: 3s}}
expect:
  journal:
    - {kind: access_denied, person: p04, reason: credential_used_while_abroad, attrs: {destination: XX}}
    - {kind: lockdown_released, attrs: {operator: "${user}"}}
  mqtt:
    - {kind: credential_used_while_abroad, severity: critical, payload: {person: p04}}
)";

Scenario parsed() {
  return parse_scenario(kScenario, "trip.yaml").value();
}

TEST(ScenarioExpect, ParsesSetupKeypadOperatorStepsAndExpectations) {
  const auto s = parsed();
  ASSERT_EQ(s.setup.size(), 2u);
  EXPECT_EQ(s.setup[0].args, (std::vector<std::string>{"person", "import", "people.csv"}));
  EXPECT_EQ(s.setup[1].input, "1234");
  ASSERT_EQ(s.steps.size(), 3u);
  const auto& keys = std::get<TypeKeys>(s.steps[0].action);
  EXPECT_TRUE(keys.four_bit);
  EXPECT_EQ(keys.keys, "1234#");
  EXPECT_EQ(std::get<OperatorCommand>(s.steps[1].action).args.size(), 5u);
  EXPECT_EQ(std::get<ExpectLock>(s.steps[2].action).within, std::chrono::seconds(3));
  ASSERT_EQ(s.expect.journal.size(), 2u);
  EXPECT_EQ(s.expect.journal[0].line, 11);
  EXPECT_EQ(s.expect.journal[0].fields.back(),
            (std::pair<std::string, std::string>{"attrs.destination", "XX"}));
  ASSERT_EQ(s.expect.mqtt.size(), 1u);
  EXPECT_EQ(s.expect.mqtt[0].fields.back(), (std::pair<std::string, std::string>{"person", "p04"}));
  // PINs never reach a log line.
  EXPECT_EQ(describe(s.steps[0].action).find("1234"), std::string::npos);
}

TEST(ScenarioExpect, AllExpectationsMetInOrderLeaveNothingUnmet) {
  Record denial{{"kind", "access_denied"},
                {"person", "p04"},
                {"reason", "credential_used_while_abroad"},
                {"attrs.destination", "XX"}};
  Record release{{"kind", "lockdown_released"}, {"attrs.operator", "ben"}};
  Record incident{
      {"kind", "credential_used_while_abroad"}, {"severity", "critical"}, {"person", "p04"}};
  const auto unmet = unmet_expectations(parsed(), {{{"kind", "daemon_started"}}, denial, release},
                                        {incident}, {{"user", "ben"}});
  EXPECT_TRUE(unmet.empty()) << config::to_string(unmet);
}

TEST(ScenarioExpect, AnUnmetExpectationNamesItsFileLineAndTheClosestRecord) {
  Record release{{"kind", "lockdown_released"}, {"attrs.operator", "ben"}};
  Record denial{{"kind", "access_denied"},
                {"person", "p04"},
                {"reason", "credential_used_while_abroad"},
                {"attrs.destination", "XX"}};
  Record incident{
      {"kind", "credential_used_while_abroad"}, {"severity", "major"}, {"person", "p04"}};
  // In order: a release journalled before the denial does not meet the
  // expectation written after it.
  const auto unmet = unmet_expectations(parsed(), {release, denial}, {incident}, {{"user", "ben"}});
  ASSERT_EQ(unmet.size(), 2u) << config::to_string(unmet);
  const auto text = config::to_string(unmet);
  EXPECT_NE(text.find("trip.yaml:12:7: journal row not seen: kind=lockdown_released "
                      "attrs.operator=ben (0 journal rows looked at)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("trip.yaml:14:7: MQTT incident not seen: kind=credential_used_while_abroad "
                      "severity=critical person=p04 (1 MQTT incidents looked at; closest: "
                      "kind=credential_used_while_abroad severity=major person=p04)"),
            std::string::npos)
      << text;
}

TEST(ScenarioExpect, MistakesInExpectationsAndSetupAreReportedWithPositions) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"steps: []\nexpect: {journal: [{person: p01}]}\n",
       "t.yaml:2:20: 'a journal expectation' needs 'kind'"},
      {"steps: []\nexpect: {journal: [{kind: x, persn: p01}]}\n",
       "t.yaml:2:30: unknown key 'persn'"},
      {"steps: []\nexpect: {mqtt: [{kind: x, attrs: {a: b}}]}\n",
       "unknown key 'attrs' in an MQTT expectation"},
      {"steps: []\nexpect: {journal: [{kind: x, attrs: [a]}]}\n", "'attrs' takes a mapping"},
      {"steps: []\nexpect: {log: []}\n", "unknown key 'log' in expect"},
      {"steps: []\nexpect: {journal: {kind: x}}\n", "takes a list of expected records"},
      {"steps: []\nsetup: [person]\n", "'setup' takes a list of words"},
      {"steps: []\nsetup: [{vigilctl: [a], stdin: x}]\n", "unknown key 'stdin'"},
      {"steps:\n  - {at: 0s, keys: {reader: r, keys: 12a}}\n", "t.yaml:2:38: 'keys': digits"},
      {"steps:\n  - {at: 0s, keys: {reader: r, keys: '1', burst: 6}}\n", "'burst': 4 or 8"},
      {"steps:\n  - {at: 0s, ctl: lockdown}\n", "'ctl' takes a list of words"},
      {"steps:\n  - {at: 0s, expect: {door: d, lock: locked, within: soon}}\n", "'within'"},
      {"steps: []\nexpct: {}\n", "did you mean 'expect'?"},
  };
  for (const auto& c : cases) {
    auto result = parse_scenario(c.yaml, "t.yaml");
    ASSERT_FALSE(result) << c.yaml;
    const auto text = config::to_string(result.diagnostics());
    EXPECT_NE(text.find(c.message), std::string::npos) << c.yaml << "\n" << text;
  }
}

TEST(ScenarioExpect, AttrsColumnSplitsIntoNamedFields) {
  Record r;
  add_attrs(r, "pin=ok duress=true lockdown_reason=\"drill 7\" visit=1");
  EXPECT_EQ(r.at("attrs.pin"), "ok");
  EXPECT_EQ(r.at("attrs.duress"), "true");
  EXPECT_EQ(r.at("attrs.lockdown_reason"), "drill 7");
  EXPECT_EQ(r.at("attrs.visit"), "1");
  Record broken;
  add_attrs(broken, "a=\"unterminated b= =x");  // never crashes on odd text
  EXPECT_EQ(broken.at("attrs.a"), "unterminated b= =x");
}

TEST(ScenarioExpect, EveryRuleFamilyScenarioPlaysOnItsSiteAndExpectsSomething) {
  const std::string root = std::string(VIGIL_SOURCE_DIR) + "/config/scenarios/";
  auto site = config::load_site_config(root + "site.yaml");
  ASSERT_TRUE(site.ok()) << config::to_string(site.diagnostics());
  for (const char* name : {"keypad_pin.yaml", "escorted_visit.yaml", "trip.yaml", "watch_flag.yaml",
                           "lockdown.yaml"}) {
    auto scenario = load_scenario(root + name);
    ASSERT_TRUE(scenario.ok()) << config::to_string(scenario.diagnostics());
    EXPECT_EQ(config::to_string(validate_scenario(scenario.value(), site.value())), "") << name;
    EXPECT_FALSE(scenario.value().expect.journal.empty()) << name;
    EXPECT_FALSE(scenario.value().setup.empty()) << name;
    EXPECT_LE(scenario.value().duration(), std::chrono::seconds(7)) << name;
  }
}

}  // namespace scenario_expect_test
}  // namespace vigil::sim
