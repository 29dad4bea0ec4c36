#include "vigil/journal/people_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

using testing::at;
using testing::card;
using testing::file;
using testing::person;
using testing::TempDir;

TEST(PeopleStore, NewStoreIsEmpty) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  EXPECT_EQ(store.count().people, 0u);
  EXPECT_EQ(store.load().person_count(), 0u);
  EXPECT_EQ(store.version(), 0u);
}

TEST(PeopleStore, LoadsWhatTheRosterImportedAcrossReopening) {
  TempDir dir;
  auto temporary = card(12, 2002, "bob");
  temporary.active = false;
  temporary.valid_from = at(0);
  temporary.valid_until = at(86'400);
  {
    Roster roster{dir.file("people.db"), "tester"};
    roster.import(file({person("alice", "Alice Ng", {"staff", "lab", "after-hours"}),
                        person("bob", "Bob Roy", {}, false)},
                       {card(12, 1001, "alice"), temporary}),
                  at(0));
  }
  PeopleStore reopened{dir.file("people.db")};
  EXPECT_EQ(reopened.count().people, 2u);
  EXPECT_EQ(reopened.count().credentials, 2u);
  auto directory = reopened.load();

  const auto alice = directory.find_person(core::PersonId{"alice"});
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->name(), "Alice Ng");
  EXPECT_TRUE(alice->active());
  EXPECT_EQ(
      alice->access_levels().to_vector(),
      (std::vector<core::AccessLevelId>{core::AccessLevelId{"staff"}, core::AccessLevelId{"lab"},
                                        core::AccessLevelId{"after-hours"}}));

  auto holder = directory.find_card({.facility = 12, .number = 2002});
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->person.id(), core::PersonId{"bob"});
  EXPECT_FALSE(holder->person.active());
  EXPECT_TRUE(holder->person.access_levels().empty());
  EXPECT_FALSE(holder->credential.active());
  EXPECT_EQ(holder->credential.valid_from(), at(0));
  EXPECT_EQ(holder->credential.valid_until(), at(86'400));

  EXPECT_FALSE(directory.find_card({.facility = 13, .number = 1001}).has_value());
}

TEST(PeopleStore, SnapshotCarriesTheVersionOfTheRosterItLoaded) {
  TempDir dir;
  Roster roster{dir.file("vigil.db"), "tester"};
  PeopleStore store{dir.file("vigil.db")};
  roster.import(file({person("alice", "Alice", {})}, {card(12, 1001, "alice")}), at(0));
  auto first = store.load_snapshot();
  EXPECT_EQ(first.version, 1u);
  EXPECT_EQ(first.people.person_count(), 1u);

  roster.revoke_card({12, 1001}, at(1));
  EXPECT_EQ(store.version(), 2u);
  EXPECT_FALSE(store.load().find_card({12, 1001})->credential.active());
}

TEST(PeopleStore, DataVersionMovesWhenAnotherConnectionCommits) {
  TempDir dir;
  PeopleStore store{dir.file("vigil.db")};
  Journal journal{dir.file("vigil.db")};
  const auto before = store.data_version();
  auto events = testing::sample_events(1);
  journal.append(events);
  EXPECT_NE(store.data_version(), before);
  EXPECT_EQ(store.version(), 0u);  // an event is not a roster change
}

TEST(PeopleStore, FindPersonListsTheirCardsActiveAndRevoked) {
  TempDir dir;
  Roster roster{dir.file("vigil.db"), "tester"};
  roster.import(file({person("alice", "Alice", {"staff"})}, {card(12, 1001, "alice")}), at(0));
  roster.import(file({person("alice", "Alice", {"staff"})}, {card(12, 1777, "alice")}), at(1));

  auto record = roster.store().find_person(core::PersonId{"alice"});
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->person.name, "Alice");
  ASSERT_EQ(record->cards.size(), 2u);
  EXPECT_EQ(core::to_string(record->cards[0].credential.card), "12:1001");
  EXPECT_TRUE(record->cards[0].revoked);
  EXPECT_FALSE(record->cards[0].credential.active);
  EXPECT_EQ(core::to_string(record->cards[1].credential.card), "12:1777");
  EXPECT_FALSE(record->cards[1].revoked);
  EXPECT_FALSE(roster.store().find_person(core::PersonId{"nobody"}).has_value());
}

TEST(PeopleStore, SharesAFileWithTheJournal) {
  TempDir dir;
  Journal journal{dir.file("vigil.db")};
  Roster roster{dir.file("vigil.db"), "tester"};
  roster.import(file({person("alice", "Alice", {})}, {card(12, 1001, "alice")}), at(0));
  auto events = testing::sample_events(3);
  journal.append(events);
  EXPECT_EQ(roster.store().count().people, 1u);
  EXPECT_TRUE(journal.verify().ok);
}

// The load reads each table in rowid order and takes a person's levels as
// the run of level rows standing first at their turn (s21-startup). Levels
// rewritten by a later import stand at the table's end, out of line, and
// rows put in by hand may break position order: each such person is read
// again by key, so every person loads with exactly their levels in order.
std::vector<std::string> levels_of(const core::PeopleDirectory& directory, const char* id) {
  std::vector<std::string> out;
  const auto p = directory.find_person(core::PersonId{id});
  if (!p) return {"(missing)"};
  for (const auto& level : p->access_levels().to_vector()) out.push_back(level.str());
  return out;
}

