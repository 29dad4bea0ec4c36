// Roster::import_stream with many batches (s23-import): its second read is
// planned on one thread and written on another, and a first import into an
// empty store skips the counting read. The journal and the roster must be
// what import() makes of the same file, and a refusal or a failed write on
// either thread must leave nothing behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

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

// Rows first..last-1 as people p<i> with one card each, some with two levels,
// a clearance, an inactive flag or a validity, so every attr kind is written.
RosterFile sheet(int first, int last, const std::string& name_prefix = "Person ") {
  std::vector<core::Person> people;
  std::vector<core::Credential> cards;
  for (int i = first; i < last; ++i) {
    const auto id = "p" + std::to_string(100000 + i);
    auto p = person(
        id, name_prefix + std::to_string(i),
        i % 3 == 0 ? std::vector<std::string>{"staff", "lab"} : std::vector<std::string>{"staff"},
        /*active=*/i % 7 != 0);
    if (i % 5 == 0) p.clearance.level = core::ClearanceLevel::secret;
    people.push_back(p);
    auto c = card(12, static_cast<std::uint64_t>(i), id);
    if (i % 4 == 0) c.valid_until = at(86400);
    cards.push_back(c);
  }
  return file(std::move(people), std::move(cards));
}

void expect_same_roster(Roster& a, Roster& b) {
  const auto pa = a.store().list_people();
  const auto pb = b.store().list_people();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].id, pb[i].id);
    EXPECT_EQ(pa[i].name, pb[i].name);
    EXPECT_EQ(pa[i].active, pb[i].active);
    const auto ra = a.store().find_person(pa[i].id);
    const auto rb = b.store().find_person(pa[i].id);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->person.access_levels, rb->person.access_levels);
    EXPECT_EQ(ra->person.clearance, rb->person.clearance);
    ASSERT_EQ(ra->cards.size(), rb->cards.size());
    for (std::size_t j = 0; j < ra->cards.size(); ++j) {
      EXPECT_EQ(ra->cards[j].credential.card, rb->cards[j].credential.card);
      EXPECT_EQ(ra->cards[j].credential.active, rb->cards[j].credential.active);
      EXPECT_EQ(ra->cards[j].credential.valid_until, rb->cards[j].credential.valid_until);
      EXPECT_EQ(ra->cards[j].revoked, rb->cards[j].revoked);
    }
  }
}

// The streamed import's summary, journal and roster are the whole file's.
void expect_same_import(Roster& whole, const RosterChange& expected, Roster& streamed,
                        const RosterChange& got) {
  EXPECT_EQ(core::describe(got.events.front()), core::describe(expected.events.front()));
  EXPECT_EQ(got.last_seq, expected.events.back().seq);
  EXPECT_EQ(described(streamed.journal()), described(whole.journal()));
  EXPECT_TRUE(streamed.journal().verify().ok);
  expect_same_roster(whole, streamed);
}

TEST(RosterBulk, AFirstImportOfManyBatchesJournalsAndStoresWhatAWholeFileImportDoes) {
  TempDir dir;
  Roster whole(dir.file("whole.db"), "alice-admin");
  Roster streamed(dir.file("streamed.db"), "alice-admin");
  const auto rows = sheet(0, 2500);
  const auto expected = whole.import(rows, at(60));
  // 25 batches: the planning thread runs ahead of the writer and waits.
  const auto got = streamed.import_stream(stream_of(rows, 100), at(60));
  EXPECT_EQ(got.last_seq, 2501u);
  expect_same_import(whole, expected, streamed, got);
}

TEST(RosterBulk, AnImportOverAStoredRosterJournalsAndStoresWhatAWholeFileImportDoes) {
  TempDir dir;
  Roster whole(dir.file("whole.db"), "alice-admin");
  Roster streamed(dir.file("streamed.db"), "alice-admin");
  whole.import(sheet(0, 1500), at(0));
  streamed.import_stream(stream_of(sheet(0, 1500), 64), at(0));
  // Half of the rows are stored people renamed, half are new.
  const auto rows = sheet(750, 2250, "Renamed ");
  const auto expected = whole.import(rows, at(60));
  const auto got = streamed.import_stream(stream_of(rows, 64), at(60));
  expect_same_import(whole, expected, streamed, got);
}

