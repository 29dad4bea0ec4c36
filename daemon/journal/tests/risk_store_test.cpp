// Flags and trips in the people store (issue 8): each change is a roster
// change with the operator on the record, and the directory decide() reads
// carries them.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace risk_store_test {

using core::EventKind;
using core::FlagKind;
using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::TempDir;

std::string text(const core::Event& e, const char* key) {
  return core::attr_text(e.attrs, key).value_or("<missing>");
}

core::Trip trip(const char* first, const char* last, const char* destination) {
  return core::Trip{.id = 0,
                    .first_day = *core::parse_date(first),
                    .last_day = *core::parse_date(last),
                    .destination = destination,
                    .approval_ref = "APP-7",
                    .returned = false};
}

class RiskStore : public ::testing::Test {
 protected:
  void SetUp() override {
    roster_.import(file({person("p1", "Anna", {"staff"}), person("p2", "Ben", {"staff"})},
                        {card(12, 1, "p1"), card(12, 2, "p2")}),
                   at(0));
  }
  std::filesystem::path db() const { return dir_.file("vigil.db"); }
  TempDir dir_;
  Roster roster_{db(), "ethics-1"};
};

TEST_F(RiskStore, ASetFlagIsJournalledWithWhoWhyAndUntilAndReachesTheDirectory) {
  auto change = roster_.set_flag(core::PersonId{"p1"}, FlagKind::watch, "inquiry 17",
                                 core::parse_date("2026-12-31"), at(5));
  ASSERT_EQ(change.events.size(), 1u);
  const auto& e = change.events[0];
  EXPECT_EQ(e.kind, EventKind::flag_set);
  EXPECT_EQ(e.person, core::PersonId{"p1"});
  EXPECT_EQ(text(e, "flag"), "watch");
  EXPECT_EQ(text(e, "reason"), "inquiry 17");
  EXPECT_EQ(text(e, "until"), "2026-12-31");
  EXPECT_EQ(text(e, "operator"), "ethics-1");

  const auto directory = roster_.store().load();
  const auto* risk = directory.risk_of(core::PersonId{"p1"});
  ASSERT_NE(risk, nullptr);
  ASSERT_TRUE(risk->flag);
  EXPECT_EQ(risk->flag->kind, FlagKind::watch);
  EXPECT_EQ(risk->flag->set_by, "ethics-1");
  EXPECT_EQ(risk->flag->set_at, at(5));
  EXPECT_EQ(directory.risk_of(core::PersonId{"p2"}), nullptr);

  auto raised = roster_.set_flag(core::PersonId{"p1"}, FlagKind::suspend, "leak confirmed",
                                 std::nullopt, at(6));
  EXPECT_EQ(text(raised.events[0], "flag_before"), "watch");
  EXPECT_EQ(text(raised.events[0], "until"), "cleared");
  const auto flags = roster_.store().list_flags();
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].flag.kind, FlagKind::suspend);
  EXPECT_EQ(flags[0].flag.reason, "leak confirmed");
}

TEST_F(RiskStore, ClearingAFlagIsJournalledAndClearingNoneChangesNothing) {
  roster_.set_flag(core::PersonId{"p1"}, FlagKind::suspend, "inquiry", std::nullopt, at(1));
  auto cleared = roster_.clear_flag(core::PersonId{"p1"}, "inquiry closed", at(2));
  ASSERT_EQ(cleared.events.size(), 1u);
  EXPECT_EQ(cleared.events[0].kind, EventKind::flag_cleared);
  EXPECT_EQ(text(cleared.events[0], "flag_before"), "suspend");
  EXPECT_EQ(roster_.store().load().risk_of(core::PersonId{"p1"}), nullptr);
  EXPECT_TRUE(roster_.clear_flag(core::PersonId{"p1"}, "again", at(3)).events.empty());
}

TEST_F(RiskStore, TripsAreNumberedJournalledAndReturned) {
  auto first =
      roster_.add_trip(core::PersonId{"p1"}, trip("2026-12-01", "2026-12-05", "XX"), at(1));
  auto second =
      roster_.add_trip(core::PersonId{"p2"}, trip("2026-12-02", "2026-12-02", "YY"), at(2));
  EXPECT_EQ(core::attr_int(first.events[0].attrs, "trip"), 1);
  EXPECT_EQ(core::attr_int(second.events[0].attrs, "trip"), 2);
  EXPECT_EQ(text(first.events[0], "destination"), "XX");
  EXPECT_EQ(text(first.events[0], "approval"), "APP-7");
  EXPECT_EQ(text(first.events[0], "first_day"), "2026-12-01");

  auto returned = roster_.record_return(1, "report R-1", at(3));
  EXPECT_EQ(returned.events[0].kind, EventKind::trip_returned);
  EXPECT_EQ(returned.events[0].person, core::PersonId{"p1"});
  EXPECT_EQ(text(returned.events[0], "note"), "report R-1");

  const auto directory = roster_.store().load();
  const auto* risk = directory.risk_of(core::PersonId{"p1"});
  ASSERT_NE(risk, nullptr);
  ASSERT_EQ(risk->trips.size(), 1u);
  EXPECT_TRUE(risk->trips[0].returned);
  EXPECT_EQ(roster_.store().list_trips(core::PersonId{"p2"}).size(), 1u);
  EXPECT_EQ(roster_.store().find_person(core::PersonId{"p1"})->risk.trips.size(), 1u);
  EXPECT_EQ(roster_.history(core::PersonId{"p1"}).back().kind, EventKind::trip_returned);
}

TEST_F(RiskStore, RefusedChangesJournalNothing) {
  const auto before = roster_.journal().last_seq();
  auto refused = [&](auto change) { EXPECT_THROW(change(), JournalError); };
  refused([&] {
    roster_.set_flag(core::PersonId{"nobody"}, FlagKind::watch, "x", std::nullopt, at(1));
  });
  refused(
      [&] { roster_.set_flag(core::PersonId{"p1"}, FlagKind::watch, " ", std::nullopt, at(1)); });
  refused([&] {
    roster_.add_trip(core::PersonId{"p1"}, trip("2026-12-05", "2026-12-01", "XX"), at(1));
  });
  refused(
      [&] { roster_.add_trip(core::PersonId{"p1"}, trip("2026-12-01", "2026-12-05", ""), at(1)); });
  refused([&] { roster_.record_return(99, "", at(1)); });
  roster_.add_trip(core::PersonId{"p1"}, trip("2026-12-01", "2026-12-05", "XX"), at(1));
  roster_.record_return(1, "", at(2));
  const auto after_return = roster_.journal().last_seq();
  refused([&] { roster_.record_return(1, "", at(3)); });
  EXPECT_EQ(roster_.journal().last_seq(), after_return);
  EXPECT_EQ(after_return, before + 2);
}

}  // namespace risk_store_test
}  // namespace vigil::journal
