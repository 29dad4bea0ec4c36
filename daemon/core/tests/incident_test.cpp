#include "vigil/core/incident.hpp"

#include <gtest/gtest.h>

#include "site_fixture.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;

Event denial(TimePoint t, const char* reader = "lobby-in") {
  Event e;
  e.kind = EventKind::access_denied;
  e.reason = DenyReason::unknown_card;
  e.time = t;
  e.reader = ReaderId(reader);
  return e;
}

TEST(IncidentRules, ForcedDoorIsAMajorIncident) {
  IncidentRules rules;
  Event e;
  e.kind = EventKind::door_forced;
  e.door = DoorId("lobby-main");
  auto inc = rules.observe(e);
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->kind, IncidentKind::door_forced);
  EXPECT_EQ(inc->severity, Severity::major);
  EXPECT_NE(inc->summary.find("lobby-main"), std::string::npos);
}

TEST(IncidentRules, DeviceOfflineIsMajorAndSaysWhy) {
  IncidentRules rules;
  Event e;
  e.kind = EventKind::device_offline;
  e.device = DeviceId("io1");
  e.detail = "connect: Connection refused";
  auto inc = rules.observe(e);
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->kind, IncidentKind::device_offline);
  EXPECT_EQ(inc->severity, Severity::major);
  EXPECT_EQ(inc->summary, "Device offline: device io1 (connect: Connection refused)");
  e.kind = EventKind::device_online;  // coming back is an event, not an incident
  EXPECT_FALSE(rules.observe(e));
}

TEST(IncidentRules, HeldOpenIsAWarning) {
  IncidentRules rules;
  Event e;
  e.kind = EventKind::door_held_open;
  e.door = DoorId("lobby-main");
  auto inc = rules.observe(e);
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->kind, IncidentKind::door_held_open);
  EXPECT_EQ(inc->severity, Severity::warning);
}

TEST(IncidentRules, GrantsAndEntriesAreNotIncidents) {
  IncidentRules rules;
  Event e;
  e.kind = EventKind::access_granted;
  EXPECT_FALSE(rules.observe(e));
  e.kind = EventKind::entry;
  EXPECT_FALSE(rules.observe(e));
}

TEST(IncidentRules, ThirdDenialWithinWindowRaisesRepeatedDenials) {
  IncidentRules rules({3, 60s});
  const TimePoint t0 = testing::at_utc(testing::kMonday, 9, 0);
  EXPECT_FALSE(rules.observe(denial(t0)));
  EXPECT_FALSE(rules.observe(denial(t0 + 10s)));
  EXPECT_FALSE(rules.observe(denial(t0 + 10s, "server-in")));  // other reader counts apart
  auto inc = rules.observe(denial(t0 + 20s));
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->kind, IncidentKind::repeated_denials);
  EXPECT_EQ(inc->summary, "Repeated denials: 3 refused reads at reader lobby-in within 60 s");
  EXPECT_FALSE(rules.observe(denial(t0 + 21s)));  // counting restarts after raising
}

TEST(IncidentRules, DenialsSpreadBeyondTheWindowDoNotRaise) {
  IncidentRules rules({3, 60s});
  const TimePoint t0 = testing::at_utc(testing::kMonday, 9, 0);
  EXPECT_FALSE(rules.observe(denial(t0)));
  EXPECT_FALSE(rules.observe(denial(t0 + 50s)));
  EXPECT_FALSE(rules.observe(denial(t0 + 111s)));
}

}  // namespace
}  // namespace vigil::core
