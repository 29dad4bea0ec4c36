// The people directory and the site's id lookups at scale (issue 8): the
// compact layout must answer exactly as the maps it replaced did.
#include <gtest/gtest.h>

#include "vigil/core/occupancy.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {
namespace people_directory_test {

Person person_named(const std::string& id, std::vector<AccessLevelId> levels = {}) {
  return Person{PersonId(id), "Name of " + id, true, std::move(levels), {}};
}

TEST(PeopleDirectory, FindsEveryCardAndItsHolderAmongThousands) {
  PeopleDirectory people;
  for (int i = 0; i < 5000; ++i) {  // no reserve: the tables grow as people arrive
    people.add_person(person_named("p" + std::to_string(i)));
    people.add_credential({CardNumber{7, static_cast<std::uint64_t>(i)},
                           PersonId("p" + std::to_string(i)),
                           i % 2 == 0,
                           {},
                           {}});
  }
  EXPECT_EQ(people.person_count(), 5000u);
  EXPECT_EQ(people.credential_count(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    auto holder = people.find_card({7, static_cast<std::uint64_t>(i)});
    ASSERT_TRUE(holder);
    EXPECT_EQ(holder->person.id().str(), "p" + std::to_string(i));
    EXPECT_EQ(holder->credential.active(), i % 2 == 0);
  }
  EXPECT_FALSE(people.find_card({8, 1}));
  EXPECT_FALSE(people.find_person(PersonId("p5000")).has_value());
}

TEST(PeopleDirectory, ReplacingAPersonKeepsTheirCardsPinAndAddress) {
  PeopleDirectory people;
  people.add_person(person_named("ann"));
  people.add_credential({CardNumber{1, 10}, PersonId("ann"), true, {}, {}});
  PinHash pin;
  pin.iterations = 1000;
  people.set_pin(PersonId("ann"), pin);
  const auto before = people.find_person(PersonId("ann"));
  for (int i = 0; i < 100; ++i) people.add_person(person_named("x" + std::to_string(i)));
  people.add_person(person_named("ann", {AccessLevelId("staff")}));
  EXPECT_EQ(people.find_person(PersonId("ann")), before);
  EXPECT_EQ(people.find_card({1, 10})->person.access_levels().size(), 1u);
  ASSERT_NE(people.pin_of(PersonId("ann")), nullptr);
  EXPECT_EQ(people.pin_of(PersonId("ann"))->iterations, 1000u);
  EXPECT_EQ(people.pin_of(PersonId("x1")), nullptr);
  EXPECT_EQ(people.person_count(), 101u);
}

TEST(PeopleDirectory, APinSetBeforeThePersonArrivesIsKept) {
  PeopleDirectory people;
  PinHash pin;
  pin.iterations = 2000;
  people.set_pin(PersonId("bob"), pin);
  EXPECT_EQ(people.pin_count(), 1u);
  people.add_person(person_named("bob"));
  ASSERT_NE(people.pin_of(PersonId("bob")), nullptr);
  EXPECT_EQ(people.pin_of(PersonId("bob"))->iterations, 2000u);
  EXPECT_EQ(people.pin_count(), 1u);
}

TEST(PeopleDirectory, ACardForSomeoneNotEnrolledIsRefused) {
  PeopleDirectory people;
  EXPECT_THROW(people.add_credential({CardNumber{1, 1}, PersonId("nobody"), true, {}, {}}),
               std::out_of_range);
}

TEST(PeopleDirectory, ACopyAnswersFromItsOwnPeople) {
  PeopleDirectory original;
  original.add_person(person_named("ann"));
  original.add_credential({CardNumber{1, 10}, PersonId("ann"), true, {}, {}});
  PeopleDirectory copy = original;
  original.add_person(person_named("ann", {AccessLevelId("changed")}));
  EXPECT_TRUE(copy.find_card({1, 10})->person.access_levels().empty());
  EXPECT_EQ(copy.find_card({1, 10})->person, copy.find_person(PersonId("ann")));
}

TEST(PeopleDirectory, FlagsTripsAndVisitsFollowThePersonByCardAndById) {
  PeopleDirectory people;
  PersonRisk watch;
  watch.flag = IntegrityFlag{FlagKind::watch, "ethics", {}, "inquiry", {}};
  people.set_risk(PersonId("ann"), watch);  // before ann enrols: kept for her
  people.set_visits(PersonId("vic"), {Visit{}});
  std::uint64_t number = 0;
  for (const char* id : {"bob", "ann", "vic"}) {
    people.add_person(person_named(id));
    people.add_credential({CardNumber{2, ++number}, PersonId(id), true, {}, {}});
  }
  PinHash pin;
  pin.iterations = 3000;
  people.set_pin(PersonId("bob"), pin);
  const auto bob = people.find_card({2, 1});
  const auto ann = people.find_card({2, 2});
  const auto vic = people.find_card({2, 3});
  ASSERT_TRUE(ann && bob && vic);
  ASSERT_NE(people.risk_at(ann->position), nullptr);
  EXPECT_EQ(people.risk_at(ann->position), people.risk_of(PersonId("ann")));
  EXPECT_EQ(people.risk_at(bob->position), nullptr);
  EXPECT_EQ(people.pin_at(bob->position)->iterations, 3000u);
  EXPECT_EQ(people.pin_at(ann->position), nullptr);
  ASSERT_NE(people.visits_at(vic->position), nullptr);
  EXPECT_EQ(people.visits_at(vic->position), people.visits_of(PersonId("vic")));
  EXPECT_EQ(people.visits_at(ann->position), nullptr);
  people.set_risk(PersonId("ann"), {});  // cleared
  people.set_visits(PersonId("vic"), {});
  EXPECT_EQ(people.risk_at(ann->position), nullptr);
  EXPECT_EQ(people.risk_of(PersonId("ann")), nullptr);
  EXPECT_EQ(people.visits_of(PersonId("vic")), nullptr);
  // Set on someone enrolled, then the person replaced (a roster edit with
  // two levels): the risk and visits stay, and the levels read back.
  people.set_risk(PersonId("ann"), watch);
  people.set_visits(PersonId("ann"), {Visit{}});
  people.add_person({PersonId("ann"), "Ann", true, {AccessLevelId("a"), AccessLevelId("b")}, {}});
  EXPECT_EQ(people.risk_at(ann->position), people.risk_of(PersonId("ann")));
  EXPECT_NE(people.risk_at(ann->position), nullptr);
  EXPECT_NE(people.visits_at(ann->position), nullptr);
  EXPECT_EQ(people.find_person(PersonId("ann"))->access_levels().size(), 2u);
  EXPECT_EQ(people.risk_at(bob->position), nullptr);
  people.set_risk(PersonId("zed"), watch);  // never enrolled: still answered by id
  EXPECT_NE(people.risk_of(PersonId("zed")), nullptr);
}

// Issue 8's compact record: every field reads back as it was added, at the
// edges of its packing (length prefixes past one byte, 64-bit card numbers,
// repeated and reordered levels, dates before 1970).
TEST(PeopleDirectory, ReadsBackEveryFieldAsAdded) {
  const LocalDate expiry{-3};
  const std::vector<Person> table = {
      {PersonId("a"), "", true, {}, {}},
      {PersonId(std::string(300, 'x')),
       std::string(20'000, 'n'),
       false,
       {AccessLevelId("staff")},
       {ClearanceLevel::top_secret, expiry}},
      {PersonId("z\xc3\xa9"),
       "Zo\xc3\xa9 \xc3\x9f",
       true,
       {AccessLevelId("lab"), AccessLevelId("staff"), AccessLevelId("lab")},
       {ClearanceLevel::secret, std::nullopt}},
      {PersonId("b"),
       "Bea",
       true,
       {AccessLevelId("staff"), AccessLevelId("lab")},
       {ClearanceLevel::confidential, LocalDate{21'000}}},
  };
  const TimePoint from = TimePoint{} + std::chrono::hours(1);
  const TimePoint until = TimePoint{} - std::chrono::hours(2);
  PeopleDirectory people;
  std::uint64_t number = 0xFFFF'FFFF'0000'0001u;
  for (const auto& p : table) {
    people.add_person(p);
    people.add_credential({CardNumber{0xFFFF'FFFFu, number++}, p.id, p.active,
                           p.active ? std::optional(from) : std::nullopt, until});
  }
  number = 0xFFFF'FFFF'0000'0001u;
  for (const auto& p : table) {
    const auto view = people.find_person(p.id);
    ASSERT_TRUE(view.has_value()) << p.id;
    EXPECT_EQ(view->id(), p.id);
    EXPECT_EQ(view->name(), p.name);
    EXPECT_EQ(view->active(), p.active);
    EXPECT_EQ(view->access_levels().to_vector(), p.access_levels);
    EXPECT_EQ(view->clearance(), p.clearance);
    const auto holder = people.find_card({0xFFFF'FFFFu, number});
    ASSERT_TRUE(holder.has_value()) << p.id;
    EXPECT_EQ(holder->person, *view);
    EXPECT_EQ(holder->credential.card(), (CardNumber{0xFFFF'FFFFu, number++}));
    EXPECT_EQ(holder->credential.person(), p.id);
    EXPECT_EQ(holder->credential.active(), p.active);
    EXPECT_EQ(holder->credential.valid_from(), p.active ? std::optional(from) : std::nullopt);
    EXPECT_EQ(holder->credential.valid_until(), until);
  }
}

TEST(PeopleDirectory, ReplacingNamesLevelsAndCardsAnswersWithTheNewOnes) {
  PeopleDirectory people;
  people.add_person({PersonId("ann"), "Ann Long-Surname", true, {AccessLevelId("a")}, {}});
  people.add_person({PersonId("bob"), "Bob", true, {AccessLevelId("a")}, {}});
  people.add_credential({CardNumber{1, 1}, PersonId("ann"), true, TimePoint{}, {}});
  people.add_person({PersonId("ann"), "Ann", false, {AccessLevelId("b")}, {}});  // shorter
  EXPECT_EQ(people.find_person(PersonId("ann"))->name(), "Ann");
  EXPECT_EQ(people.find_person(PersonId("bob"))->name(), "Bob");
  people.add_person({PersonId("bob"), std::string(200, 'B'), true, {}, {}});  // longer
  EXPECT_EQ(people.find_person(PersonId("bob"))->name(), std::string(200, 'B'));
  EXPECT_EQ(people.find_person(PersonId("ann"))->name(), "Ann");
  EXPECT_FALSE(people.find_person(PersonId("ann"))->active());
  EXPECT_EQ(people.find_person(PersonId("ann"))->access_levels().to_vector(),
            std::vector{AccessLevelId("b")});
  EXPECT_TRUE(people.find_person(PersonId("bob"))->access_levels().empty());
  // The card moves to bob, loses its dates and is revoked.
  people.add_credential({CardNumber{1, 1}, PersonId("bob"), false, {}, {}});
  const auto holder = people.find_card({1, 1});
  EXPECT_EQ(holder->person.id(), PersonId("bob"));
  EXPECT_FALSE(holder->credential.active());
  EXPECT_EQ(holder->credential.valid_from(), std::nullopt);
  EXPECT_EQ(people.person_count(), 2u);
  EXPECT_EQ(people.credential_count(), 1u);
  people.shrink_to_fit();
  EXPECT_EQ(people.find_card({1, 1})->person.name(), std::string(200, 'B'));
}

TEST(PeopleDirectory, LevelsPastTheFirst65536NamesReadBack) {
  PeopleDirectory people;
  std::vector<AccessLevelId> many;
  for (int i = 0; i < 70'000; ++i) many.emplace_back("l" + std::to_string(i));
  people.add_person({PersonId("all"), "All", true, many, {}});
  people.add_person({PersonId("two"), "Two", true, {many[69'999], many[1]}, {}});
  people.add_person({PersonId("same"), "Same", true, {many[69'999], many[1]}, {}});
  EXPECT_EQ(people.find_person(PersonId("all"))->access_levels().to_vector(), many);
  EXPECT_EQ(people.find_person(PersonId("two"))->access_levels().to_vector(),
            (std::vector{many[69'999], many[1]}));
  EXPECT_EQ(people.find_person(PersonId("same"))->access_levels().size(), 2u);
}

TEST(SiteIndex, NestingFollowsParentsChangedAfterTheIndexWasBuilt) {
  Site site;
  site.zones.push_back({ZoneId("outside"), "", {}, {}});
  site.zones.push_back({ZoneId("hall"), "", {}, ZoneId("outside")});
  site.zones.push_back({ZoneId("lab"), "", {}, ZoneId("hall")});
  site.zones.push_back({ZoneId("vault"), "", {}, ZoneId("outside")});
  site.build_index();
  EXPECT_TRUE(zone_within(site, ZoneId("lab"), ZoneId("outside")));
  EXPECT_FALSE(zone_within(site, ZoneId("lab"), ZoneId("vault")));
  EXPECT_TRUE(site.within(&site.zones[2], &site.zones[1]));
  site.zones[2].parent = ZoneId("vault");  // moved after the index was built
  EXPECT_TRUE(zone_within(site, ZoneId("lab"), ZoneId("vault")));
  EXPECT_FALSE(zone_within(site, ZoneId("lab"), ZoneId("hall")));
  EXPECT_EQ(site.parent_of(site.zones[2]), &site.zones[3]);
  site.zones[2].parent = ZoneId("annex");  // names no zone: still counts as around it
  EXPECT_TRUE(zone_within(site, ZoneId("lab"), ZoneId("annex")));
  EXPECT_EQ(site.parent_of(site.zones[2]), nullptr);
}

TEST(SiteIndex, FindsWhatWasAddedOrChangedAfterTheIndexWasBuilt) {
  Site site;
  for (int i = 0; i < 50; ++i) {
    site.access_levels.push_back({AccessLevelId("level-" + std::to_string(i)), {}, {}, ""});
  }
  site.build_index();
  EXPECT_EQ(site.find_access_level(AccessLevelId("level-42")), &site.access_levels[42]);
  site.access_levels.push_back({AccessLevelId("late"), {}, {}, ""});
  site.access_levels[3].id = AccessLevelId("renamed");
  EXPECT_NE(site.find_access_level(AccessLevelId("late")), nullptr);
  EXPECT_EQ(site.find_access_level(AccessLevelId("renamed")), &site.access_levels[3]);
  EXPECT_EQ(site.find_access_level(AccessLevelId("level-3")), nullptr);
  EXPECT_EQ(site.find_zone(ZoneId("none")), nullptr);
}

// decide() finds a person's levels by the hash the directory keeps for each
// name (s23): the same level as by id, for a level the site added or renamed
// after its index was built, and none for a name the site does not know.
TEST(SiteIndex, ALevelFoundByTheDirectorysHashIsTheOneFoundById) {
  Site site;
  for (int i = 0; i < 50; ++i) {
    site.access_levels.push_back({AccessLevelId("level-" + std::to_string(i)), {}, {}, ""});
  }
  site.build_index();
  site.access_levels.push_back({AccessLevelId("late"), {}, {}, ""});
  site.access_levels[3].id = AccessLevelId("renamed");
  PeopleDirectory people;
  people.add_person(person_named("ann", {AccessLevelId("level-42"), AccessLevelId("late")}));
  people.add_person(person_named(
      "bob", {AccessLevelId("renamed"), AccessLevelId("level-3"), AccessLevelId("nowhere")}));
  std::vector<const AccessLevel*> found;
  for (const char* id : {"ann", "bob"}) {
    const AccessLevelList levels = people.find_person(PersonId(id))->access_levels();
    for (auto it = levels.begin(); it != levels.end(); ++it) {
      EXPECT_EQ(site.find_access_level(*it, it.hash()), site.find_access_level(*it)) << it->str();
      found.push_back(site.find_access_level(*it, it.hash()));
    }
  }
  const std::vector<const AccessLevel*> want = {&site.access_levels[42], &site.access_levels[50],
                                                &site.access_levels[3], nullptr, nullptr};
  EXPECT_EQ(found, want);
}

}  // namespace people_directory_test
}  // namespace vigil::core
