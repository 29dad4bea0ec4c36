// Automatic and manual deficiencies folded from journalled events (issue 9
// item 6): when each started, when it cleared, and whether it is open.
#include <gtest/gtest.h>

#include <algorithm>

#include "site_fixture.hpp"
#include "vigil/core/deficiency.hpp"

namespace vigil::core {
namespace deficiency_test {

using testing::at_utc;
using testing::kMonday;

struct Feed {
  std::uint64_t seq = 0;
  DeficiencyBook book;
  explicit Feed(DeficiencyRules rules = {}) : book(std::move(rules)) {}
  std::uint64_t add(Event e) {
    e.seq = ++seq;
    book.apply(e);
    return e.seq;
  }
};

Event ev(EventKind kind, TimePoint at) {
  Event e;
  e.kind = kind;
  e.time = at;
  return e;
}
Event door_ev(EventKind kind, TimePoint at, const char* door) {
  Event e = ev(kind, at);
  e.door = DoorId(door);
  return e;
}
Event device_ev(EventKind kind, TimePoint at, const char* device) {
  Event e = ev(kind, at);
  e.device = DeviceId(device);
  return e;
}
Event reader_ev(EventKind kind, TimePoint at, const char* reader) {
  Event e = ev(kind, at);
  e.reader = ReaderId(reader);
  return e;
}

TEST(Deficiency, ForcedDoorOpensAtForcedAndClearsWhenTheDoorCloses) {
  DeficiencyRules rules;
  rules.item_zones = item_zones(testing::make_site(), {});
  Feed f(rules);
  const auto id = f.add(door_ev(EventKind::door_forced, at_utc(kMonday, 22, 0), "server-door"));
  ASSERT_TRUE(f.book.find(id));
  EXPECT_TRUE(f.book.find(id)->open());
  EXPECT_EQ(f.book.find(id)->kind, DeficiencyKind::forced);
  EXPECT_EQ(f.book.find(id)->zone, ZoneId("server-room"));
  f.add(door_ev(EventKind::door_closed, at_utc(kMonday, 22, 3), "server-door"));
  const Deficiency* d = f.book.find(id);
  EXPECT_FALSE(d->open());
  EXPECT_EQ(d->started, at_utc(kMonday, 22, 0));
  EXPECT_EQ(d->cleared, at_utc(kMonday, 22, 3));
  EXPECT_EQ(d->item, "door:server-door");
}

TEST(Deficiency, DeviceOfflineAndBackHasStartAndClearTimes) {
  Feed f;
  const auto id = f.add(device_ev(EventKind::device_offline, at_utc(kMonday, 1, 0), "io1"));
  f.add(device_ev(EventKind::device_offline, at_utc(kMonday, 1, 5), "io1"));  // after a restart
  f.add(device_ev(EventKind::device_online, at_utc(kMonday, 1, 30), "io1"));
  const auto all = f.book.list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, id);
  EXPECT_EQ(all[0].started, at_utc(kMonday, 1, 0));
  EXPECT_EQ(all[0].cleared, at_utc(kMonday, 1, 30));
}

TEST(Deficiency, EachConditionOpensAndClearsOnItsOwnEvents) {
  struct Case {
    const char* name;
    Event start;
    std::optional<Event> clear;  // nullopt: stays open until fixed
    DeficiencyKind kind;
    std::string item;
  };
  const TimePoint t0 = at_utc(kMonday, 9, 0), t1 = at_utc(kMonday, 9, 10);
  Event line = device_ev(EventKind::line_tamper, t0, "io2");
  set_attr(line.attrs, "point", std::string("ai0"));
  Event restored = device_ev(EventKind::line_restored, t1, "io2");
  set_attr(restored.attrs, "point", std::string("ai0"));
  Event tamper = ev(EventKind::alarm_tamper, t0);
  set_attr(tamper.attrs, "sensor", std::string("box-lid"));
  const std::vector<Case> cases{
      {"held open", door_ev(EventKind::door_held_open, t0, "lobby-main"),
       door_ev(EventKind::door_held_open_cleared, t1, "lobby-main"), DeficiencyKind::held_open,
       "door:lobby-main"},
      {"line cut", line, restored, DeficiencyKind::line_fault, "line:io2/ai0"},
      {"lock failed", door_ev(EventKind::output_failed, t0, "lobby-main"),
       door_ev(EventKind::door_relocked, t1, "lobby-main"), DeficiencyKind::output_failed,
       "door:lobby-main"},
      {"tamper switch", tamper, std::nullopt, DeficiencyKind::tampered, "sensor:box-lid"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Feed f;
    const auto id = f.add(c.start);
    EXPECT_EQ(f.book.find(id)->kind, c.kind);
    EXPECT_EQ(f.book.find(id)->item, c.item);
    if (c.clear) {
      f.add(*c.clear);
      EXPECT_EQ(f.book.find(id)->cleared, t1);
    } else {
      f.add(door_ev(EventKind::door_closed, t1, "lobby-main"));
      EXPECT_TRUE(f.book.find(id)->open());
    }
  }
}

TEST(Deficiency, ReadErrorsAboveTheRateOpenOneAndAQuietWindowClearsIt) {
  DeficiencyRules rules;
  rules.read_errors = {3, std::chrono::minutes(10)};
  Feed f(rules);
  // Three errors in ten minutes is the limit, not above it.
  for (int m : {0, 4, 8}) f.add(reader_ev(EventKind::read_error, at_utc(kMonday, 8, m), "r1"));
  EXPECT_TRUE(f.book.list().empty());
  // An error every six minutes never has four within ten.
  Feed slow(rules);
  for (int m = 0; m < 60; m += 6)
    slow.add(reader_ev(EventKind::read_error, at_utc(kMonday, 8, m), "r1"));
  EXPECT_TRUE(slow.book.list().empty());
  const auto id = f.add(reader_ev(EventKind::read_error, at_utc(kMonday, 8, 9), "r1"));
  f.add(reader_ev(EventKind::read_error, at_utc(kMonday, 8, 9, 30), "r1"));
  ASSERT_EQ(f.book.list().size(), 1u);
  EXPECT_EQ(f.book.find(id)->started, at_utc(kMonday, 8, 9));
  // A good read within the window after the last error does not clear it.
  f.add(reader_ev(EventKind::access_granted, at_utc(kMonday, 8, 15), "r1"));
  EXPECT_TRUE(f.book.find(id)->open());
  f.add(reader_ev(EventKind::access_denied, at_utc(kMonday, 8, 19, 30), "r1"));
  EXPECT_EQ(f.book.find(id)->cleared, at_utc(kMonday, 8, 19, 30));
}

Event finding(TimePoint at, const char* item, const char* due) {
  Event e = ev(EventKind::inspection_finding, at);
  set_attr(e.attrs, "inspection", std::int64_t{1});
  set_attr(e.attrs, "item", std::string(item));
  set_attr(e.attrs, "result", std::string("deficiency"));
  set_attr(e.attrs, "note", std::string("strike loose"));
  set_attr(e.attrs, "unit", std::string("locksmiths"));
  set_attr(e.attrs, "due", std::string(due));
  return e;
}

TEST(Deficiency, AFindingStaysOpenUntilItsFixIsRecorded) {
  Feed f;
  const auto id = f.add(finding(at_utc(kMonday, 10, 0), "door:lobby-main", "2026-11-30"));
  f.add(door_ev(EventKind::door_relocked, at_utc(kMonday, 11, 0), "lobby-main"));
  f.add(door_ev(EventKind::door_closed, at_utc(kMonday, 11, 0), "lobby-main"));
  EXPECT_TRUE(f.book.find(id)->open());
  Event fix = ev(EventKind::deficiency_fixed, at_utc(kMonday + 1, 9, 0));
  set_attr(fix.attrs, "deficiency", static_cast<std::int64_t>(id));
  set_attr(fix.attrs, "note", std::string("strike replaced"));
  set_attr(fix.attrs, "operator", std::string("fac"));
  f.add(fix);
  const Deficiency* d = f.book.find(id);
  EXPECT_FALSE(d->open());
  EXPECT_EQ(d->fixed, at_utc(kMonday + 1, 9, 0));
  EXPECT_EQ(d->fix_note, "strike replaced");
  EXPECT_EQ(d->fixed_by, "fac");
  EXPECT_EQ(d->unit, "locksmiths");
}

TEST(Deficiency, OverdueOnceItsDueDayHasEndedOnTheSiteClock) {
  // Site at UTC+1: the due day 2026-11-24 ends at 2026-11-24T23:00Z.
  const TimeZone tz = TimeZone::fixed("CET", 3600);
  Feed f;
  const auto id = f.add(finding(at_utc(kMonday, 10, 0), "door:lobby-main", "2026-11-24"));
  EXPECT_TRUE(f.book.overdue(at_utc(kMonday + 1, 22, 59, 59), tz).empty());
  const auto due = f.book.overdue(at_utc(kMonday + 1, 23, 0), tz);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
  Event raised = overdue_event(due[0], at_utc(kMonday + 1, 23, 0));
  EXPECT_EQ(attr_text(raised.attrs, "due"), "2026-11-24");
  f.add(raised);
  EXPECT_TRUE(f.book.overdue(at_utc(kMonday + 3, 0, 0), tz).empty()) << "raised once only";
}

// vigild's periodic check folds overdue_event_kinds() only (not every access
// event of a ten-million-row journal): over a history where automatic
// deficiencies of the same items open and clear around the findings, its
// overdue list is the full book's at every moment.
TEST(Deficiency, TheOverdueKindsAloneGiveTheFullBooksOverdueList) {
  const TimeZone tz = TimeZone::fixed("CET", 3600);
  auto fix_of = [](std::uint64_t id, TimePoint at) {
    Event fix = ev(EventKind::deficiency_fixed, at);
    set_attr(fix.attrs, "deficiency", static_cast<std::int64_t>(id));
    set_attr(fix.attrs, "note", std::string("done"));
    return fix;
  };
  std::vector<Event> history;
  history.push_back(finding(at_utc(kMonday, 9, 0), "door:lobby-main", "2026-11-24"));
  history.push_back(door_ev(EventKind::door_forced, at_utc(kMonday, 9, 5), "lobby-main"));
  history.push_back(finding(at_utc(kMonday, 9, 10), "reader:r1", "2026-11-25"));
  for (int m = 0; m < 7; ++m)
    history.push_back(reader_ev(EventKind::read_error, at_utc(kMonday, 9, 20 + m), "r1"));
  history.push_back(reader_ev(EventKind::access_granted, at_utc(kMonday, 11, 0), "r1"));
  history.push_back(door_ev(EventKind::door_closed, at_utc(kMonday, 11, 1), "lobby-main"));
  history.push_back(finding(at_utc(kMonday, 11, 2), "door:lobby-main", "2026-11-24"));
  history.push_back(device_ev(EventKind::device_offline, at_utc(kMonday, 11, 3), "io1"));
  history.push_back(fix_of(9, at_utc(kMonday, 11, 4)));   // the read errors (cleared)
  history.push_back(fix_of(2, at_utc(kMonday, 11, 5)));   // the forced door (closed)
  history.push_back(fix_of(3, at_utc(kMonday, 12, 0)));   // the reader's finding
  history.push_back(fix_of(14, at_utc(kMonday, 12, 1)));  // the device
  Feed full, narrow;
  const auto& kinds = overdue_event_kinds();
  auto ids = [](const std::vector<Deficiency>& list) {
    std::vector<std::uint64_t> out;
    for (const auto& d : list) out.push_back(d.id);
    return out;
  };
  for (std::size_t i = 0; i < history.size(); ++i) {
    const TimePoint later = history[i].time + std::chrono::hours(24 * 3);
    full.add(history[i]);
    if (std::find(kinds.begin(), kinds.end(), history[i].kind) != kinds.end()) {
      narrow.book.apply([&] {
        Event e = history[i];
        e.seq = full.seq;
        return e;
      }());
    }
    EXPECT_EQ(ids(narrow.book.overdue(later, tz)), ids(full.book.overdue(later, tz)))
        << "after event " << i + 1;
    if (i + 1 == history.size()) {
      EXPECT_EQ(ids(full.book.overdue(later, tz)), (std::vector<std::uint64_t>{1, 13}))
          << "the two findings of the lobby door, never fixed";
    }
  }
  EXPECT_TRUE(std::all_of(kinds.begin(), kinds.end(), [](EventKind k) {
    const auto& all = deficiency_event_kinds();
    return std::find(all.begin(), all.end(), k) != all.end();
  }));
}

TEST(Deficiency, ListsOpenOnesFirst) {
  Feed f;
  f.add(device_ev(EventKind::device_offline, at_utc(kMonday, 1, 0), "io1"));
  f.add(device_ev(EventKind::device_online, at_utc(kMonday, 1, 1), "io1"));
  const auto open = f.add(device_ev(EventKind::device_offline, at_utc(kMonday, 2, 0), "io2"));
  const auto all = f.book.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, open);
}

// A supervised line a sensor names: vigild puts the sensor in the line's
// events, and its faults are the sensor's, in the sensor's zone.
TEST(Deficiency, ASensorsLineFaultIsListedUnderTheSensorInItsZone) {
  struct Step {
    int minute;
    EventKind kind;
    const char* state;
  };
  struct Case {
    const char* name;
    std::vector<Step> steps;
    // per deficiency opened, oldest first: started, cleared (-1: open)
    std::vector<std::pair<int, int>> expected;
  };
  const std::vector<Case> cases{
      {"cut then intact",
       {{0, EventKind::line_tamper, "cut"}, {7, EventKind::line_restored, "normal"}},
       {{0, 7}}},
      {"short then the alarm band clears the fault",
       {{0, EventKind::line_tamper, "short"}, {3, EventKind::line_restored, "alarm"}},
       {{0, 3}}},
      {"cut, short while cut is one fault",
       {{0, EventKind::line_tamper, "cut"}, {2, EventKind::line_tamper, "short"}},
       {{0, -1}}},
      {"two faults are two deficiencies",
       {{0, EventKind::line_tamper, "cut"},
        {1, EventKind::line_restored, "normal"},
        {5, EventKind::line_tamper, "short"}},
       {{0, 1}, {5, -1}}},
  };
  AlarmZone store;
  store.id = ZoneId("store");
  store.sensors.push_back({"window", PointRef{}, SensorKind::glass_break, false});
  DeficiencyRules rules;
  rules.item_zones = item_zones(testing::make_site(), {store});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Feed f(rules);
    for (const auto& step : c.steps) {
      Event e = device_ev(step.kind, at_utc(kMonday, 9, step.minute), "io2");
      set_attr(e.attrs, "point", std::string("io2/ai0"));
      set_attr(e.attrs, "state", std::string(step.state));
      set_attr(e.attrs, "sensor", std::string("window"));
      e.zone = ZoneId("store");
      f.add(e);
    }
    auto all = f.book.list();
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    ASSERT_EQ(all.size(), c.expected.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].kind, DeficiencyKind::line_fault);
      EXPECT_EQ(all[i].item, "sensor:window");
      EXPECT_EQ(all[i].zone, ZoneId("store"));
      EXPECT_EQ(all[i].started, at_utc(kMonday, 9, c.expected[i].first));
      if (c.expected[i].second < 0)
        EXPECT_TRUE(all[i].open());
      else
        EXPECT_EQ(all[i].cleared, at_utc(kMonday, 9, c.expected[i].second));
    }
  }
  // A line no sensor names stays under its device and register, zoneless.
  Feed bare(rules);
  Event e = device_ev(EventKind::line_tamper, at_utc(kMonday, 9, 0), "io2");
  set_attr(e.attrs, "point", std::string("io2/ai1"));
  const auto id = bare.add(e);
  EXPECT_EQ(bare.book.find(id)->item, "line:io2/ai1");
  EXPECT_FALSE(bare.book.find(id)->zone);
}

}  // namespace deficiency_test
}  // namespace vigil::core
