#include "vigil/sim/scenario_runner.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

namespace vigil::sim {
namespace {

using namespace std::chrono_literals;

// Records what the runner asked of the site, with when.
class RecordingSite final : public SiteActions {
 public:
  void swipe(const std::string& reader, core::CardNumber card, const std::string&) override {
    record("swipe " + reader + " " + core::to_string(card));
  }
  void set_contact(const std::string& door, bool open) override {
    if (door == "missing") throw std::runtime_error("unknown door 'missing'");
    record((open ? "open " : "close ") + door);
    if (door == "lobby" && open) unlocked = false;
  }
  void set_rex(const std::string& door, bool pressed) override {
    record((pressed ? "rex press " : "rex release ") + door);
  }
  bool lock_energised(const std::string&) const override {
    return unlocked || (unlock_at && std::chrono::steady_clock::now() >= *unlock_at);
  }

  std::vector<std::string> calls;
  std::vector<std::chrono::steady_clock::time_point> times;
  bool unlocked = true;
  std::optional<std::chrono::steady_clock::time_point> unlock_at;  // unlocks then by itself

 private:
  void record(std::string what) {
    calls.push_back(std::move(what));
    times.push_back(std::chrono::steady_clock::now());
  }
};

Scenario parse(const char* yaml) {
  return parse_scenario(yaml, "t.yaml").value();
}

TEST(ScenarioRunner, PlaysStepsInTimeOrderAndReleasesRexAfterItsHold) {
  RecordingSite site;
  std::vector<std::string> log;
  ScenarioRunner runner(site, [&](const std::string& line) { log.push_back(line); });
  const auto start = std::chrono::steady_clock::now();
  auto outcome = runner.run(parse(R"(steps:
  - {at: 10ms, swipe: {reader: r1, card: "12:1001"}, note: hello}
  - {at: 20ms, rex: {door: lobby, hold: 40ms}}
  - {at: 30ms, expect: {door: lobby, lock: unlocked}}
  - {at: 40ms, open: lobby}
  - {at: 80ms, close: lobby}
  - {at: 90ms, expect: {door: lobby, lock: unlocked}}
)"));
  EXPECT_EQ(site.calls,
            (std::vector<std::string>{"swipe r1 12:1001", "rex press lobby", "open lobby",
                                      "rex release lobby", "close lobby"}));
  EXPECT_GE(site.times[0] - start, 10ms);
  EXPECT_GE(site.times[3] - start, 60ms);
  EXPECT_EQ(outcome.actions_run, 7);          // six steps and one REX release
  EXPECT_EQ(outcome.expectations_failed, 1);  // opening relocked the door in this fake
  EXPECT_FALSE(outcome.passed());
  EXPECT_EQ(log.front(), "scenario: hello");
  EXPECT_NE(log.back().find("t.yaml:7: expect lobby lock UNLOCKED: FAILED"), std::string::npos)
      << log.back();
}

TEST(ScenarioRunner, AWithinWaitEndsWhenTheLockShowsAndDelaysTheStepsAfterIt) {
  RecordingSite site;
  site.unlocked = false;
  const auto start = std::chrono::steady_clock::now();
  site.unlock_at = start + 60ms;
  ScenarioRunner runner(site, [](const std::string&) {});
  auto outcome = runner.run(parse(R"(steps:
  - {at: 0ms, expect: {door: lobby, lock: unlocked, within: 5s}}
  - {after: 30ms, open: a}
  - {after: 30ms, close: a}
)"));
  EXPECT_TRUE(outcome.passed());
  ASSERT_EQ(site.times.size(), 2u);
  EXPECT_GE(site.times[0] - start, 90ms);          // 60 ms waited, then 30 ms
  EXPECT_GE(site.times[1] - site.times[0], 20ms);  // the spacing is kept (give or take)
  EXPECT_LT(site.times[0] - start, 4s);            // not the whole 5 s
}

TEST(ScenarioRunner, AWithinWaitThatNeverSeesTheStateFails) {
  RecordingSite site;
  site.unlocked = false;
  std::vector<std::string> log;
  ScenarioRunner runner(site, [&](const std::string& line) { log.push_back(line); });
  auto outcome =
      runner.run(parse("steps:\n  - {at: 0ms, expect: {door: d, lock: unlocked, within: 50ms}}\n"));
  EXPECT_EQ(outcome.expectations_failed, 1);
  EXPECT_NE(log.back().find("t.yaml:2: expect d lock UNLOCKED within 50ms: FAILED"),
            std::string::npos)
      << log.back();
}

TEST(ScenarioRunner, ASiteRefusalIsCountedAndThePlayGoesOn) {
  RecordingSite site;
  ScenarioRunner runner(site, [](const std::string&) {});
  auto outcome = runner.run(parse("steps:\n  - {at: 0s, open: missing}\n  - {at: 0s, open: x}\n"));
  EXPECT_EQ(outcome.actions_failed, 1);
  EXPECT_EQ(site.calls, std::vector<std::string>{"open x"});
}

TEST(ScenarioRunner, StopEndsAWaitingRunPromptly) {
  RecordingSite site;
  ScenarioRunner runner(site, [](const std::string&) {});
  const auto scenario = parse("steps:\n  - {at: 0s, open: a}\n  - {at: 1h, close: a}\n");
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    runner.stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto outcome = runner.run(scenario);
  stopper.join();
  EXPECT_TRUE(outcome.stopped);
  EXPECT_EQ(outcome.actions_run, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace vigil::sim
