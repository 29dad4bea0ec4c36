// The filters an inspector combines (issue 10, item 3): credential, kind,
// reason with the older person, door, zone and time; every combination's plan
// searches an index; unknown names are named with a suggestion.
#include <gtest/gtest.h>

#include <algorithm>

#include "journal_test_support.hpp"
#include "vigil/journal/filter_check.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace query_filter_test {

using testing::at;
using testing::granted;

std::vector<std::uint64_t> seqs(const std::vector<core::Event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

core::Event denied(std::int64_t second, const std::string& door, core::DenyReason reason,
                   std::uint64_t card) {
  core::Event event;
  event.time = at(second);
  event.kind = core::EventKind::access_denied;
  event.reason = reason;
  event.door = core::DoorId{door};
  event.reader = core::ReaderId{door + "-in"};
  event.zone = core::ZoneId{door == "vault-door" ? "vault" : "lab"};
  event.card = core::CardNumber{.facility = 12, .number = card};
  return event;
}

core::CardNumber card(std::uint64_t number) {
  return core::CardNumber{.facility = 12, .number = number};
}

class QueryFilter : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<core::Event> events{
        granted(0, "alice", "lab-door", "lab"),                                 // 1: card 1000
        denied(10, "vault-door", core::DenyReason::unknown_card, 7777),         // 2
        denied(20, "vault-door", core::DenyReason::outside_schedule, 1000),     // 3
        granted(30, "bob", "vault-door", "vault"),                              // 4: card 1030
        denied(40, "lab-door", core::DenyReason::unknown_card, 7777),           // 5
        denied(50, "vault-door", core::DenyReason::inactive_credential, 1030),  // 6
    };
    journal_.append(events);
  }
  testing::TempDir dir_;
  Journal journal_{dir_.file("j.db")};
};

TEST_F(QueryFilter, ByCredentialFindsGrantsAndDenialsOfThatCard) {
  EXPECT_EQ(seqs(journal_.query({.card = card(7777)})), (std::vector<std::uint64_t>{2, 5}));
  EXPECT_EQ(seqs(journal_.query({.card = card(1000)})), (std::vector<std::uint64_t>{1, 3}));
}

TEST_F(QueryFilter, ByReasonAndKind) {
  EXPECT_EQ(seqs(journal_.query({.reasons = {core::DenyReason::unknown_card}})),
            (std::vector<std::uint64_t>{2, 5}));
  EXPECT_EQ(seqs(journal_.query({.reasons = {core::DenyReason::unknown_card,
                                             core::DenyReason::inactive_credential}})),
            (std::vector<std::uint64_t>{2, 5, 6}));
  EXPECT_EQ(seqs(journal_.query({.kinds = {core::EventKind::access_granted}})),
            (std::vector<std::uint64_t>{1, 4}));
}

