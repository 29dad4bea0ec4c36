// Roster::import_stream is import() read in batches: for every kind of
// change an import makes, both journal the same events, in the same order,
// and leave the same roster.
#include <gtest/gtest.h>

#include <algorithm>

#include "journal_test_support.hpp"
#include "roster_test_support.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace {

using testing::at;
using testing::card;
using testing::described;
using testing::file;
using testing::person;
using testing::stream_of;
using testing::TempDir;

struct StreamCase {
  const char* name;
  std::vector<RosterFile> before;  // imported first, the same way into both files
  RosterFile imported;
};

std::vector<StreamCase> stream_cases() {
  using std::vector;
  const auto two = file({person("p1", "Anna", {"staff", "lab"}), person("p2", "Ben", {})},
                        {card(12, 1001, "p1"), card(12, 1002, "p2")});
  return {
      {"new people", {}, two},
      {"same file again", {two}, two},
      {"changed name, levels and activity",
       {two},
       file({person("p1", "Anna B.", {"lab"}), person("p2", "Ben", {}, false)},
            {card(12, 1001, "p1"), card(12, 1002, "p2")})},
      {"changed card revokes the old one",
       {two},
       file({person("p1", "Anna", {"staff", "lab"})}, {card(12, 2001, "p1")})},
      {"card moves to another person",
       {two},
       file({person("p1", "Anna", {"staff", "lab"}), person("p3", "Cleo", {})},
            {card(12, 5001, "p1"), card(12, 1002, "p3")})},
      {"replace deactivates the absent",
       {two},
       file({person("p3", "Cleo", {})}, {card(12, 3001, "p3")}, /*replace=*/true)},
      // The planner finds a row's card by holder id in a sorted list.
      {"rows not in id order",
       {two},
       file({person("p4", "Dan", {}), person("p2", "Ben", {"lab"}), person("p3", "Cleo", {}),
             person("p1", "Anna", {"staff", "lab"})},
            {card(12, 4001, "p4"), card(12, 2002, "p2"), card(12, 1001, "p3"),
             card(12, 1003, "p1")})},
  };
}

TEST(RosterStream, JournalsTheSameEventsAndRosterAsAWholeFileImportInAnyBatchSize) {
  for (const auto& c : stream_cases()) {
    for (std::size_t batch : {std::size_t{1}, std::size_t{2}, std::size_t{100}}) {
      SCOPED_TRACE(std::string(c.name) + ", batch " + std::to_string(batch));
      TempDir dir;
      Roster whole(dir.file("whole.db"), "alice-admin");
      Roster streamed(dir.file("streamed.db"), "alice-admin");
      for (const auto& earlier : c.before) {
        whole.import(earlier, at(0));
        streamed.import(earlier, at(0));
      }
      const auto expected = whole.import(c.imported, at(60));
      const auto got = streamed.import_stream(stream_of(c.imported, batch), at(60));
      ASSERT_EQ(got.events.size(), 1u);
      EXPECT_EQ(core::describe(got.events.front()), core::describe(expected.events.front()));
      EXPECT_EQ(got.last_seq, expected.events.back().seq);
      EXPECT_EQ(got.version, expected.version);
      EXPECT_EQ(described(streamed.journal()), described(whole.journal()));
      EXPECT_TRUE(streamed.journal().verify().ok);
      const auto a = whole.store().list_people();
      const auto b = streamed.store().list_people();
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].id, b[i].id);
        EXPECT_EQ(a[i].active, b[i].active);
        EXPECT_EQ(a[i].name, b[i].name);
      }
      for (const auto& p : a) {
        const auto ra = whole.store().find_person(p.id);
        const auto rb = streamed.store().find_person(p.id);
        ASSERT_EQ(ra->cards.size(), rb->cards.size());
        for (std::size_t i = 0; i < ra->cards.size(); ++i) {
          EXPECT_EQ(ra->cards[i].credential.card, rb->cards[i].credential.card);
          EXPECT_EQ(ra->cards[i].credential.active, rb->cards[i].credential.active);
          EXPECT_EQ(ra->cards[i].revoked, rb->cards[i].revoked);
        }
      }
    }
  }
}

TEST(RosterStream, ARevokedCardAnywhereInTheFileRefusesTheWholeImport) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  roster.import(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), at(0));
  roster.revoke_card({12, 1001}, at(1));
  const auto before = roster.journal().last_seq();
  std::vector<core::Person> people;
  std::vector<core::Credential> cards;
  for (int i = 0; i < 50; ++i) {
    people.push_back(person("q" + std::to_string(i), "Q", {}));
    cards.push_back(card(13, static_cast<std::uint64_t>(i), "q" + std::to_string(i)));
  }
  people.push_back(person("p1", "Anna", {}));
  cards.push_back(card(12, 1001, "p1"));  // the last row lists the revoked card
  EXPECT_THROW(roster.import_stream(stream_of(file(people, cards), 7), at(2)), JournalError);
  EXPECT_EQ(roster.journal().last_seq(), before);
  EXPECT_EQ(roster.store().count().people, 1u);
}

TEST(RosterStream, AFileThatChangedBetweenItsReadsImportsNothing) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  // A stored person, so the import reads the file twice (counting, then
  // writing); into an empty store it reads once (roster_bulk_test.cpp).
  roster.import(file({person("p0", "Zoe", {})}, {card(12, 1000, "p0")}), at(0));
  auto changed = stream_of(file({person("p1", "Anna", {})}, {card(12, 1001, "p1")}), 10);
  int reads = 0;
  auto read = changed.read;
  changed.read = [&](const RosterStream::Batch& to) {
    auto sha = read(to);
    return ++reads == 2 ? std::string{"another"} : sha;
  };
  EXPECT_THROW(roster.import_stream(changed, at(1)), JournalError);
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(roster.journal().last_seq(), 2u);  // roster_imported and p0's person_added
  EXPECT_EQ(roster.store().count().people, 1u);
}

}  // namespace
}  // namespace vigil::journal
