// End-of-line supervision, on explicit values and times: every band edge,
// with and without hysteresis, the presets, and the minimum dwell.
#include "vigil/core/eol.hpp"

#include <gtest/gtest.h>

#include "vigil/core/incident.hpp"

#include <vector>

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using S = LineState;

// 1k/1k dual EOL: closed 1k, open 2k. Edges 500 / 1500 / 3000, hysteresis 50.
const EolBands kBands = dual_eol(1000, 1000);

MonoTime at(Duration d) {
  return MonoTime{d};
}

TEST(Eol, DualEolPresetsPutTheEdgesHalfWayBetweenTheNominalValues) {
  EXPECT_DOUBLE_EQ(kBands.short_below, 500);
  EXPECT_DOUBLE_EQ(kBands.alarm_from, 1500);
  EXPECT_DOUBLE_EQ(kBands.cut_from, 3000);
  EXPECT_DOUBLE_EQ(kBands.hysteresis, 50);
  const EolBands b = dual_eol(2200, 4700);
  EXPECT_DOUBLE_EQ(b.short_below, 1100);
  EXPECT_DOUBLE_EQ(b.alarm_from, 4550);
  EXPECT_DOUBLE_EQ(b.cut_from, 10350);
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(classify(b, 2200), S::normal);
  EXPECT_EQ(classify(b, 6900), S::alarm);
}

TEST(Eol, SingleEolTakesAnOpenLoopForAnAlarmNeverACut) {
  const EolBands b = single_eol(1000);
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(classify(b, 0), S::short_circuit);
  EXPECT_EQ(classify(b, 1000), S::normal);
  EXPECT_EQ(classify(b, 1e9), S::alarm);
}

TEST(Eol, EveryBandEdgeWithoutHysteresis) {
  struct Row {
    double value;
    S state;
  };
  const std::vector<Row> rows{
      {0, S::short_circuit}, {499.9, S::short_circuit}, {500, S::normal},
      {1000, S::normal},     {1499.9, S::normal},       {1500, S::alarm},
      {2000, S::alarm},      {2999.9, S::alarm},        {3000, S::cut},
      {1e9, S::cut},
  };
  for (const auto& r : rows) EXPECT_EQ(classify(kBands, r.value), r.state) << r.value;
}

TEST(Eol, EveryBandEdgeWithHysteresisFromEachSide) {
  struct Row {
    S current;
    double value;
    S state;
  };
  const std::vector<Row> rows{
      // Leaving normal downwards and upwards: only past edge -/+ 50.
      {S::normal, 450, S::normal},
      {S::normal, 449.9, S::short_circuit},
      {S::normal, 1549.9, S::normal},
      {S::normal, 1550, S::alarm},
      // Leaving short: only from 550.
      {S::short_circuit, 549.9, S::short_circuit},
      {S::short_circuit, 550, S::normal},
      // Leaving alarm both ways.
      {S::alarm, 1450, S::alarm},
      {S::alarm, 1449.9, S::normal},
      {S::alarm, 3049.9, S::alarm},
      {S::alarm, 3050, S::cut},
      // Leaving cut: only below 2950.
      {S::cut, 2950, S::cut},
      {S::cut, 2949.9, S::alarm},
      // A jump over a whole band lands where the value is.
      {S::normal, 5000, S::cut},
      {S::cut, 100, S::short_circuit},
      {S::short_circuit, 2000, S::alarm},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(classify(kBands, r.value, r.current), r.state)
        << to_string(r.current) << " at " << r.value;
  }
}

TEST(Eol, CutAndShortAreTamperAlarmIsNot) {
  EXPECT_TRUE(is_tamper(S::cut));
  EXPECT_TRUE(is_tamper(S::short_circuit));
  EXPECT_FALSE(is_tamper(S::alarm));
  EXPECT_FALSE(is_tamper(S::normal));
}

TEST(EolSupervisor, FirstReadingIsTheInitialStateAtOnce) {
  EolSupervisor s(kBands, 300ms);
  const auto first = s.on_value(2000, at(0ms));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->state, S::alarm);
  EXPECT_TRUE(first->initial);
}

TEST(EolSupervisor, ChangeIsReportedOnlyAfterTheMinimumDwell) {
  EolSupervisor s(kBands, 300ms);
  s.on_value(1000, at(0ms));
  EXPECT_FALSE(s.on_value(2000, at(1000ms)));
  EXPECT_FALSE(s.on_value(2000, at(1299ms)));
  EXPECT_EQ(s.deadline(), at(1300ms));
  EXPECT_FALSE(s.on_time(at(1299ms)));
  const auto change = s.on_time(at(1300ms));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->state, S::alarm);
  EXPECT_FALSE(change->initial);
  EXPECT_FALSE(s.deadline());
}

TEST(EolSupervisor, BounceBackWithinTheDwellRestartsIt) {
  EolSupervisor s(kBands, 300ms);
  s.on_value(1000, at(0ms));
  EXPECT_FALSE(s.on_value(2000, at(0ms)));
  EXPECT_FALSE(s.on_value(1000, at(100ms)));  // back to normal: nothing pending
  EXPECT_FALSE(s.deadline());
  EXPECT_FALSE(s.on_value(2000, at(200ms)));
  EXPECT_FALSE(s.on_time(at(400ms)));
  EXPECT_TRUE(s.on_time(at(500ms)));
}

TEST(EolSupervisor, ReadingOnTheEdgeDoesNotChatter) {
  EolSupervisor s(kBands, 0ms);
  s.on_value(1000, at(0ms));
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(s.on_value(i % 2 == 0 ? 1510 : 1490, at(std::chrono::milliseconds(i))));
  }
  EXPECT_EQ(s.state(), S::normal);
}

TEST(EolSupervisor, CutDuringTheDwellOfAnAlarmIsReportedAsTheCut) {
  EolSupervisor s(kBands, 300ms);
  s.on_value(1000, at(0ms));
  s.on_value(2000, at(0ms));
  s.on_value(9000, at(100ms));  // the line was cut meanwhile: a new pending state
  EXPECT_FALSE(s.on_time(at(300ms)));
  const auto change = s.on_time(at(400ms));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->state, S::cut);
}

TEST(EolSupervisor, AfterAResetTheNextReadingIsInitialAgain) {
  EolSupervisor s(kBands, 300ms);
  s.on_value(1000, at(0ms));
  s.reset();
  const auto again = s.on_value(0, at(10ms));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, S::short_circuit);
  EXPECT_TRUE(again->initial);
}

}  // namespace
}  // namespace vigil::core

namespace vigil::core {
namespace {

TEST(TamperRule, CutOrShortLineIsAMajorTamperIncidentWhateverTheZone) {
  IncidentRules rules;
  Event e;
  e.kind = EventKind::line_tamper;
  e.device = DeviceId("io1");
  set_attr(e.attrs, "point", std::string("io1/loop0"));
  set_attr(e.attrs, "state", std::string("cut"));
  const auto incident = rules.observe(e);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::tamper);
  EXPECT_EQ(incident->severity, Severity::major);
  EXPECT_STREQ(to_string(incident->kind), "tamper");
  EXPECT_NE(incident->summary.find("io1/loop0"), std::string::npos) << incident->summary;
  EXPECT_NE(incident->summary.find("cut"), std::string::npos);

  e.kind = EventKind::line_restored;
  EXPECT_FALSE(rules.observe(e));
  EXPECT_EQ(event_kind_from_string(to_string(EventKind::line_tamper)), EventKind::line_tamper);
  EXPECT_EQ(event_kind_from_string("line_restored"), EventKind::line_restored);
}

}  // namespace
}  // namespace vigil::core
