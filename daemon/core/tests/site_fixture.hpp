// A two-door site used by the core tests: outside -> lobby -> server room.
#pragma once

#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core::testing {

inline TimePoint at_utc(int days_since_epoch, int hour, int minute, int second = 0) {
  return TimePoint{std::chrono::hours(24 * days_since_epoch + hour) + std::chrono::minutes(minute) +
                   std::chrono::seconds(second)};
}

// 2026-11-23 is a Monday: days since epoch.
constexpr int kMonday = 20780;

inline Site make_site() {
  Site s;
  s.id = SiteId("hq");
  s.gateway = GatewayId("gw1");
  s.zones = {{ZoneId("outside"), "Outside", SecurityLevel::public_, {}, ClearanceLevel::none},
             {ZoneId("lobby"), "Lobby", SecurityLevel::public_, {}, ClearanceLevel::none},
             {ZoneId("server-room"), "Server room", SecurityLevel::protected_, ZoneId("lobby"),
              ClearanceLevel::none}};
  Door lobby;
  lobby.id = DoorId("lobby-main");
  lobby.from_zone = ZoneId("outside");
  lobby.to_zone = ZoneId("lobby");
  lobby.lock = {DeviceId("io1"), PointKind::coil, 0};
  lobby.contact = {DeviceId("io1"), PointKind::discrete_input, 0};
  lobby.rex = PointRef{DeviceId("io1"), PointKind::discrete_input, 3};
  lobby.unlock_time = std::chrono::seconds(5);
  lobby.held_open_time = std::chrono::seconds(30);
  Door server = lobby;
  server.id = DoorId("server-door");
  server.from_zone = ZoneId("lobby");
  server.to_zone = ZoneId("server-room");
  server.lock.index = 1;
  server.contact.index = 1;
  server.rex = PointRef{DeviceId("io1"), PointKind::discrete_input, 4};
  s.doors = {lobby, server};
  s.readers = {{ReaderId("lobby-in"), DoorId("lobby-main"), Direction::in},
               {ReaderId("server-in"), DoorId("server-door"), Direction::in},
               {ReaderId("server-out"), DoorId("server-door"), Direction::out}};
  AccessLevel staff{
      AccessLevelId("staff"), {ZoneId("lobby")}, {WeeklyWindow{0x1f, 7 * 60, 19 * 60}}, ""};
  AccessLevel admins{AccessLevelId("admins"),
                     {ZoneId("lobby"), ZoneId("server-room")},
                     {WeeklyWindow{0x7f, 0, 24 * 60}},
                     ""};
  s.access_levels = {staff, admins};
  return s;
}

inline PeopleDirectory make_people() {
  PeopleDirectory p;
  p.add_person({PersonId("alice"), "Alice", true, {AccessLevelId("staff")}});
  p.add_person({PersonId("bob"), "Bob", true, {AccessLevelId("admins")}});
  p.add_person({PersonId("carol"), "Carol", false, {AccessLevelId("admins")}});
  p.add_credential({CardNumber{12, 1001}, PersonId("alice"), true, {}, {}});
  p.add_credential({CardNumber{12, 1002}, PersonId("bob"), true, {}, {}});
  p.add_credential({CardNumber{12, 1003}, PersonId("carol"), true, {}, {}});
  p.add_credential({CardNumber{12, 1004}, PersonId("bob"), false, {}, {}});
  return p;
}

}  // namespace vigil::core::testing
