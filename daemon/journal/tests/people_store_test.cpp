#include "vigil/journal/people_store.hpp"

#include <gtest/gtest.h>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::at;
using testing::TempDir;

core::Person person(const std::string& id, const std::string& name, std::vector<std::string> levels,
                    bool active = true) {
  core::Person p{.id = core::PersonId{id}, .name = name, .active = active, .access_levels = {}};
  for (auto& level : levels) p.access_levels.emplace_back(level);
  return p;
}

core::Credential card(std::uint32_t facility, std::uint64_t number, const std::string& person_id) {
  return core::Credential{.card = {.facility = facility, .number = number},
                          .person = core::PersonId{person_id},
                          .active = true,
                          .valid_from = std::nullopt,
                          .valid_until = std::nullopt};
}

TEST(PeopleStore, NewStoreIsEmpty) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  EXPECT_EQ(store.count().people, 0u);
  EXPECT_EQ(store.load().person_count(), 0u);
}

TEST(PeopleStore, ImportRoundTripsPeopleLevelsAndCredentials) {
  TempDir dir;
  auto temporary = card(12, 2002, "bob");
  temporary.active = false;
  temporary.valid_from = at(0);
  temporary.valid_until = at(86'400);
  {
    PeopleStore store{dir.file("people.db")};
    store.import({person("alice", "Alice Ng", {"staff", "lab", "after-hours"}),
                  person("bob", "Bob Roy", {}, false)},
                 {card(12, 1001, "alice"), temporary});
  }
  PeopleStore reopened{dir.file("people.db")};
  EXPECT_EQ(reopened.count().people, 2u);
  EXPECT_EQ(reopened.count().credentials, 2u);
  auto directory = reopened.load();

  const auto* alice = directory.find_person(core::PersonId{"alice"});
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->name, "Alice Ng");
  EXPECT_TRUE(alice->active);
  EXPECT_EQ(alice->access_levels, (std::vector<core::AccessLevelId>{
                                      core::AccessLevelId{"staff"}, core::AccessLevelId{"lab"},
                                      core::AccessLevelId{"after-hours"}}));

  auto holder = directory.find_card({.facility = 12, .number = 2002});
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->person->id, core::PersonId{"bob"});
  EXPECT_FALSE(holder->person->active);
  EXPECT_TRUE(holder->person->access_levels.empty());
  EXPECT_FALSE(holder->credential->active);
  EXPECT_EQ(holder->credential->valid_from, at(0));
  EXPECT_EQ(holder->credential->valid_until, at(86'400));

  EXPECT_FALSE(directory.find_card({.facility = 13, .number = 1001}).has_value());
}

TEST(PeopleStore, ImportReplacesThePersonWithTheSameIdAndTheCredentialWithTheSameCard) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  store.import({person("alice", "Alice Ng", {"staff", "lab"}), person("bob", "Bob Roy", {})},
               {card(12, 1001, "alice")});
  store.import({person("alice", "Alice Ng-Roy", {"visitor"})}, {card(12, 1001, "bob")});

  EXPECT_EQ(store.count().people, 2u);
  EXPECT_EQ(store.count().credentials, 1u);
  auto directory = store.load();
  const auto* alice = directory.find_person(core::PersonId{"alice"});
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->name, "Alice Ng-Roy");
  EXPECT_EQ(alice->access_levels,
            (std::vector<core::AccessLevelId>{core::AccessLevelId{"visitor"}}));
  EXPECT_EQ(directory.find_card({.facility = 12, .number = 1001})->person->id,
            core::PersonId{"bob"});
}

TEST(PeopleStore, ReplacingAPersonKeepsTheirStoredCredentials) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  store.import({person("alice", "Alice", {})}, {card(12, 1001, "alice")});
  store.import({person("alice", "Alice", {"lab"})}, {});
  EXPECT_EQ(store.count().credentials, 1u);
}

TEST(PeopleStore, CredentialMayNameAPersonImportedEarlier) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  store.import({person("alice", "Alice", {})}, {});
  store.import({}, {card(12, 1001, "alice")});
  EXPECT_TRUE(store.load().find_card({.facility = 12, .number = 1001}).has_value());
}

TEST(PeopleStore, ImportIsAllOrNothing) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  store.import({person("alice", "Alice", {"staff"})}, {card(12, 1001, "alice")});

  // The last credential names nobody: the whole import, including the valid
  // rename of alice and the new person carol, must be refused.
  EXPECT_THROW(store.import({person("alice", "Renamed", {}), person("carol", "Carol", {})},
                            {card(12, 3003, "carol"), card(12, 4004, "nobody")}),
               JournalError);

  EXPECT_EQ(store.count().people, 1u);
  EXPECT_EQ(store.count().credentials, 1u);
  auto directory = store.load();
  EXPECT_EQ(directory.find_person(core::PersonId{"alice"})->name, "Alice");
  EXPECT_EQ(directory.find_person(core::PersonId{"alice"})->access_levels.size(), 1u);
  EXPECT_EQ(directory.find_person(core::PersonId{"carol"}), nullptr);
}

TEST(PeopleStore, RefusesAPersonWithAnEmptyId) {
  TempDir dir;
  PeopleStore store{dir.file("people.db")};
  EXPECT_THROW(store.import({person("", "No One", {})}, {}), JournalError);
  EXPECT_EQ(store.count().people, 0u);
}

TEST(PeopleStore, SharesAFileWithTheJournal) {
  TempDir dir;
  Journal journal{dir.file("vigil.db")};
  PeopleStore store{dir.file("vigil.db")};
  store.import({person("alice", "Alice", {})}, {card(12, 1001, "alice")});
  auto events = testing::sample_events(3);
  journal.append(events);
  EXPECT_EQ(store.count().people, 1u);
  EXPECT_TRUE(journal.verify().ok);
}

}  // namespace
}  // namespace vigil::journal
