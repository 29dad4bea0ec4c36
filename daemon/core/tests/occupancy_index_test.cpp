// Who is inside, asked by directory position (issue 8): decide() reads the
// occupancy by the person's position in the people directory, and a roster
// reload numbers people afresh. The index must follow the new numbering,
// never confuse the person now at an old position with the one who was
// there, and keep people dropped from the roster on the muster list.
#include <gtest/gtest.h>

#include "passage.hpp"
#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kAlice{12, 1001};  // staff: lobby, weekdays 07-19
const CardNumber kBob{12, 1002};    // admins: lobby + server room, always
const CardNumber kDora{12, 1007};
const CardNumber kZed{12, 1009};

PersonView person(const PeopleDirectory& people, const char* id) {
  return *people.find_person(PersonId(id));
}

TEST(OccupancyIndex, AskedByPositionAnswersAsById) {
  PeopleDirectory people = testing::make_people();  // alice 0, bob 1, carol 2
  Occupancy o;
  o.enter(PersonId("bob"), ZoneId("lobby"), at_utc(kMonday, 8, 0));
  o.enter(PersonId("ghost"), ZoneId("lobby"), at_utc(kMonday, 8, 1));  // not enrolled
  // Not indexed yet: answered by id.
  EXPECT_EQ(o.where(people, person(people, "bob")), o.where(PersonId("bob")));
  o.follow(people);
  EXPECT_EQ(o.where(people, person(people, "bob")), o.where(PersonId("bob")));
  EXPECT_EQ(o.where(people, person(people, "alice")), nullptr);
  // A newcomer entering with the directory is indexed at once ...
  o.enter(PersonId("alice"), ZoneId("server-room"), at_utc(kMonday, 8, 2), &people);
  ASSERT_NE(o.where(people, person(people, "alice")), nullptr);
  EXPECT_EQ(o.where(people, person(people, "alice"))->zone, ZoneId("server-room"));
  // ... one entering without it (a journal fold) drops the index, and the
  // answers stay right, by id, until the next follow().
  o.enter(PersonId("carol"), ZoneId("lobby"), at_utc(kMonday, 8, 3));
  EXPECT_EQ(o.where(people, person(people, "carol"))->zone, ZoneId("lobby"));
  o.follow(people);
  EXPECT_EQ(o.where(people, person(people, "carol"))->zone, ZoneId("lobby"));
  // A move of someone indexed changes the presence the index points at.
  o.enter(PersonId("bob"), ZoneId("outside"), at_utc(kMonday, 8, 4));
  EXPECT_EQ(o.where(people, person(people, "bob"))->zone, ZoneId("outside"));
  // Appending a person starts a new numbering generation: not indexed.
  people.add_person({PersonId("erin"), "Erin", true, {}});
  EXPECT_EQ(o.where(people, person(people, "erin")), nullptr);
  EXPECT_EQ(o.where(people, person(people, "alice"))->zone, ZoneId("server-room"));
  EXPECT_EQ(o.people(), 4u);
}

// decide() asks whether the person is inside the zone of the read from the
// slot's zone number (s23) and reads the presence only when they are: a
// move must change that number, a nested zone counts for its parent, and the
// answer must be the one asked by id.
TEST(OccupancyIndex, APersonWhoMovesIsInsideTheNewZoneAndItsParentsOnly) {
  Site site = testing::make_site();
  site.build_index();
  PeopleDirectory people = testing::make_people();
  Occupancy o;
  o.follow(people);
  const Zone& lobby = site.zones[1];
  const Zone& server_room = site.zones[2];
  const PersonView bob = person(people, "bob");
  EXPECT_EQ(o.where_within(site, people, bob, lobby), nullptr) << "not inside yet";

  o.enter(PersonId("bob"), ZoneId("server-room"), at_utc(kMonday, 8, 0), &people);
  ASSERT_NE(o.where_within(site, people, bob, lobby), nullptr) << "the server room is in the lobby";
  EXPECT_EQ(o.where_within(site, people, bob, server_room)->zone, ZoneId("server-room"));

  o.enter(PersonId("bob"), ZoneId("lobby"), at_utc(kMonday, 8, 5), &people);
  EXPECT_EQ(o.where_within(site, people, bob, server_room), nullptr) << "left the server room";
  ASSERT_NE(o.where_within(site, people, bob, lobby), nullptr);
  EXPECT_EQ(o.where_within(site, people, bob, lobby)->since, at_utc(kMonday, 8, 5));

  // Someone else in a zone no one has named before, then bob outside.
  o.enter(PersonId("alice"), ZoneId("loading-bay"), at_utc(kMonday, 8, 6), &people);
  o.enter(PersonId("bob"), ZoneId("outside"), at_utc(kMonday, 8, 7), &people);
  EXPECT_EQ(o.where_within(site, people, bob, lobby), nullptr);
  EXPECT_EQ(o.where_within(site, people, person(people, "alice"), lobby), nullptr);
  EXPECT_EQ(o.where_within(site, people, bob, site.zones[0])->zone, ZoneId("outside"));
  for (const char* id : {"alice", "bob", "carol"}) {
    for (const Zone& zone : site.zones) {
      EXPECT_EQ(o.where_within(site, people, person(people, id), zone),
                o.where_within(site, PersonId(id), zone.id))
          << id << " in " << zone.id.str();
    }
  }
}

