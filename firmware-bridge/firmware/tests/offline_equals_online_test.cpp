// The promise of offline mode: for every cached card, at every board reader,
// at any time, the board's decision from its cache is the gateway's
// decide() for the same site and people, reason included.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "vigil/core/policy.hpp"
#include "vigil/fwb/cache_image.hpp"
#include "vigil/fwb/credential_cache.hpp"
#include "vigil/fwb/offline.hpp"

namespace vigil::fwb {
namespace {

using namespace vigil::core;

constexpr std::int64_t kMonday = 1774224000;     // 2026-03-23 00:00 UTC, a Monday
constexpr std::int64_t kDstChange = 1774746000;  // 2026-03-29 01:00 UTC: +1 h -> +2 h
constexpr std::int64_t kDay = 86400;

TimePoint at(std::int64_t unix_s) {
  return from_unix_micros(unix_s * 1'000'000);
}

Site make_site() {
  Site s;
  s.time_zone = TimeZone("Europe/Test", 3600, {{kDstChange, 7200}});
  auto zone = [](const char* id, const char* name, SecurityLevel level) {
    Zone z;
    z.id = ZoneId(id);
    z.name = name;
    z.security_level = level;
    return z;
  };
  s.zones = {zone("outside", "Outside", SecurityLevel::public_),
             zone("lab", "Lab", SecurityLevel::restricted),
             zone("office", "Office", SecurityLevel::controlled)};
  Door lab;
  lab.id = DoorId("lab");
  lab.from_zone = ZoneId("outside");
  lab.to_zone = ZoneId("lab");
  Door office;
  office.id = DoorId("office");
  office.from_zone = ZoneId("outside");
  office.to_zone = ZoneId("office");
  s.doors = {lab, office};
  s.readers = {{ReaderId("lab_in"), DoorId("lab"), Direction::in},
               {ReaderId("lab_out"), DoorId("lab"), Direction::out},
               {ReaderId("office_in"), DoorId("office"), Direction::in}};
  s.access_levels = {
      {AccessLevelId("lab_weekdays"), {ZoneId("lab")}, {{0x1F, 7 * 60, 19 * 60}}, {}},
      {AccessLevelId("lab_always"), {ZoneId("lab"), ZoneId("outside")}, {{0x7F, 0, 1440}}, {}},
      {AccessLevelId("office_mornings"), {ZoneId("office")}, {{0x7F, 6 * 60, 12 * 60}}, {}},
      {AccessLevelId("office_never"), {ZoneId("office")}, {}, {}},
      {AccessLevelId("weekend_nights"),
       {ZoneId("lab"), ZoneId("office")},
       {{0x60, 0, 6 * 60}, {0x60, 22 * 60, 1440}},
       {}},
  };
  return s;
}

struct Holder {
  const char* name;
  CardNumber card;
  std::vector<const char*> levels;
  bool person_active = true;
  bool credential_active = true;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> until;
};

const std::vector<Holder> kHolders = {
    {"alice", {12, 1001}, {"lab_weekdays", "office_mornings"}, true, true, {}, {}},
    {"bob", {12, 1002}, {"lab_always"}, true, true, {}, {}},
    {"carol", {12, 1003}, {"lab_always"}, false, true, {}, {}},
    {"dave", {12, 1004}, {"lab_always"}, true, false, {}, {}},
    {"erin", {12, 1005}, {"lab_weekdays"}, true, true, kMonday + 2 * kDay, kMonday + 4 * kDay},
    {"frank", {12, 1006}, {}, true, true, {}, {}},
    {"gina", {12, 1007}, {"office_never", "lab_weekdays"}, true, true, {}, {}},
    {"henry", {70000, 1}, {"lab_always"}, true, true, {}, {}},
    {"ivan", {12, 1009}, {"weekend_nights", "office_mornings"}, true, true, {}, {}},
    {"judy", {12, 1010}, {"no_such_level", "lab_weekdays"}, true, true, {}, {}},
};

PeopleDirectory make_people() {
  PeopleDirectory p;
  for (const auto& h : kHolders) {
    Person person{PersonId(h.name), h.name, h.person_active, {}};
    for (const char* l : h.levels) person.access_levels.emplace_back(l);
    p.add_person(person);
    Credential c{h.card, PersonId(h.name), h.credential_active, {}, {}};
    if (h.from) c.valid_from = at(*h.from);
    if (h.until) c.valid_until = at(*h.until);
    p.add_credential(c);
  }
  return p;
}

TEST(OfflineDecision, EqualsTheGatewaysDecisionForEveryCachedCardReaderAndTime) {
  const Site site = make_site();
  const PeopleDirectory people = make_people();
  const std::vector<ReaderId> board_readers = {ReaderId("lab_in"), ReaderId("lab_out"),
                                               ReaderId("office_in")};
  std::vector<CardNumber> cards;
  for (const auto& h : kHolders) cards.push_back(h.card);
  cards.push_back({12, 9999});  // no credential: not cached

  const CacheImageResult built = build_cache_image(site, people, board_readers, cards, 7);
  ASSERT_TRUE(built.error.empty()) << built.error;
  EXPECT_EQ(built.skipped_unknown, 1u);
  static std::array<StoredEntry, 64> storage;
  CredentialCache cache(storage);
  CacheApply last = CacheApply::accepted;
  for (const CacheChunk& c : built.image.chunks()) last = cache.apply(c);
  ASSERT_EQ(last, CacheApply::installed);

  BoardClock clock;  // synced once, on Monday, with the coming DST change
  clock.sync({static_cast<std::uint64_t>(kMonday) * 1000, 3600,
              static_cast<std::uint32_t>(kDstChange), 7200},
             Millis{0});

  std::map<DenyReason, int> seen;
  int compared = 0;
  for (std::int64_t t = kMonday; t < kMonday + 8 * kDay; t += 17 * 60 + 13) {
    for (std::size_t r = 0; r < board_readers.size(); ++r) {
      for (const CardNumber& card : cards) {
        const Decision online = decide(site, people, card, board_readers[r], at(t));
        const std::uint64_t ms = static_cast<std::uint64_t>(t) * 1000;
        const OfflineDecision offline =
            decide_offline(cache, static_cast<std::uint8_t>(r), 3, card.facility, card.number, ms,
                           clock.utc_offset_s(ms));
        ASSERT_EQ(offline.granted, online.granted())
            << to_string(card) << " at " << board_readers[r] << " " << format_utc(at(t));
        ASSERT_EQ(static_cast<int>(offline.reason), static_cast<int>(online.reason))
            << to_string(card) << " at " << board_readers[r] << " " << format_utc(at(t))
            << ": offline " << to_string(offline.reason);
        ++seen[online.reason];
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 5000);
  // The table exercises every reason decide() gives for a known reader.
  for (DenyReason r : {DenyReason::none, DenyReason::unknown_card, DenyReason::inactive_credential,
                       DenyReason::no_access_level, DenyReason::outside_schedule}) {
    EXPECT_GT(seen[r], 0) << static_cast<int>(r);
  }
}

TEST(OfflineDecision, WithoutACacheOrAtAnUnknownReaderTheBoardRefuses) {
  static std::array<StoredEntry, 4> storage;
  CredentialCache cache(storage);
  EXPECT_EQ(decide_offline(cache, 0, 1, 12, 1001, 0, 0).reason, OfflineReason::no_cache);
  EXPECT_EQ(decide_offline(cache, 1, 1, 12, 1001, 0, 0).reason, OfflineReason::unknown_reader);
}

TEST(CacheImage, SplitsIntoOrderedChunksOfOneVersion) {
  const Site site = make_site();
  const PeopleDirectory people = make_people();
  std::vector<CardNumber> cards;
  for (std::uint64_t n = 0; n < 30; ++n) cards.push_back({12, 1001 + (n % 10)});
  const std::vector<ReaderId> readers = {ReaderId("lab_in")};
  const auto built = build_cache_image(site, people, readers, cards, 3);
  EXPECT_EQ(built.error, "two cards share a cache key") << "the same card listed twice";
  cards.resize(10);
  const auto ok = build_cache_image(site, people, readers, cards, 3);
  ASSERT_TRUE(ok.error.empty());
  const auto chunks = ok.image.chunks();
  ASSERT_GE(chunks.size(), 2u);
  EXPECT_EQ(chunks.front().kind, CacheChunkKind::schedules);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].index, i);
    EXPECT_EQ(chunks[i].chunk_count, chunks.size());
    EXPECT_EQ(chunks[i].version, 3u);
  }
}

}  // namespace
}  // namespace vigil::fwb
