// Every roster change is a journalled event with its operator and the
// before/after values, committed with the change or not at all.
#include "vigil/journal/roster.hpp"

#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"

namespace vigil::journal {
namespace {

using core::EventKind;
using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::RawSql;
using testing::TempDir;

std::vector<EventKind> kinds(const std::vector<core::Event>& events) {
  std::vector<EventKind> out;
  for (const auto& e : events) out.push_back(e.kind);
  return out;
}

std::string text(const core::Event& e, const char* key) {
  return core::attr_text(e.attrs, key).value_or("<missing>");
}

const core::Event& only(const RosterChange& change, EventKind kind) {
  for (const auto& e : change.events) {
    if (e.kind == kind) return e;
  }
  throw std::runtime_error(std::string{"no "} + core::to_string(kind));
}

class RosterTest : public ::testing::Test {
 protected:
  std::filesystem::path db() const { return dir_.file("vigil.db"); }
  bool active_card(std::uint32_t facility, std::uint64_t number) {
    const auto directory = roster_.store().load();  // the holder points into it
    auto holder = directory.find_card({facility, number});
    return holder && holder->credential.active() && holder->person.active();
  }

  TempDir dir_;
  Roster roster_{db(), "alice-admin"};
};

TEST_F(RosterTest, ImportJournalsTheFileAndEachAdditionWithTheOperator) {
  auto change =
      roster_.import(file({person("p1", "Anna", {"staff", "lab"}), person("p2", "Ben", {})},
                          {card(12, 1001, "p1"), card(12, 1002, "p2")}),
                     at(0));

  // A new person is one person_added that carries their card too.
  EXPECT_EQ(kinds(change.events), (std::vector{EventKind::roster_imported, EventKind::person_added,
                                               EventKind::person_added}));
  const auto& imported = change.events[0];
  EXPECT_EQ(text(imported, "sha256"), sha256_hex("people"));
  EXPECT_EQ(text(imported, "file"), "people.csv");
  EXPECT_EQ(core::attr_int(imported.attrs, "rows"), 2);
  EXPECT_EQ(core::attr_bool(imported.attrs, "replace"), false);
  EXPECT_EQ(core::attr_int(imported.attrs, "added"), 2);
  for (const auto& e : change.events) EXPECT_EQ(text(e, "operator"), "alice-admin");
  const auto& added = change.events[1];
  EXPECT_EQ(added.person, core::PersonId{"p1"});
  EXPECT_EQ(text(added, "name"), "Anna");
  EXPECT_EQ(text(added, "levels"), "staff;lab");
  EXPECT_EQ(added.card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(core::attr_bool(added.attrs, "card_active"), true);
  EXPECT_EQ(change.events[2].card, (core::CardNumber{12, 1002}));

  // The same events are in the chain, numbered, with the attrs in words.
  auto journalled = roster_.journal().query({});
  ASSERT_EQ(journalled.size(), 3u);
  EXPECT_EQ(kinds(journalled), kinds(change.events));
  EXPECT_EQ(journalled[2].seq, change.events[2].seq);
  EXPECT_EQ(journalled[1].card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(core::attr_text(journalled[0].attrs, "sha256"), sha256_hex("people"));
  EXPECT_TRUE(roster_.journal().verify().ok);
  EXPECT_TRUE(active_card(12, 1001));
}

TEST_F(RosterTest, ChangedNameAndLevelsAreJournalledBeforeAndAfter) {
  roster_.import(file({person("p1", "Anna", {"staff"})}, {card(12, 1001, "p1")}), at(0));
  auto change = roster_.import(
      file({person("p1", "Anna Roy", {"staff", "lab"})}, {card(12, 1001, "p1")}), at(10));
  const auto& changed = only(change, EventKind::person_changed);
  EXPECT_EQ(changed.person, core::PersonId{"p1"});
  EXPECT_EQ(text(changed, "name_before"), "Anna");
  EXPECT_EQ(text(changed, "name_after"), "Anna Roy");
  EXPECT_EQ(text(changed, "levels_before"), "staff");
  EXPECT_EQ(text(changed, "levels_after"), "staff;lab");
  EXPECT_EQ(changed.time, at(10));
  EXPECT_EQ(change.count(EventKind::credential_added), 0u);
  EXPECT_EQ(roster_.store().load().find_person(core::PersonId{"p1"})->name(), "Anna Roy");
}

TEST_F(RosterTest, ChangedValidityOfACardIsJournalled) {
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  auto until = card(12, 1001, "p1");
  until.valid_until = at(86'400);
  auto change = roster_.import(file({person("p1", "Anna", {})}, {until}), at(1));
  const auto& changed = only(change, EventKind::person_changed);
  EXPECT_EQ(changed.card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(text(changed, "valid_until_before"), "none");
  EXPECT_EQ(text(changed, "valid_until_after"), core::format_utc(at(86'400)));
}

TEST_F(RosterTest, ReimportingTheSameFileChangesNothingButIsStillRecorded) {
  auto people = file({person("p1", "Anna", {})}, {card(12, 1001, "p1")});
  const auto first = roster_.import(people, at(0));
  const auto again = roster_.import(people, at(1));
  EXPECT_EQ(kinds(again.events), std::vector{EventKind::roster_imported});
  EXPECT_EQ(again.version, first.version);  // vigild has nothing to reload
  EXPECT_EQ(roster_.journal().last_seq(), first.events.size() + 1);
}

TEST_F(RosterTest, AChangedCardRevokesTheOldCardForGood) {
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  auto change = roster_.import(file({person("p1", "Anna", {})}, {card(12, 1777, "p1")}), at(1));

  const auto& revoked = only(change, EventKind::credential_revoked);
  EXPECT_EQ(revoked.person, core::PersonId{"p1"});
  EXPECT_EQ(revoked.card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(text(revoked, "reason"), "replaced");
  EXPECT_EQ(only(change, EventKind::credential_added).card, (core::CardNumber{12, 1777}));
  EXPECT_FALSE(active_card(12, 1001));
  EXPECT_TRUE(active_card(12, 1777));

  // An old HR sheet still listing the old card cannot bring it back.
  const auto seq = roster_.journal().last_seq();
  EXPECT_THROW(roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(2)),
               JournalError);
  EXPECT_FALSE(active_card(12, 1001));
  EXPECT_EQ(roster_.journal().last_seq(), seq);
}

TEST_F(RosterTest, ReplaceDeactivatesPeopleAbsentFromTheFileAndKeepsTheirRecord) {
  roster_.import(file({person("p1", "Anna", {}), person("p2", "Ben", {})},
                      {card(12, 1001, "p1"), card(12, 1002, "p2")}),
                 at(0));
  auto change =
      roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}, true), at(1));

  EXPECT_EQ(kinds(change.events),
            (std::vector{EventKind::roster_imported, EventKind::person_deactivated}));
  EXPECT_EQ(change.events[1].person, core::PersonId{"p2"});
  EXPECT_EQ(core::attr_bool(change.events[0].attrs, "replace"), true);
  EXPECT_EQ(core::attr_int(change.events[0].attrs, "deactivated"), 1);
  EXPECT_FALSE(active_card(12, 1002));
  EXPECT_TRUE(active_card(12, 1001));
  EXPECT_EQ(roster_.store().count().people, 2u);  // deactivated, not deleted

  // Already inactive: a second --replace records the import and nothing else.
  auto again =
      roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}, true), at(2));
  EXPECT_EQ(kinds(again.events), std::vector{EventKind::roster_imported});
}

TEST_F(RosterTest, ImportWithoutReplaceLeavesAbsentPeopleAlone) {
  roster_.import(file({person("p1", "Anna", {}), person("p2", "Ben", {})},
                      {card(12, 1001, "p1"), card(12, 1002, "p2")}),
                 at(0));
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(1));
  EXPECT_TRUE(active_card(12, 1002));
}

TEST_F(RosterTest, ACardListedForSomeoneElseMovesToThemOnTheRecord) {
  roster_.import(file({person("p1", "Anna", {}), person("p2", "Ben", {})},
                      {card(12, 1001, "p1"), card(12, 1002, "p2")}),
                 at(0));
  auto change = roster_.import(file({person("p2", "Ben", {})}, {card(12, 1001, "p2")}), at(1));
  const auto& left = only(change, EventKind::credential_revoked);
  EXPECT_EQ(left.person, core::PersonId{"p1"});
  EXPECT_EQ(text(left, "reason"), "reassigned");
  EXPECT_EQ(text(left, "to"), "p2");
  EXPECT_EQ(roster_.store().load().find_card({12, 1001})->person.id(), core::PersonId{"p2"});
  EXPECT_FALSE(active_card(12, 1002));  // Ben's card changed: the old one is revoked
}

TEST_F(RosterTest, ACardMayBeAddedForAPersonStoredEarlier) {
  roster_.import(file({person("p1", "Anna", {})}, {}), at(0));
  auto change = roster_.import(file({}, {card(12, 1001, "p1")}), at(1));
  EXPECT_EQ(kinds(change.events),
            (std::vector{EventKind::roster_imported, EventKind::credential_added}));
  EXPECT_EQ(change.events[1].person, core::PersonId{"p1"});
  EXPECT_TRUE(active_card(12, 1001));
}

TEST_F(RosterTest, RevokedCardIsDeniedJournalledAndCannotBeRevokedTwice) {
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  auto change = roster_.revoke_card({12, 1001}, at(5));
  ASSERT_EQ(kinds(change.events), std::vector{EventKind::credential_revoked});
  EXPECT_EQ(change.events[0].person, core::PersonId{"p1"});
  EXPECT_EQ(text(change.events[0], "reason"), "revoked");
  EXPECT_EQ(text(change.events[0], "operator"), "alice-admin");
  EXPECT_FALSE(active_card(12, 1001));
  EXPECT_THROW(roster_.revoke_card({12, 1001}, at(6)), JournalError);
  EXPECT_THROW(roster_.revoke_card({99, 1}, at(6)), JournalError);
  EXPECT_THROW(roster_.activate(core::PersonId{"nobody"}, at(6)), JournalError);
}

TEST_F(RosterTest, DisableAndEnableArePersonEventsAndEnableBringsBackUnrevokedCards) {
  roster_.import(file({person("p1", "Anna", {}, false)}, {[] {
                        auto c = card(12, 1001, "p1");
                        c.active = false;  // an import row with active=false
                        return c;
                      }()}),
                 at(0));
  auto enabled = roster_.activate(core::PersonId{"p1"}, at(1));
  ASSERT_EQ(kinds(enabled.events), std::vector{EventKind::person_activated});
  EXPECT_EQ(text(enabled.events[0], "cards_reactivated"), "12:1001");
  EXPECT_TRUE(active_card(12, 1001));

  auto disabled = roster_.deactivate(core::PersonId{"p1"}, at(2));
  EXPECT_EQ(kinds(disabled.events), std::vector{EventKind::person_deactivated});
  EXPECT_FALSE(active_card(12, 1001));
  EXPECT_TRUE(roster_.deactivate(core::PersonId{"p1"}, at(3)).events.empty());
}

TEST_F(RosterTest, ARefusedImportJournalsNothing) {
  roster_.import(file({person("p1", "Anna", {"staff"})}, {card(12, 1001, "p1")}), at(0));
  const auto seq = roster_.journal().last_seq();
  // The last credential names nobody: the valid rename and new person go too.
  EXPECT_THROW(roster_.import(file({person("p1", "Renamed", {}), person("p3", "Carol", {})},
                                   {card(12, 3003, "p3"), card(12, 4004, "nobody")}),
                              at(1)),
               JournalError);
  EXPECT_THROW(roster_.import(file({person("", "No One", {})}, {}), at(1)), JournalError);
  EXPECT_THROW(roster_.import(file({}, {}, true), at(1)), JournalError);  // would lock all out
  EXPECT_EQ(roster_.journal().last_seq(), seq);
  EXPECT_EQ(roster_.store().load().find_person(core::PersonId{"p1"})->name(), "Anna");
  EXPECT_EQ(roster_.store().count().people, 1u);
}

TEST_F(RosterTest, AFailureInsideTheTransactionLeavesNeitherChangeNorRecord) {
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  const auto seq = roster_.journal().last_seq();
  // The roster version is bumped last, after the people rows and the events
  // are written: failing there proves both roll back together.
  RawSql sql{db()};
  sql.exec(
      "CREATE TRIGGER fail_roster BEFORE UPDATE ON roster_version "
      "BEGIN SELECT RAISE(ABORT, 'disk gone'); END");

  EXPECT_THROW(roster_.import(file({person("p1", "Anna Roy", {}), person("p2", "Ben", {})},
                                   {card(12, 1777, "p1"), card(12, 1002, "p2")}, true),
                              at(1)),
               JournalError);
  EXPECT_THROW(roster_.revoke_card({12, 1001}, at(1)), JournalError);

  EXPECT_EQ(roster_.journal().last_seq(), seq);
  EXPECT_EQ(roster_.store().count().people, 1u);
  EXPECT_EQ(roster_.store().load().find_person(core::PersonId{"p1"})->name(), "Anna");
  EXPECT_TRUE(active_card(12, 1001));
  EXPECT_EQ(sql.integer("SELECT count(*) FROM revoked_cards"), 0);
  EXPECT_TRUE(roster_.journal().verify().ok);
}

TEST_F(RosterTest, HistoryListsThePersonsRosterEventsOldestFirst) {
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  roster_.revoke_card({12, 1001}, at(1));
  roster_.deactivate(core::PersonId{"p1"}, at(2));
  auto grant = testing::granted(3, "p1", "d1", "lab");
  Journal other{db()};
  std::vector<core::Event> grants{grant};
  other.append(grants);

  EXPECT_EQ(kinds(roster_.history(core::PersonId{"p1"})),
            (std::vector{EventKind::person_added, EventKind::credential_revoked,
                         EventKind::person_deactivated}));
}

TEST_F(RosterTest, TwoRostersOnOneFileKeepOneChain) {
  Roster second{db(), "bob-admin"};
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  second.revoke_card({12, 1001}, at(1));
  roster_.import(file({person("p1", "Anna", {})}, {card(12, 1777, "p1")}), at(2));
  EXPECT_TRUE(roster_.journal().verify().ok);
  EXPECT_EQ(roster_.store().version(), 3u);
  EXPECT_TRUE(active_card(12, 1777));
}

}  // namespace
}  // namespace vigil::journal
