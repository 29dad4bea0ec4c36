// Visits in the people store (issue 8, item 6): recorded and ended as
// roster changes with the operator on the record; the directory decide()
// reads knows the visitor by them.
#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace {

using core::EventKind;
using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::TempDir;

std::string visit_attr(const core::Event& e, const char* key) {
  return core::attr_text(e.attrs, key).value_or("<missing>");
}

core::Visit delegation_visit(const char* visitor, const char* host) {
  return core::Visit{.id = 0,
                     .visitor = core::PersonId{visitor},
                     .host = core::PersonId{host},
                     .purpose = "audit of the archive",
                     .organisation = "Ministry of X",
                     .delegation = "DEL-2026-4",
                     .first_day = *core::parse_date("2026-11-23"),
                     .last_day = *core::parse_date("2026-11-24"),
                     .zones = {core::ZoneId{"lobby"}, core::ZoneId{"archive"}},
                     .ended = false};
}

class VisitStore : public ::testing::Test {
 protected:
  void SetUp() override {
    roster_.import(file({person("p1", "Anna", {"staff"}), person("v1", "Vera", {})},
                        {card(12, 1, "p1"), card(12, 900, "v1")}),
                   at(0));
  }
  std::filesystem::path db() const { return dir_.file("vigil.db"); }
  TempDir dir_;
  Roster roster_{db(), "reception-1"};
};

TEST_F(VisitStore, AnAddedVisitIsJournalledAndMakesThePersonAVisitor) {
  const auto change = roster_.add_visit(delegation_visit("v1", "p1"), at(5));
  ASSERT_EQ(change.events.size(), 1u);
  const auto& e = change.events[0];
  EXPECT_EQ(e.kind, EventKind::visit_added);
  EXPECT_EQ(e.person, core::PersonId{"v1"});
  EXPECT_EQ(core::attr_int(e.attrs, "visit"), 1);
  EXPECT_EQ(visit_attr(e, "host"), "p1");
  EXPECT_EQ(visit_attr(e, "organisation"), "Ministry of X");
  EXPECT_EQ(visit_attr(e, "delegation"), "DEL-2026-4");
  EXPECT_EQ(visit_attr(e, "first_day"), "2026-11-23");
  EXPECT_EQ(visit_attr(e, "last_day"), "2026-11-24");
  EXPECT_EQ(visit_attr(e, "zones"), "lobby,archive");
  EXPECT_EQ(visit_attr(e, "operator"), "reception-1");
  EXPECT_GT(change.version, 0u);

  const auto directory = roster_.store().load();
  const auto* visits = directory.visits_of(core::PersonId{"v1"});
  ASSERT_NE(visits, nullptr);
  ASSERT_EQ(visits->size(), 1u);
  EXPECT_EQ(visits->front().zones.size(), 2u);
  EXPECT_EQ(visits->front().purpose, "audit of the archive");
  EXPECT_EQ(directory.visits_of(core::PersonId{"p1"}), nullptr) << "staff are not visitors";

  const auto second = roster_.add_visit(delegation_visit("v1", "p1"), at(6));
  EXPECT_EQ(core::attr_int(second.events[0].attrs, "visit"), 2);
  EXPECT_EQ(roster_.store().list_visits(core::PersonId{"v1"}).size(), 2u);
  EXPECT_TRUE(roster_.store().list_visits(core::PersonId{"p1"}).empty());
}

TEST_F(VisitStore, EndingAVisitIsJournalledOnceAndTheVisitStopsWorking) {
  roster_.add_visit(delegation_visit("v1", "p1"), at(1));
  const auto ended = roster_.end_visit(1, "left early", at(2));
  ASSERT_EQ(ended.events.size(), 1u);
  EXPECT_EQ(ended.events[0].kind, EventKind::visit_ended);
  EXPECT_EQ(visit_attr(ended.events[0], "reason"), "left early");
  const auto visit = roster_.store().find_visit(1);
  ASSERT_TRUE(visit);
  EXPECT_TRUE(visit->ended);
  EXPECT_FALSE(visit->active_on(*core::parse_date("2026-11-23")));
  EXPECT_THROW(roster_.end_visit(1, "again", at(3)), JournalError);
  EXPECT_THROW(roster_.end_visit(9, "none", at(3)), JournalError);
  const auto history = roster_.history(core::PersonId{"v1"});
  ASSERT_GE(history.size(), 2u);
  EXPECT_EQ(history.back().kind, EventKind::visit_ended);
}

TEST_F(VisitStore, ABadVisitIsRefusedAndChangesNothing) {
  const auto version = roster_.store().version();
  auto unknown_visitor = delegation_visit("nobody", "p1");
  auto unknown_host = delegation_visit("v1", "nobody");
  auto self_hosted = delegation_visit("v1", "v1");
  auto no_zones = delegation_visit("v1", "p1");
  no_zones.zones.clear();
  auto no_purpose = delegation_visit("v1", "p1");
  no_purpose.purpose = " ";
  auto backwards = delegation_visit("v1", "p1");
  backwards.last_day = *core::parse_date("2026-11-01");
  for (const auto& bad :
       {unknown_visitor, unknown_host, self_hosted, no_zones, no_purpose, backwards}) {
    EXPECT_THROW(roster_.add_visit(bad, at(1)), JournalError);
  }
  EXPECT_EQ(roster_.store().version(), version);
  EXPECT_TRUE(roster_.store().list_visits().empty());

  // A visitor hosts nobody.
  roster_.import(file({person("v2", "Vlad", {})}, {card(12, 901, "v2")}), at(2));
  roster_.add_visit(delegation_visit("v1", "p1"), at(3));
  EXPECT_THROW(roster_.add_visit(delegation_visit("v2", "v1"), at(4)), JournalError);
}

}  // namespace
}  // namespace vigil::journal
