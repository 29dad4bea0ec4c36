// Which zones a level opens, from the level x zone table build_index()
// keeps (issue 8: one bit test per level on every read). A level opens the
// zones it lists, and no zone nested in one of them unless listed too
// (docs/config.md, access_levels); the table must answer exactly as the
// list does, and a site edited after the index must still answer right.
#include <gtest/gtest.h>

#include <random>

#include "site_fixture.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

TEST(SiteCovers, ALevelOpensTheZonesItListsAndNotTheZonesNestedInThem) {
  Site site = testing::make_site();  // server-room lies inside the lobby
  site.build_index();
  const AccessLevel& staff = site.access_levels[0];
  const AccessLevel& admins = site.access_levels[1];
  EXPECT_TRUE(site.covers(staff, site.zones[1]));
  EXPECT_FALSE(site.covers(staff, site.zones[2])) << "nested in the lobby, not listed";
  EXPECT_FALSE(site.covers(staff, site.zones[0]));
  EXPECT_TRUE(site.covers(admins, site.zones[1]));
  EXPECT_TRUE(site.covers(admins, site.zones[2]));
}

// 300 zones three deep (more than one 64-bit word a level), 500 levels of
// up to six ids each, some naming no zone: every pair as the list says.
TEST(SiteCovers, TheTableAnswersAsTheListForEveryLevelAndZone) {
  std::mt19937 rng(7);
  Site site;
  for (int i = 0; i < 300; ++i) {
    Zone z;
    z.id = ZoneId("z" + std::to_string(i));
    if (i > 0) z.parent = ZoneId("z" + std::to_string(i < 20 ? 0 : i / 10));
    site.zones.push_back(z);
  }
  std::uniform_int_distribution<int> any(0, 309);  // 300-309 name no zone
  for (int l = 0; l < 500; ++l) {
    AccessLevel level{AccessLevelId("l" + std::to_string(l)), {}, {}, ""};
    for (int k = l % 7; k > 0; --k) level.zones.emplace_back("z" + std::to_string(any(rng)));
    site.access_levels.push_back(level);
  }
  site.build_index();
  for (const auto& level : site.access_levels) {
    for (const auto& zone : site.zones) {
      ASSERT_EQ(site.covers(level, zone), level.covers(zone.id)) << level.id << " " << zone.id;
    }
  }
}

TEST(SiteCovers, ALevelAddedOrChangedAfterTheIndexAnswersFromItsList) {
  Site site = testing::make_site();
  site.build_index();
  site.access_levels[0].zones.push_back(ZoneId("server-room"));  // staff grows
  EXPECT_TRUE(site.covers(site.access_levels[0], site.zones[2]));
  site.access_levels.push_back({AccessLevelId("late"), {ZoneId("outside")}, {}, ""});
  EXPECT_TRUE(site.covers(site.access_levels[2], site.zones[0]));
  EXPECT_FALSE(site.covers(site.access_levels[2], site.zones[1]));
  site.zones.push_back({ZoneId("annex"), "", {}, ZoneId("lobby")});
  site.access_levels[1].zones.push_back(ZoneId("annex"));
  EXPECT_TRUE(site.covers(site.access_levels[1], site.zones[3]));
  EXPECT_FALSE(site.covers(site.access_levels[0], site.zones[3]));
  site.build_index();  // and the rebuilt table agrees
  EXPECT_TRUE(site.covers(site.access_levels[0], site.zones[2]));
  EXPECT_TRUE(site.covers(site.access_levels[1], site.zones[3]));
  EXPECT_FALSE(site.covers(site.access_levels[2], site.zones[1]));
}

// decide() on an indexed site and on the same site walked: the same
// outcome, reason, rule and level for every card at every reader, by day,
// by night and during a lockdown.
TEST(SiteCovers, DecisionsOnAnIndexedSiteAreThoseOfTheWalkedSite) {
  const Site walked = [] {
    Site s = testing::make_site();
    AccessLevel guards{AccessLevelId("guards"), {ZoneId("lobby")}, {WeeklyWindow{}}, ""};
    guards.lockdown_override = true;
    s.access_levels.push_back(guards);
    return s;
  }();
  Site indexed = walked;
  indexed.build_index();
  const PeopleDirectory people = [] {
    PeopleDirectory p = testing::make_people();
    p.add_person({PersonId("gina"), "Gina", true, {AccessLevelId("guards")}});
    p.add_credential({CardNumber{12, 1005}, PersonId("gina"), true, {}, {}});
    return p;
  }();
  AccessState locked;
  locked.lockdowns.set({ZoneId("lobby"), "guard", {}, "drill"});
  const AccessState open;
  for (const AccessState* state : std::initializer_list<const AccessState*>{&open, &locked}) {
    for (int hour : {9, 23}) {
      for (std::uint64_t card = 1000; card <= 1005; ++card) {
        for (const auto& reader : walked.readers) {
          const AccessRequest request{
              CardNumber{12, card}, reader.id, at_utc(kMonday, hour, 0), {}};
          const Decision a = decide(walked, people, *state, request);
          const Decision b = decide(indexed, people, *state, request);
          EXPECT_EQ(a.outcome, b.outcome) << card << " " << reader.id;
          EXPECT_EQ(a.reason, b.reason) << card << " " << reader.id;
          EXPECT_EQ(a.rule, b.rule) << card << " " << reader.id;
          EXPECT_EQ(a.level ? a.level->id : AccessLevelId(),
                    b.level ? b.level->id : AccessLevelId());
        }
      }
    }
  }
}

}  // namespace
}  // namespace vigil::core
