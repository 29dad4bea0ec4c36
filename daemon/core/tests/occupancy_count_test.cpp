// How many people are in a zone and the zones nested inside it: what an
// occupancy limit refuses on, what the console shows and what two-person
// rules ask. Since s24 a zone of an indexed site sums the counts of the
// zones the site lists inside it (its own nested_in list) instead of walking
// up from every zone someone is in; both must count the same people, for a
// site edited after its index, for a zone nobody's config names, and for a
// hand-built site with a cycle.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

Zone zone(const char* id, const char* parent) {
  Zone z;
  z.id = ZoneId(id);
  z.name = id;
  if (parent != nullptr) z.parent = ZoneId(parent);
  return z;
}

// outside > campus > {building > {floor-1 > {lab, office}, floor-2}, yard}
Site campus() {
  Site site;
  site.zones = {zone("outside", nullptr),    zone("campus", "outside"), zone("building", "campus"),
                zone("floor-1", "building"), zone("lab", "floor-1"),    zone("office", "floor-1"),
                zone("floor-2", "building"), zone("yard", "campus")};
  site.build_index();
  return site;
}

Occupancy people_in(const std::vector<std::pair<const char*, const char*>>& where) {
  Occupancy o;
  int minute = 0;
  for (const auto& [person, zone] : where) {
    o.enter(PersonId(person), ZoneId(zone), at_utc(kMonday, 8, minute++));
  }
  return o;
}

TEST(OccupancyCount, EachZoneCountsEveryoneInsideItAtAnyDepth) {
  const Site site = campus();
  const Occupancy o = people_in({{"a", "lab"},
                                 {"b", "lab"},
                                 {"c", "office"},
                                 {"d", "floor-2"},
                                 {"e", "yard"},
                                 {"f", "building"},
                                 {"g", "lab"},
                                 {"g", "outside"}});  // g left
  const std::vector<std::pair<const char*, std::size_t>> expected = {
      {"outside", 7}, {"campus", 6}, {"building", 5}, {"floor-1", 3},
      {"lab", 2},     {"office", 1}, {"floor-2", 1},  {"yard", 1}};
  for (const auto& [id, n] : expected) {
    EXPECT_EQ(o.count(site, ZoneId(id)), n) << id;
    EXPECT_EQ(o.count(site, *site.find_zone(ZoneId(id))), n) << id;
  }
}

TEST(OccupancyCount, ALeafZoneListsItselfAndARootEveryZone) {
  const Site site = campus();
  EXPECT_EQ(site.nested_in(*site.find_zone(ZoneId("lab"))).size(), 1u);
  EXPECT_EQ(site.nested_in(*site.find_zone(ZoneId("floor-1"))).size(), 3u);
  EXPECT_EQ(site.nested_in(site.zones[0]).size(), site.zones.size());
  const Zone stranger = zone("lab", nullptr);  // not one of the site's zones
  EXPECT_TRUE(site.nested_in(stranger).empty());
}

TEST(OccupancyCount, PeopleInAZoneTheConfigNoLongerNamesCountOnlyThere) {
  const Site site = campus();
  // "annex" was removed from the config while someone was inside; "wing"
  // is named as a parent by no zone of this site either.
  const Occupancy o = people_in({{"a", "annex"}, {"b", "lab"}});
  EXPECT_EQ(o.count(site, ZoneId("annex")), 1u);
  EXPECT_EQ(o.count(site, ZoneId("outside")), 1u);
  EXPECT_EQ(o.count(site, ZoneId("wing")), 0u);
}

TEST(OccupancyCount, ZonesAddedAfterTheIndexAreStillCounted) {
  Site site = campus();
  site.zones.push_back(zone("vault", "lab"));  // no build_index() since
  const Occupancy o = people_in({{"a", "vault"}, {"b", "lab"}});
  EXPECT_TRUE(site.nested_in(site.zones[0]).empty());
  EXPECT_EQ(o.count(site, ZoneId("lab")), 2u);
  EXPECT_EQ(o.count(site, ZoneId("floor-1")), 2u);
  EXPECT_EQ(o.count(site, ZoneId("vault")), 1u);
}

TEST(OccupancyCount, AHandBuiltCycleCountsEachPersonOnce) {
  Site site;
  site.zones = {zone("a", "b"), zone("b", "a"), zone("c", "a")};
  site.build_index();
  const Occupancy o = people_in({{"x", "a"}, {"y", "b"}, {"z", "c"}});
  EXPECT_EQ(o.count(site, ZoneId("a")), 3u);
  EXPECT_EQ(o.count(site, ZoneId("b")), 3u);
  EXPECT_EQ(o.count(site, ZoneId("c")), 1u);
}

TEST(OccupancyCount, ALimitedZoneIsFullWithPeopleInItsNestedZones) {
  Site site = testing::make_site();
  site.zones[1].occupancy_limit = 2;  // the lobby; the server room is inside it
  site.build_index();
  PeopleDirectory people = testing::make_people();
  AccessState state;
  state.occupancy.enter(PersonId("carol"), ZoneId("lobby"), at_utc(kMonday, 8, 0));
  state.occupancy.enter(PersonId("dave"), ZoneId("server-room"), at_utc(kMonday, 8, 1));
  const Decision d =
      decide(site, people, state,
             AccessRequest{CardNumber{12, 1002}, ReaderId("lobby-in"), at_utc(kMonday, 9, 0), {}});
  EXPECT_EQ(d.reason, DenyReason::occupancy_limit);
  EXPECT_EQ(attr_int(d.attrs, "occupancy"), 2);
}

}  // namespace
}  // namespace vigil::core
