// The directory's large tables in 2 MiB pages of their own (s23): a roster
// big enough for them must answer every card as a small one does, through
// growth, copies, shrinking and the original's destruction, and give the
// memory back when it goes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "site_fixture.hpp"
#include "vigil/core/huge_pages.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

// Past 4 MiB of records (16 bytes each), card entries and card slots.
constexpr int kPeople = 270'000;

CardNumber card_of(int i) {
  return {9, static_cast<std::uint64_t>(i) * 7 + 1};
}

TEST(HugePageTables, ALargeTableStartsOnA2MiBPageAndASmallOneStaysOnTheHeap) {
  const std::size_t before = mapped_huge_table_bytes();
  {
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> large(2'000'000, 7);
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> small(1000, 7);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(large.data()) % kHugePageBytes, 0u);
    EXPECT_EQ(mapped_huge_table_bytes() - before, 8u << 20) << "8 MB rounded up to 2 MiB pages";
    large.push_back(8);  // grows into a new mapping; the old one goes back
    EXPECT_EQ(large[1'999'999], 7u);
    EXPECT_EQ(large[2'000'000], 8u);
    EXPECT_EQ(small[999], 7u);
  }
  EXPECT_EQ(mapped_huge_table_bytes(), before);
}

TEST(HugePageTables, ALargeDirectoryAnswersEveryCardAfterACopyAShrinkAndItsOriginalGone) {
  const std::size_t before = mapped_huge_table_bytes();
  {
    PeopleDirectory copy;
    {
      PeopleDirectory people;  // no reserve: the tables grow as people arrive
      for (int i = 0; i < kPeople; ++i) {
        const PersonId id("p" + std::to_string(i));
        people.add_person({id, "Person " + std::to_string(i), true, {AccessLevelId("staff")}, {}});
        people.add_credential({card_of(i), id, true, {}, {}});
      }
      EXPECT_GT(mapped_huge_table_bytes(), before);
      copy = people;
      copy.shrink_to_fit();
    }
    for (int i = 0; i < kPeople; i += 997) {
      const auto holder = copy.find_card(card_of(i));
      ASSERT_TRUE(holder) << i;
      EXPECT_EQ(holder->person.id_str(), "p" + std::to_string(i));
      EXPECT_EQ(holder->credential.card(), card_of(i));
    }
    EXPECT_FALSE(copy.find_card({9, 2}));
    // Flagged after the load: the hot record's bit and the risk both say so.
    PersonRisk suspend;
    suspend.flag = IntegrityFlag{FlagKind::suspend, "ethics", {}, "inquiry", {}};
    copy.set_risk(PersonId("p1994"), suspend);
    const auto flagged = copy.find_card(card_of(1994));
    ASSERT_TRUE(flagged);
    ASSERT_NE(copy.risk_at(flagged->position), nullptr);
    EXPECT_EQ(copy.risk_at(flagged->position)->flag->kind, FlagKind::suspend);
    EXPECT_EQ(copy.risk_at(copy.find_card(card_of(1993))->position), nullptr);
  }
  EXPECT_EQ(mapped_huge_table_bytes(), before) << "every table's pages given back";
}

// A person flagged, unflagged and replaced (a roster edit) after the load:
// each read decides on what is on file at that moment.
TEST(HugePageTables, AFlagSetAfterTheLoadDecidesTheNextReadAndARosterEditKeepsIt) {
  Site site = testing::make_site();
  site.build_index();
  PeopleDirectory people = testing::make_people();
  const CardNumber bob{12, 1002};
  const TimePoint t = at_utc(kMonday, 9, 0);
  EXPECT_EQ(decide(site, people, bob, ReaderId("server-in"), t).outcome, Outcome::grant);

  PersonRisk suspend;
  suspend.flag = IntegrityFlag{FlagKind::suspend, "ethics", {}, "inquiry", {}};
  people.set_risk(PersonId("bob"), suspend);
  EXPECT_EQ(decide(site, people, bob, ReaderId("server-in"), t).reason,
            DenyReason::person_suspended);

  // The roster edit narrows bob's levels; the flag stays with him.
  people.add_person({PersonId("bob"), "Bob", true, {AccessLevelId("staff")}});
  EXPECT_EQ(decide(site, people, bob, ReaderId("server-in"), t).reason,
            DenyReason::person_suspended);
  people.set_risk(PersonId("bob"), {});
  EXPECT_EQ(decide(site, people, bob, ReaderId("server-in"), t).reason, DenyReason::no_access_level)
      << "the edited levels, not the loaded ones";
  EXPECT_EQ(decide(site, people, bob, ReaderId("lobby-in"), t).outcome, Outcome::grant);
}

}  // namespace
}  // namespace vigil::core