TEST(PeopleStore, LoadsEachPersonsLevelsInOrderWhateverOrderTheRowsStandIn) {
  TempDir dir;
  {
    Roster roster{dir.file("vigil.db"), "tester"};
    roster.import(file({person("alice", "Alice", {"staff", "lab"}), person("bob", "Bob", {"night"}),
                        person("carol", "Carol", {}), person("dan", "Dan", {"staff"})},
                       {card(12, 1, "alice"), card(12, 2, "bob")}),
                  at(0));
    // alice's and carol's level rows are deleted and written again at the
    // end of person_levels; erin is new, after them.
    roster.import(file({person("alice", "Alice", {"lab", "vault", "staff"}),
                        person("bob", "Bob", {"night"}), person("carol", "Carol", {"staff"}),
                        person("dan", "Dan", {"staff"}), person("erin", "Erin", {"lab", "night"})},
                       {card(12, 1, "alice"), card(12, 2, "bob"), card(12, 5, "erin")}),
                  at(1));
  }
  {
    // frank's rows by hand, position 1 standing before position 0.
    sqlite::Database db{dir.file("vigil.db")};
    db.exec("INSERT INTO people (id, name, active) VALUES ('frank', 'Frank', 1)");
    db.exec("INSERT INTO person_levels (person, position, level) VALUES ('frank', 1, 'vault')");
    db.exec("INSERT INTO person_levels (person, position, level) VALUES ('frank', 0, 'staff')");
  }
  const auto directory = PeopleStore{dir.file("vigil.db")}.load();
  EXPECT_EQ(directory.person_count(), 6u);
  EXPECT_EQ(levels_of(directory, "alice"), (std::vector<std::string>{"lab", "vault", "staff"}));
  EXPECT_EQ(levels_of(directory, "bob"), (std::vector<std::string>{"night"}));
  EXPECT_EQ(levels_of(directory, "carol"), (std::vector<std::string>{"staff"}));
  EXPECT_EQ(levels_of(directory, "dan"), (std::vector<std::string>{"staff"}));
  EXPECT_EQ(levels_of(directory, "erin"), (std::vector<std::string>{"lab", "night"}));
  EXPECT_EQ(levels_of(directory, "frank"), (std::vector<std::string>{"staff", "vault"}));
  EXPECT_EQ(directory.find_card({12, 5})->person.id(), core::PersonId{"erin"});
}

core::PinHash pin_hash(std::uint8_t fill) {
  core::PinHash pin;
  pin.iterations = 60'000;
  pin.salt.fill(fill);
  pin.digest.fill(static_cast<std::uint8_t>(fill ^ 0x5a));
  return pin;
}

// The load reads person_pins in stored order and takes a row's person to be
// the one after the previous row's when the ids say so (s22-start): rows set
// out of the people's order, set again, or unreadable must still land on
// the right person.
TEST(PeopleStore, LoadsEveryPersonsPinWhateverOrderTheRowsStandIn) {
  TempDir dir;
  constexpr int kPeople = 40;
  auto id = [](int i) { return "p" + std::to_string(10 + i); };
  std::map<std::string, std::uint8_t> expected;
  {
    Roster roster{dir.file("vigil.db"), "tester"};
    std::vector<core::Person> people;
    for (int i = 0; i < kPeople; ++i) people.push_back(person(id(i), "Person " + id(i), {"staff"}));
    roster.import(file(std::move(people), {}), at(0));
    auto set = [&](int i, std::uint8_t fill) {
      roster.set_pin(core::PersonId{id(i)}, pin_hash(fill), at(1));
      expected[id(i)] = fill;
    };
    for (int i = 0; i < kPeople; i += 3) set(i, static_cast<std::uint8_t>(i));  // every third first
    for (int i = 0; i < kPeople; ++i) {
      if (i % 3 != 0) set(i, static_cast<std::uint8_t>(i));
    }
    set(5, 200);  // replaced: its row moves to the end
  }
  {
    sqlite::Database db{dir.file("vigil.db")};
    db.exec("UPDATE person_pins SET hash = 'not a hash' WHERE person = 'p49'");
    expected.erase("p49");
  }
  const auto directory = PeopleStore{dir.file("vigil.db")}.load();
  EXPECT_EQ(directory.pin_count(), expected.size());
  for (int i = 0; i < kPeople; ++i) {
    const auto* pin = directory.pin_of(core::PersonId{id(i)});
    const auto want = expected.find(id(i));
    if (want == expected.end()) {
      EXPECT_EQ(pin, nullptr) << id(i);
      continue;
    }
    ASSERT_NE(pin, nullptr) << id(i);
    EXPECT_EQ(pin->salt, pin_hash(want->second).salt) << id(i);
    EXPECT_EQ(pin->digest, pin_hash(want->second).digest) << id(i);
    const auto position = directory.find_person(core::PersonId{id(i)})->position();
    EXPECT_EQ(directory.pin_at(position), pin) << id(i);
  }
}

}  // namespace
}  // namespace vigil::journal
