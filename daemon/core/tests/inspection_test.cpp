// Inspection checklists generated from the site (issue 9 item 6): every
// door, reader, sensor, fire input and escape door of the scope, open
// deficiencies first.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/inspection.hpp"

namespace vigil::core {
namespace inspection_test {

using testing::at_utc;
using testing::kMonday;

std::vector<std::string> names(const std::vector<ChecklistItem>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.item);
  return out;
}

std::vector<AlarmZone> server_alarm() {
  AlarmZone z;
  z.id = ZoneId("server-room");
  z.sensors = {
      {"server-pir", {DeviceId("io1"), PointKind::discrete_input, 6}, SensorKind::motion, false}};
  return {z};
}

FireConfig fire() {
  FireConfig f;
  f.inputs = {{"fire-panel", {DeviceId("io1"), PointKind::discrete_input, 7}}};
  f.doors = {DoorId("lobby-main")};
  return f;
}

TEST(Inspection, ZoneChecklistCoversTheZoneAndItsNestedZones) {
  const Site site = testing::make_site();
  const auto lobby = names(equipment_checklist(site, server_alarm(), fire(), ZoneId("lobby")));
  // The server room is nested in the lobby: its door, readers and sensor count.
  EXPECT_EQ(lobby, (std::vector<std::string>{
                       "door:lobby-main", "door:server-door", "reader:lobby-in", "reader:server-in",
                       "reader:server-out", "sensor:server-pir", "escape:lobby-main"}));
  const auto server =
      names(equipment_checklist(site, server_alarm(), fire(), ZoneId("server-room")));
  EXPECT_EQ(server, (std::vector<std::string>{"door:server-door", "reader:server-in",
                                              "reader:server-out", "sensor:server-pir"}));
  const auto whole = names(equipment_checklist(site, server_alarm(), fire(), std::nullopt));
  EXPECT_NE(std::find(whole.begin(), whole.end(), "fire_input:fire-panel"), whole.end());
  EXPECT_TRUE(equipment_checklist(site, {}, std::nullopt, ZoneId("nowhere")).empty());
}

TEST(Inspection, OpenDeficienciesOfTheScopeComeFirstFindingsBeforeAutomatic) {
  const Site site = testing::make_site();
  DeficiencyRules rules;
  rules.item_zones = item_zones(site, server_alarm());
  DeficiencyBook book(rules);
  Event forced;
  forced.seq = 3;
  forced.kind = EventKind::door_forced;
  forced.time = at_utc(kMonday, 1, 0);
  forced.door = DoorId("server-door");
  book.apply(forced);
  Event found;
  found.seq = 7;
  found.kind = EventKind::inspection_finding;
  found.time = at_utc(kMonday, 2, 0);
  found.zone = ZoneId("server-room");
  set_attr(found.attrs, "item", std::string("reader:server-in"));
  set_attr(found.attrs, "result", std::string("deficiency"));
  book.apply(found);
  Event elsewhere = forced;
  elsewhere.seq = 9;
  elsewhere.door = DoorId("lobby-main");
  book.apply(elsewhere);
  const auto list =
      names(inspection_checklist(site, server_alarm(), fire(), ZoneId("server-room"), book));
  ASSERT_GE(list.size(), 3u);
  EXPECT_EQ(list[0], "deficiency:7");
  EXPECT_EQ(list[1], "deficiency:3");
  EXPECT_EQ(list[2], "door:server-door");
  EXPECT_EQ(std::count(list.begin(), list.end(), "deficiency:9"), 0) << "lobby is not in scope";
}

TEST(Inspection, ASensorsLineFaultIsCarriedIntoItsZonesChecklist) {
  const Site site = testing::make_site();
  auto alarms = server_alarm();
  alarms[0].sensors.push_back({"server-window",
                               {DeviceId("io2"), PointKind::supervised_input, 0},
                               SensorKind::glass_break,
                               false});
  DeficiencyRules rules;
  rules.item_zones = item_zones(site, alarms);
  DeficiencyBook book(rules);
  Event cut;
  cut.seq = 4;
  cut.kind = EventKind::line_tamper;
  cut.time = at_utc(kMonday, 3, 0);
  cut.device = DeviceId("io2");
  cut.zone = ZoneId("server-room");
  set_attr(cut.attrs, "point", std::string("io2/loop0"));
  set_attr(cut.attrs, "state", std::string("cut"));
  set_attr(cut.attrs, "sensor", std::string("server-window"));
  book.apply(cut);
  const auto list = inspection_checklist(site, alarms, fire(), ZoneId("server-room"), book);
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0].item, "deficiency:4");
  EXPECT_NE(list[0].what.find("sensor:server-window"), std::string::npos) << list[0].what;
  const auto sensor = std::find_if(list.begin(), list.end(), [](const ChecklistItem& i) {
    return i.item == "sensor:server-window";
  });
  ASSERT_NE(sensor, list.end());
  EXPECT_NE(sensor->what.find("EOL line"), std::string::npos) << sensor->what;
  // Not the lobby's only: the lobby checklist nests the server room.
  EXPECT_EQ(names(inspection_checklist(site, alarms, fire(), ZoneId("lobby"), book))[0],
            "deficiency:4");
}

TEST(Inspection, FoldsStartFindingsAndClose) {
  std::vector<Event> events(4);
  events[0].seq = 10;
  events[0].kind = EventKind::inspection_started;
  events[0].zone = ZoneId("lobby");
  set_attr(events[0].attrs, "items", join_items({"door:a", "reader:b"}));
  set_attr(events[0].attrs, "operator", std::string("ines"));
  for (std::size_t i = 1; i < 4; ++i) set_attr(events[i].attrs, "inspection", std::int64_t{10});
  events[1].seq = 11;
  events[1].kind = EventKind::inspection_finding;
  set_attr(events[1].attrs, "item", std::string("door:a"));
  set_attr(events[1].attrs, "result", std::string("deficiency"));
  events[2].seq = 12;
  events[2].kind = EventKind::inspection_finding;
  set_attr(events[2].attrs, "item", std::string("door:a"));
  set_attr(events[2].attrs, "result", std::string("ok"));
  events[3].seq = 13;
  events[3].kind = EventKind::inspection_closed;
  events[3].time = at_utc(kMonday, 12, 0);
  const auto all = inspections_from(events);
  ASSERT_EQ(all.size(), 1u);
  const Inspection& in = all.at(10);
  EXPECT_EQ(in.items, (std::vector<std::string>{"door:a", "reader:b"}));
  EXPECT_TRUE(in.finding("door:a")->ok) << "the later finding wins";
  EXPECT_EQ(in.unchecked(), 1u);
  EXPECT_EQ(in.closed, at_utc(kMonday, 12, 0));
  EXPECT_EQ(in.started_by, "ines");
}

}  // namespace inspection_test
}  // namespace vigil::core
