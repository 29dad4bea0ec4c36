#include "vigil/journal/journal.hpp"

#include <gtest/gtest.h>

#include "journal_test_support.hpp"

namespace vigil::journal {
namespace {

using testing::at;
using testing::granted;
using testing::RawSql;
using testing::sample_events;
using testing::TempDir;

TEST(Journal, NewJournalIsEmptyWithTheGenesisHead) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  EXPECT_EQ(journal.last_seq(), 0u);
  EXPECT_EQ(journal.head_hash(), journal.genesis_hash());
  EXPECT_TRUE(journal.query({}).empty());
}

TEST(Journal, EachJournalHasARandomIdKeptAcrossReopen) {
  TempDir dir;
  std::string id = Journal{dir.file("a.db")}.journal_id();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(Journal{dir.file("a.db")}.journal_id(), id);
  EXPECT_NE(Journal{dir.file("b.db")}.journal_id(), id);
  EXPECT_EQ(
      RawSql{dir.file("a.db")}.text("SELECT value FROM journal_meta WHERE key = 'journal_id'"), id);
}

TEST(Journal, GenesisCommitsToTheJournalId) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  JournalIdBytes id{};
  ASSERT_TRUE(from_hex(journal.journal_id(), id));
  EXPECT_EQ(journal.genesis_hash(), genesis_hash(id));
  auto events = sample_events(1);
  journal.append(events);
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(raw.text("SELECT lower(hex(prev_hash)) FROM events WHERE seq = 1"),
            to_hex(journal.genesis_hash()));
}

TEST(Journal, TwoJournalsWithIdenticalEventsHaveDifferentHeads) {
  TempDir dir;
  Journal a{dir.file("a.db")};
  Journal b{dir.file("b.db")};
  auto first = sample_events(10);
  auto second = sample_events(10);
  a.append(first);
  b.append(second);
  EXPECT_NE(a.head_hash(), b.head_hash());
  EXPECT_NE(a.hash_at(1), b.hash_at(1));
  EXPECT_TRUE(a.verify().ok);
  EXPECT_TRUE(b.verify().ok);
}

TEST(Journal, HashAtIsTheStoredHashOfThatRow) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  auto events = sample_events(5);
  journal.append(events);
  ASSERT_TRUE(journal.hash_at(5).has_value());
  EXPECT_EQ(*journal.hash_at(5), journal.head_hash());
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(to_hex(*journal.hash_at(2)),
            raw.text("SELECT lower(hex(hash)) FROM events WHERE seq = 2"));
  EXPECT_FALSE(journal.hash_at(0).has_value());
  EXPECT_FALSE(journal.hash_at(6).has_value());
}

TEST(Journal, OpensInWalModeWithTheCurrentSchemaVersion) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.integer("PRAGMA user_version"), 2);
  EXPECT_EQ(raw.integer("PRAGMA page_size"), 8192);
}

TEST(Journal, AppendAssignsConsecutiveSeqsInPlace) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  auto events = sample_events(3);
  journal.append(events);
  EXPECT_EQ(events[0].seq, 1u);
  EXPECT_EQ(events[1].seq, 2u);
  EXPECT_EQ(events[2].seq, 3u);
  EXPECT_EQ(journal.last_seq(), 3u);
}

TEST(Journal, SeqsContinueAcrossReopen) {
  TempDir dir;
  {
    Journal journal{dir.file("j.db")};
    auto events = sample_events(5);
    journal.append(events);
  }
  Journal reopened{dir.file("j.db")};
  EXPECT_EQ(reopened.last_seq(), 5u);
  auto more = sample_events(2);
  reopened.append(more);
  EXPECT_EQ(more[0].seq, 6u);
  EXPECT_EQ(more[1].seq, 7u);
  EXPECT_TRUE(reopened.verify().ok);
}

