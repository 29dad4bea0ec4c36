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

TEST(IncidentRules, AJournalIntegrityBreakIsCriticalButAFormatMigrationIsNot) {
  IncidentRules rules;
  Event broken;
  broken.kind = EventKind::journal_integrity;
  broken.detail = "rows 41..50 missing after seq 40";
  set_attr(broken.attrs, "problem", std::string("tail_cut"));
  auto inc = rules.observe(broken);
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->kind, IncidentKind::journal_integrity);
  EXPECT_EQ(inc->severity, Severity::critical);
  EXPECT_NE(inc->summary.find("tail_cut"), std::string::npos);
  Event migrated;
  migrated.kind = EventKind::journal_integrity;
  set_attr(migrated.attrs, "migrated_from", std::string("vigil.journal.v1"));
  EXPECT_FALSE(rules.observe(migrated));
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

TEST(IncidentRules, RepeatedDenialsWindowIsMeasuredOnTheMonotonicClock) {
  const TimePoint t0 = testing::at_utc(testing::kMonday, 9, 0);
  const MonoTime m0{std::chrono::hours(5)};
  auto live = [&](Duration wall, Duration mono) {
    Event e = denial(t0 + wall);
    e.mono = m0 + mono;
    return e;
  };
  // The wall clock stepped an hour between the reads: still one burst.
  IncidentRules stepped({3, 60s});
  EXPECT_FALSE(stepped.observe(live(0s, 0s)));
  EXPECT_FALSE(stepped.observe(live(1h, 10s)));
  EXPECT_TRUE(stepped.observe(live(1h + 10s, 20s)));
  // Wall times close together, but two minutes apart on the monotonic clock.
  IncidentRules spread({3, 60s});
  EXPECT_FALSE(spread.observe(live(0s, 0s)));
  EXPECT_FALSE(spread.observe(live(1s, 61s)));
  EXPECT_FALSE(spread.observe(live(2s, 122s)));
}

TEST(IncidentRules, NewDoorEventsMapToTheirIncidents) {
  struct Case {
    EventKind event;
    const char* action;
    std::optional<IncidentKind> incident;
    Severity severity;
  };
  const Case cases[] = {
      {EventKind::output_failed, "unlock", IncidentKind::lock_failure, Severity::major},
      {EventKind::output_failed, "release", IncidentKind::lock_failure, Severity::major},
      {EventKind::output_failed, "relock", IncidentKind::lock_failure, Severity::critical},
      {EventKind::rex_stuck, "", IncidentKind::rex_stuck, Severity::major},
      {EventKind::door_open_at_start, "", IncidentKind::door_open_at_start, Severity::warning},
      {EventKind::clock_jump, "", IncidentKind::clock_jump, Severity::warning},
      {EventKind::rex_released, "", std::nullopt, Severity::info},
      {EventKind::door_released, "", std::nullopt, Severity::info},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.event)) + " " + c.action);
    IncidentRules rules;
    Event e;
    e.kind = c.event;
    e.door = DoorId("lobby-main");
    if (*c.action) set_attr(e.attrs, "action", std::string(c.action));
    auto inc = rules.observe(e);
    ASSERT_EQ(inc.has_value(), c.incident.has_value());
    if (!inc) continue;
    EXPECT_EQ(inc->kind, *c.incident);
    EXPECT_EQ(inc->severity, c.severity);
    if (c.event != EventKind::clock_jump) {
      EXPECT_NE(inc->summary.find("lobby-main"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace vigil::core