TEST_F(QueryFilter, CombinesEveryFieldAndPages) {
  EXPECT_EQ(seqs(journal_.query({.zone = core::ZoneId{"vault"},
                                 .door = core::DoorId{"vault-door"},
                                 .from = at(10),
                                 .to = at(50),
                                 .kinds = {core::EventKind::access_denied}})),
            (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(seqs(journal_.query({.card = card(7777),
                                 .kinds = {core::EventKind::access_denied},
                                 .reasons = {core::DenyReason::unknown_card},
                                 .after_seq = 2,
                                 .limit = 5})),
            (std::vector<std::uint64_t>{5}));
  Filter page{.kinds = {core::EventKind::access_denied}, .limit = 3};
  EXPECT_EQ(seqs(journal_.query(page)), (std::vector<std::uint64_t>{2, 3, 5}));
  page.after_seq = 5;
  EXPECT_EQ(seqs(journal_.query(page)), (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(seqs(journal_.query({.person = core::PersonId{"bob"}, .card = card(1030)})),
            (std::vector<std::uint64_t>{4}));
}

TEST_F(QueryFilter, AReasonNeverStoredMatchesNothing) {
  EXPECT_TRUE(journal_.query({.reasons = {core::DenyReason::person_suspended}}).empty());
}

bool scans_the_table(const std::vector<std::string>& plan) {
  return std::any_of(plan.begin(), plan.end(),
                     [](const std::string& step) { return step.rfind("SCAN events", 0) == 0; });
}

TEST_F(QueryFilter, EveryCombinationOfFiltersSearchesAnIndex) {
  // Every non-empty subset of the seven fields, each with and without paging.
  for (unsigned mask = 1; mask < (1u << 7); ++mask) {
    for (bool paged : {false, true}) {
      Filter f;
      if (mask & 1u) f.person = core::PersonId{"alice"};
      if (mask & 2u) f.card = card(1000);
      if (mask & 4u) f.door = core::DoorId{"lab-door"};
      if (mask & 8u) f.zone = core::ZoneId{"lab"};
      if (mask & 16u) f.kinds = {core::EventKind::access_granted, core::EventKind::access_denied};
      if (mask & 32u) f.reasons = {core::DenyReason::none};
      if (mask & 64u) f.from = at(5), f.to = at(40);
      if (paged) f.after_seq = 1, f.limit = 10;
      auto plan = journal_.query_plan(f);
      std::string text;
      for (const auto& step : plan) text += step + "; ";
      EXPECT_FALSE(plan.empty()) << describe_filter(f);
      EXPECT_FALSE(scans_the_table(plan)) << describe_filter(f) << ": " << text;
    }
  }
}

TEST_F(QueryFilter, UnknownNamesAreNamedWithTheClosestKnownOne) {
  struct Case {
    Filter filter;
    const char* message;
  } cases[] = {
      {{.person = core::PersonId{"alcie"}}, "unknown person 'alcie' (did you mean 'alice'?)"},
      {{.person = core::PersonId{"zzzzzzzz"}}, "unknown person 'zzzzzzzz'"},
      {{.card = card(7778)}, "unknown card '12:7778' (did you mean '12:7777'?)"},
      {{.door = core::DoorId{"vault-dor"}},
       "unknown door 'vault-dor' (did you mean 'vault-door'?)"},
      {{.zone = core::ZoneId{"vaultt"}}, "unknown zone 'vaultt' (did you mean 'vault'?)"},
      {{.zone = core::ZoneId{"lab-door"}}, "unknown zone 'lab-door'"},  // a door is no zone
  };
  for (const auto& c : cases) {
    auto unknown = find_unknown_name(journal_, c.filter);
    ASSERT_TRUE(unknown) << c.message;
    EXPECT_EQ(unknown->message(), c.message);
  }
  EXPECT_FALSE(find_unknown_name(
      journal_,
      {.person = core::PersonId{"bob"}, .zone = core::ZoneId{"lab"}, .card = card(7777)}));
}

TEST(QueryFilterNames, KindsAndReasonsSuggestTheNearestName) {
  EXPECT_EQ(parse_kind("access_granted").kind, core::EventKind::access_granted);
  EXPECT_EQ(parse_kind("acess_granted").unknown->message(),
            "unknown kind 'acess_granted' (did you mean 'access_granted'?)");
  EXPECT_EQ(parse_reason("unknown_crd").unknown->message(),
            "unknown reason 'unknown_crd' (did you mean 'unknown_card'?)");
  EXPECT_EQ(parse_reason("none").reason, core::DenyReason::none);
}

TEST(QueryFilterNames, DescribesAFilterInAFixedOrder) {
  EXPECT_EQ(describe_filter({}), "");
  EXPECT_EQ(describe_filter({.person = core::PersonId{"p-17"},
                             .card = core::CardNumber{.facility = 12, .number = 9},
                             .from = at(0),
                             .reasons = {core::DenyReason::unknown_card},
                             .limit = 100}),
            "person=p-17 card=12:9 reason=unknown_card from=2026-03-02T08:00:00.000000Z limit=100");
}

}  // namespace query_filter_test
}  // namespace vigil::journal