TEST(RosterBulk, ARowRefusedOnThePlanningThreadOfAFirstImportLeavesNothing) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  auto rows = sheet(0, 3000);
  rows.credentials[2345].person = core::PersonId{"someone-else"};  // row 2,346's card
  EXPECT_THROW(roster.import_stream(stream_of(rows, 100), at(0)), JournalError);
  EXPECT_EQ(roster.journal().last_seq(), 0u);
  EXPECT_EQ(roster.store().count().people, 0u);
  EXPECT_EQ(roster.store().count().credentials, 0u);
  // The store is usable afterwards: the same file without the mistake imports.
  rows.credentials[2345].person = rows.people[2345].id;
  EXPECT_EQ(roster.import_stream(stream_of(rows, 100), at(1)).last_seq, 3001u);
}

TEST(RosterBulk, AStagedRowThatFailsLeavesNothing) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  auto rows = sheet(0, 3000);
  // A card on two rows (the CLI's check pass refuses this; here it reaches
  // SQLite): its second insert fails while people are being staged.
  rows.credentials[150].card = rows.credentials[10].card;
  EXPECT_THROW(roster.import_stream(stream_of(rows, 10), at(0)), std::exception);
  EXPECT_EQ(roster.journal().last_seq(), 0u);
  EXPECT_EQ(roster.store().count().people, 0u);
  // No staging file is left beside the journal.
  for (const auto& entry :
       std::filesystem::directory_iterator(dir.file("vigil.db").parent_path())) {
    EXPECT_EQ(entry.path().string().find(".import-"), std::string::npos) << entry.path();
  }
}

TEST(RosterBulk, APersonListedTwiceThatReachesTheStagingFileLeavesNothing) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  auto rows = sheet(0, 3000);
  // The CLI's check pass refuses this; here the second row of p100010
  // reaches the staging file inside a statement of many rows (s26-import),
  // whose failure must end the import like a one-row insert's did.
  rows.people[1500].id = rows.people[10].id;
  rows.credentials[1500].person = rows.people[10].id;
  EXPECT_THROW(roster.import_stream(stream_of(rows, 1000), at(0)), std::exception);
  EXPECT_EQ(roster.journal().last_seq(), 0u);
  EXPECT_EQ(roster.store().count().people, 0u);
  EXPECT_EQ(roster.store().count().credentials, 0u);
  EXPECT_TRUE(roster.journal().verify().ok);
  // The store takes the corrected file afterwards.
  rows.people[1500].id = core::PersonId{"p101500"};
  rows.credentials[1500].person = rows.people[1500].id;
  EXPECT_EQ(roster.import_stream(stream_of(rows, 1000), at(1)).last_seq, 3001u);
  EXPECT_EQ(roster.store().count().people, 3000u);
}

TEST(RosterBulk, AWriteThatFailsStopsThePlanningThreadAndLeavesNothing) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  roster.import(file({person("p0", "Zoe", {})}, {card(12, 99999, "p0")}), at(0));
  const auto before = roster.journal().last_seq();
  auto rows = sheet(0, 3000);
  // A stored person: rows are written by the writing thread, whose second
  // INSERT of the card fails while the planning thread waits to hand over
  // the batches after it.
  rows.credentials[150].card = rows.credentials[10].card;
  EXPECT_THROW(roster.import_stream(stream_of(rows, 10), at(1)), std::exception);
  EXPECT_EQ(roster.journal().last_seq(), before);
  EXPECT_EQ(roster.store().count().people, 1u);
  EXPECT_TRUE(roster.journal().verify().ok);
}

TEST(RosterBulk, AFileChangedBeforeItsOnlyReadIntoAnEmptyStoreImportsNothing) {
  TempDir dir;
  Roster roster(dir.file("vigil.db"), "alice-admin");
  auto changed = stream_of(sheet(0, 500), 100);
  auto read = changed.read;
  int reads = 0;
  changed.read = [&](const RosterStream::Batch& to) {
    ++reads;
    read(to);
    return std::string{"another"};
  };
  EXPECT_THROW(roster.import_stream(changed, at(0)), JournalError);
  EXPECT_EQ(reads, 1);  // an empty store: the counts need no read
  EXPECT_EQ(roster.journal().last_seq(), 0u);
  EXPECT_EQ(roster.store().count().people, 0u);
}

}  // namespace
}  // namespace vigil::journal
