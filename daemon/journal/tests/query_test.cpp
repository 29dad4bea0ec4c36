#include <gtest/gtest.h>

#include <algorithm>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::at;
using testing::door_event;
using testing::granted;
using testing::TempDir;

std::vector<std::uint64_t> seqs(const std::vector<core::Event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

// A morning at two doors: seq 1..8.
class JournalQuery : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<core::Event> events{
        granted(0, "alice", "lab-door", "lab"),                      // 1
        door_event(5, core::EventKind::door_opened, "lab-door"),     // 2
        granted(60, "bob", "vault-door", "vault"),                   // 3
        door_event(65, core::EventKind::door_forced, "vault-door"),  // 4
        granted(120, "alice", "vault-door", "vault"),                // 5
        door_event(125, core::EventKind::door_closed, "lab-door"),   // 6
        granted(180, "bob", "lab-door", "lab"),                      // 7
        granted(240, "alice", "lab-door", "lab"),                    // 8
    };
    events[5].zone = core::ZoneId{"lab"};
    journal_.append(events);
  }
  TempDir dir_;
  Journal journal_{dir_.file("j.db")};
};

TEST_F(JournalQuery, EmptyFilterReturnsEverythingInSeqOrder) {
  EXPECT_EQ(seqs(journal_.query({})), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_F(JournalQuery, ByPerson) {
  auto rows = journal_.query({.person = core::PersonId{"alice"}});
  EXPECT_EQ(seqs(rows), (std::vector<std::uint64_t>{1, 5, 8}));
  EXPECT_TRUE(std::all_of(rows.begin(), rows.end(),
                          [](const auto& e) { return e.person == core::PersonId{"alice"}; }));
}

TEST_F(JournalQuery, ByZone) {
  EXPECT_EQ(seqs(journal_.query({.zone = core::ZoneId{"vault"}})),
            (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(seqs(journal_.query({.zone = core::ZoneId{"lab"}})),
            (std::vector<std::uint64_t>{1, 6, 7, 8}));
}

TEST_F(JournalQuery, ByDoor) {
  EXPECT_EQ(seqs(journal_.query({.door = core::DoorId{"vault-door"}})),
            (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST_F(JournalQuery, ByTimeRangeFromInclusiveToExclusive) {
  EXPECT_EQ(seqs(journal_.query({.from = at(60), .to = at(180)})),
            (std::vector<std::uint64_t>{3, 4, 5, 6}));
}

TEST_F(JournalQuery, ByKinds) {
  EXPECT_EQ(
      seqs(journal_.query({.kinds = {core::EventKind::door_forced, core::EventKind::door_closed}})),
      (std::vector<std::uint64_t>{4, 6}));
}

TEST_F(JournalQuery, CombinesPersonZoneAndTimeRange) {
  EXPECT_EQ(seqs(journal_.query(
                {.person = core::PersonId{"alice"}, .zone = core::ZoneId{"lab"}, .from = at(1)})),
            (std::vector<std::uint64_t>{8}));
}

TEST_F(JournalQuery, LimitAndAfterSeqPageThroughResults) {
  Filter page{.door = core::DoorId{"lab-door"}, .limit = 2};
  EXPECT_EQ(seqs(journal_.query(page)), (std::vector<std::uint64_t>{1, 2}));
  page.after_seq = 2;
  EXPECT_EQ(seqs(journal_.query(page)), (std::vector<std::uint64_t>{6, 7}));
  page.after_seq = 7;
  EXPECT_EQ(seqs(journal_.query(page)), (std::vector<std::uint64_t>{8}));
}

TEST_F(JournalQuery, ZeroLimitReturnsNothing) {
  EXPECT_TRUE(journal_.query({.limit = 0}).empty());
}

TEST_F(JournalQuery, NoMatchReturnsNothing) {
  EXPECT_TRUE(journal_.query({.person = core::PersonId{"mallory"}}).empty());
  EXPECT_TRUE(journal_.query({.from = at(1000)}).empty());
}

TEST_F(JournalQuery, SeesRowsAppendedByAnotherConnection) {
  Journal reader{dir_.file("j.db")};
  std::vector<core::Event> more{granted(300, "carol", "lab-door", "lab")};
  journal_.append(more);
  auto rows = reader.query({.person = core::PersonId{"carol"}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 9u);
}

}  // namespace
}  // namespace vigil::journal

namespace vigil::journal {
namespace {

bool scans_the_table(const std::vector<std::string>& plan) {
  return std::any_of(plan.begin(), plan.end(),
                     [](const std::string& step) { return step.rfind("SCAN events", 0) == 0; });
}

std::string joined(const std::vector<std::string>& plan) {
  std::string out;
  for (const auto& step : plan) out += step + "; ";
  return out;
}

TEST(JournalQueryPlan, PersonDoorZoneAndTimeQueriesSearchAnIndexNeverTheTable) {
  testing::TempDir dir;
  Journal journal{dir.file("j.db")};
  auto events = testing::sample_events(40);
  journal.append(events);
  const auto t0 = testing::at(3);
  const auto t1 = testing::at(30);
  const struct {
    const char* what;
    Filter filter;
  } cases[] = {
      {"person", {.person = core::PersonId{"p-1"}}},
      {"person and time", {.person = core::PersonId{"p-1"}, .from = t0, .to = t1}},
      {"person, paged", {.person = core::PersonId{"p-1"}, .after_seq = 10, .limit = 5}},
      {"person and kind",
       {.person = core::PersonId{"p-1"}, .kinds = {core::EventKind::access_granted}}},
      {"door", {.door = core::DoorId{"d1"}}},
      {"door and time", {.door = core::DoorId{"d1"}, .from = t0}},
      {"zone", {.zone = core::ZoneId{"lab"}, .limit = 10}},
      {"since", {.from = t0}},
      {"until", {.to = t1}},
      {"time window and kind", {.from = t0, .to = t1, .kinds = {core::EventKind::door_opened}}},
  };
  for (const auto& c : cases) {
    auto plan = journal.query_plan(c.filter);
    EXPECT_FALSE(plan.empty()) << c.what;
    EXPECT_FALSE(scans_the_table(plan)) << c.what << ": " << joined(plan);
  }
  // Which index each time range is searched on: query_index_test.cpp.
}

TEST(JournalQueryZone, FindsRowsThroughTheirDoorAndRowsWithoutADoor) {
  testing::TempDir dir;
  Journal journal{dir.file("j.db")};
  std::vector<core::Event> events{
      testing::granted(0, "alice", "lab-door", "lab"),                   // 1
      testing::door_event(5, core::EventKind::door_opened, "lab-door"),  // 2: no zone
      testing::granted(10, "bob", "vault-door", "vault"),                // 3
      testing::granted(20, "carol", "side-door", "lab"),                 // 4: a second lab door
  };
  core::Event zone_only;  // a zone-level event with no door
  zone_only.time = testing::at(30);
  zone_only.kind = core::EventKind::door_held_open;
  zone_only.zone = core::ZoneId{"lab"};
  events.push_back(zone_only);                                           // 5
  events.push_back(testing::granted(40, "alice", "vault-door", "lab"));  // 6: door moved zone
  journal.append(events);
  EXPECT_EQ(seqs(journal.query({.zone = core::ZoneId{"lab"}})),
            (std::vector<std::uint64_t>{1, 4, 5, 6}));
  EXPECT_EQ(seqs(journal.query({.zone = core::ZoneId{"lab"}, .after_seq = 1, .limit = 2})),
            (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(seqs(journal.query({.zone = core::ZoneId{"vault"}})), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(seqs(journal.query(
                {.zone = core::ZoneId{"lab"}, .kinds = {core::EventKind::door_held_open}})),
            (std::vector<std::uint64_t>{5}));
}

TEST(JournalQueryPlan, ANameNeverStoredNeedsNoQueryAtAll) {
  testing::TempDir dir;
  Journal journal{dir.file("j.db")};
  EXPECT_TRUE(journal.query_plan({.person = core::PersonId{"nobody"}}).empty());
  EXPECT_TRUE(journal.query({.person = core::PersonId{"nobody"}}).empty());
}

}  // namespace
}  // namespace vigil::journal