// The roster reload as vigild does it: the directory the Controller reads
// is replaced in place by one loaded afresh.
class RosterChange : public ::testing::Test {
 protected:
  Effects pass(CardNumber card, Duration after) {
    return testing::pass_door(controller_, site_.doors[0], card, "lobby-in", t0_ + after,
                              m0_ + after);
  }
  DenyReason read(CardNumber card, Duration after) {
    const Effects fx = controller_.handle(
        CardPresented{ReaderId("lobby-in"), card, "H10301", t0_ + after, m0_ + after});
    for (const auto& e : fx.events) {
      if (e.kind == EventKind::access_granted || e.kind == EventKind::access_denied) {
        return e.reason;
      }
    }
    ADD_FAILURE() << "no decision";
    return DenyReason::unknown_reader;
  }

  Site site_ = [] {
    Site s = testing::make_site();
    s.zones[1].anti_passback = AntiPassback::hard;
    s.build_index();
    return s;
  }();
  PeopleDirectory people_ = testing::make_people();
  Controller controller_{site_, people_};
  TimePoint t0_ = at_utc(kMonday, 9, 0);
  MonoTime m0_ = MonoTime{std::chrono::hours(1)};
};

TEST_F(RosterChange, PeopleInsideStayInsideAndOnTheMusterListWhenTheRosterIsRenumbered) {
  pass(kAlice, 0s);
  pass(kBob, 1min);
  ASSERT_EQ(read(kBob, 2min), DenyReason::anti_passback);

  // Alice leaves the roster while inside; zed takes position 0 (hers) and
  // dora position 1 (bob's); bob moves to position 2.
  PeopleDirectory reloaded;
  reloaded.add_person({PersonId("zed"), "Zed", true, {AccessLevelId("admins")}});
  reloaded.add_person({PersonId("dora"), "Dora", true, {AccessLevelId("admins")}});
  reloaded.add_person({PersonId("bob"), "Bob", true, {AccessLevelId("admins")}});
  reloaded.add_credential({kZed, PersonId("zed"), true, {}, {}});
  reloaded.add_credential({kDora, PersonId("dora"), true, {}, {}});
  reloaded.add_credential({kBob, PersonId("bob"), true, {}, {}});
  people_ = std::move(reloaded);

  EXPECT_EQ(read(kBob, 3min), DenyReason::anti_passback) << "bob is still inside";
  EXPECT_EQ(read(kZed, 4min), DenyReason::none) << "zed is not alice";
  EXPECT_EQ(read(kDora, 5min), DenyReason::none) << "dora is not bob";
  EXPECT_EQ(read(kAlice, 6min), DenyReason::unknown_card);

  const auto muster = controller_.access_state().occupancy.in_zone(ZoneId("lobby"));
  ASSERT_EQ(muster.size(), 2u);
  EXPECT_EQ(muster[0].first, PersonId("alice")) << "dropped from the roster, still inside";
  EXPECT_EQ(muster[1].first, PersonId("bob"));

  // Newcomers after the reload are indexed in the new numbering.
  pass(kZed, 7min);
  EXPECT_EQ(read(kZed, 8min), DenyReason::anti_passback);
  EXPECT_EQ(read(kDora, 9min), DenyReason::none);
  EXPECT_EQ(controller_.access_state().occupancy.in_zone(ZoneId("lobby")).size(), 3u);
}

}  // namespace
}  // namespace vigil::core