TEST(Journal, EventsSurviveReopenWithEveryField) {
  TempDir dir;
  core::Event denied;
  denied.time = core::from_unix_micros(1'772'438'400'123'456);
  denied.kind = core::EventKind::access_denied;
  denied.reason = core::DenyReason::outside_schedule;
  denied.door = core::DoorId{"north-door"};
  denied.reader = core::ReaderId{"north-in"};
  denied.zone = core::ZoneId{"Lab Ω"};  // UTF-8 passes through untouched
  denied.person = core::PersonId{"p-17"};
  denied.device = core::DeviceId{"io-2"};
  denied.card = core::CardNumber{.facility = 255, .number = 18'446'744'073'709'551'615u};
  denied.detail = "after hours";
  core::set_attr(denied.attrs, "attempt", std::int64_t{-3});
  core::set_attr(denied.attrs, "lockout", true);
  core::set_attr(denied.attrs, "note", std::string{"Tür ☂"});
  core::Event started;  // every optional field absent
  started.time = core::from_unix_micros(-5);
  started.kind = core::EventKind::daemon_started;
  std::vector<core::Event> events{denied, started};
  {
    Journal journal{dir.file("j.db")};
    journal.append(events);
  }
  auto stored = Journal{dir.file("j.db")}.query({});
  ASSERT_EQ(stored.size(), 2u);
  const auto& d = stored[0];
  EXPECT_EQ(d.seq, 1u);
  EXPECT_EQ(d.time, denied.time);
  EXPECT_EQ(d.kind, denied.kind);
  EXPECT_EQ(d.reason, denied.reason);
  EXPECT_EQ(d.door, denied.door);
  EXPECT_EQ(d.reader, denied.reader);
  EXPECT_EQ(d.zone, denied.zone);
  EXPECT_EQ(d.person, denied.person);
  EXPECT_EQ(d.device, denied.device);
  EXPECT_EQ(d.card, denied.card);
  EXPECT_EQ(d.detail, denied.detail);
  EXPECT_EQ(d.attrs, denied.attrs);
  const auto& s = stored[1];
  EXPECT_EQ(s.seq, 2u);
  EXPECT_EQ(s.time, started.time);
  EXPECT_FALSE(s.door || s.reader || s.zone || s.person || s.device || s.card);
  EXPECT_EQ(s.detail, "");
  EXPECT_TRUE(s.attrs.empty());
}

TEST(Journal, StoresAbsentFieldsAsNullAndCardAsFacilityColonNumber) {
  TempDir dir;
  {
    Journal journal{dir.file("j.db")};
    std::vector<core::Event> events{granted(0, "p-1", "d1", "lab")};
    journal.append(events);
  }
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(raw.text("SELECT card FROM events WHERE seq = 1"), "12:1000");
  EXPECT_EQ(raw.integer("SELECT device_id IS NULL FROM events WHERE seq = 1"), 1);
  EXPECT_EQ(raw.integer("SELECT attrs IS NULL FROM events WHERE seq = 1"), 1);
  EXPECT_EQ(raw.integer("SELECT length(hash) FROM events WHERE seq = 1"), 32);
  EXPECT_EQ(raw.text("SELECT n.text FROM events e JOIN names n ON n.id = e.person_id"), "p-1");
  EXPECT_EQ(raw.text("SELECT typeof(person_id) FROM events WHERE seq = 1"), "integer");
}

// A name is stored once: a writer whose cache has never seen a name that
// another connection stored uses that row's id, and new names take the
// next ids in order (an ignored insert uses no id).
TEST(Journal, ANameStoredByAnotherWriterKeepsItsIdAndNewNamesTakeTheNextOnes) {
  TempDir dir;
  {
    Journal first{dir.file("j.db")};
    std::vector<core::Event> events{granted(0, "p-1", "d1", "lab")};
    first.append(events);
  }
  RawSql raw{dir.file("j.db")};
  const auto p1 = raw.integer("SELECT id FROM names WHERE text = 'p-1'");
  const auto names_before = raw.integer("SELECT max(id) FROM names");
  {
    Journal second{dir.file("j.db")};
    std::vector<core::Event> events{granted(1, "p-1", "d1", "lab"), granted(2, "p-2", "d1", "lab")};
    second.append(events);
    EXPECT_TRUE(second.verify().ok);
  }
  EXPECT_EQ(raw.integer("SELECT person_id FROM events WHERE seq = 2"), p1);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM names WHERE text = 'p-1'"), 1);
  EXPECT_EQ(raw.integer("SELECT id FROM names WHERE text = 'p-2'"), names_before + 1);
  EXPECT_EQ(raw.integer("SELECT max(id) FROM names"), names_before + 1);
}

TEST(Journal, HeadHashIsTheLastRowsHash) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  auto events = sample_events(4);
  journal.append(events);
  RawSql raw{dir.file("j.db")};
  EXPECT_EQ(to_hex(journal.head_hash()),
            raw.text("SELECT lower(hex(hash)) FROM events WHERE seq = 4"));
}

TEST(Journal, AppendingNothingChangesNothing) {
  TempDir dir;
  Journal journal{dir.file("j.db")};
  std::vector<core::Event> none;
  journal.append(none);
  EXPECT_EQ(journal.last_seq(), 0u);
}

TEST(Journal, TwoConnectionsAppendingInTurnKeepOneChain) {
  // vigilctl and the daemon may both append (e.g. an operator note): each
  // append chains from the head it reads inside its own write transaction.
  TempDir dir;
  Journal first{dir.file("j.db")};
  Journal second{dir.file("j.db")};
  for (int round = 0; round < 3; ++round) {
    auto a = sample_events(2);
    first.append(a);
    auto b = sample_events(3);
    second.append(b);
  }
  EXPECT_EQ(first.last_seq(), 15u);
  auto result = first.verify();
  EXPECT_TRUE(result.ok) << result.message;
}

TEST(Journal, FailedAppendLeavesTheFileAndTheEventsUnchanged) {
  TempDir dir;
  {
    Journal journal{dir.file("j.db")};
    auto events = sample_events(3);
    journal.append(events);
  }
  // A size cap at the current size makes the next page allocation fail
  // exactly as a full disk does.
  Journal journal{dir.file("j.db"), JournalOptions{.max_size_bytes = 1}};
  auto events = sample_events(2000);
  try {
    journal.append(events);
    FAIL() << "append past the size cap succeeded";
  } catch (const JournalError& error) {
    EXPECT_TRUE(error.is_disk_full()) << error.what();
  }
  EXPECT_EQ(events[0].seq, 0u);
  EXPECT_EQ(journal.last_seq(), 3u);
  EXPECT_TRUE(journal.verify().ok);
}

TEST(Journal, RefusesAFileFromANewerSchema) {
  TempDir dir;
  { Journal journal{dir.file("j.db")}; }
  RawSql{dir.file("j.db")}.exec("PRAGMA user_version = 99");
  EXPECT_THROW(Journal{dir.file("j.db")}, JournalError);
}

TEST(Journal, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  {
    std::FILE* f = std::fopen(dir.file("j.db").c_str(), "w");
    std::fputs("this is not an SQLite database, it is a shopping list of sorts....", f);
    std::fclose(f);
  }
  EXPECT_THROW(Journal{dir.file("j.db")}, JournalError);
}

}  // namespace
}  // namespace vigil::journal
