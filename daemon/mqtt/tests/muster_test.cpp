// A zone's retained muster list: who is directly inside, by time of entry,
// named only as far as the personal-data setting allows, bounded, and
// published per zone an entry changed, not per entry.
#include "vigil/mqtt/muster.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

namespace vigil::mqtt {
namespace {

core::TimePoint muster_at(int second) {
  return core::from_unix_micros(1'790'000'000'000'000 + second * 1'000'000LL);
}

// building > lab, and a yard.
core::Site muster_site() {
  core::Site site;
  site.id = core::SiteId("hq");
  site.gateway = core::GatewayId("gw1");
  for (auto [id, parent] : {std::pair{"building", ""}, {"lab", "building"}, {"yard", ""}}) {
    core::Zone z;
    z.id = core::ZoneId(id);
    if (*parent) z.parent = core::ZoneId(parent);
    site.zones.push_back(z);
  }
  return site;
}

class MusterTest : public ::testing::Test {
 protected:
  Musters musters(PersonalData personal, std::size_t max_names = kMusterMaxNames) {
    return Musters(
        site_, personal, [](const core::PersonId& p) { return "Name of " + p.str(); }, max_names);
  }
  // Marks with `musters` (if given), then moves the person.
  bool enter(Musters* m, const char* person, const char* zone, int second) {
    core::Event e;
    e.kind = core::EventKind::entry;
    e.person = core::PersonId(person);
    e.zone = core::ZoneId(zone);
    e.time = muster_at(second);
    const bool marked = m && m->mark(occupancy_, e);
    occupancy_.observe(e);
    return marked;
  }
  std::map<std::string, nlohmann::json> take(Musters& m, int second) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& [zone, payload] : m.take(occupancy_, muster_at(second)))
      out[zone.str()] = nlohmann::json::parse(payload);
    return out;
  }
  nlohmann::json payload(const Musters& m, const char* zone) {
    return nlohmann::json::parse(m.payload(core::ZoneId(zone), occupancy_, muster_at(99)));
  }

  core::Site site_ = muster_site();
  core::Occupancy occupancy_;
};

TEST_F(MusterTest, ListsThePeopleDirectlyInTheZoneByTimeOfEntryWithFullNames) {
  auto m = musters(PersonalData::full_name);
  enter(nullptr, "p2", "lab", 5);
  enter(nullptr, "p1", "lab", 3);
  enter(nullptr, "p3", "building", 4);  // around the lab, not in it
  const auto lab = payload(m, "lab");
  EXPECT_EQ(lab["zone"], "lab");
  EXPECT_EQ(lab["personal_data"], "full_name");
  EXPECT_EQ(lab["count"], 2);
  EXPECT_EQ(lab["truncated"], false);
  ASSERT_EQ(lab["people"].size(), 2U);
  EXPECT_EQ(lab["people"][0]["person"], "p1");
  EXPECT_EQ(lab["people"][0]["name"], "Name of p1");
  EXPECT_EQ(lab["people"][0]["since"], core::format_utc(muster_at(3)));
  EXPECT_EQ(lab["people"][1]["person"], "p2");
  EXPECT_EQ(payload(m, "building")["count"], 1);
}

TEST_F(MusterTest, NamesNoMoreThanThePersonalDataSettingAllows) {
  enter(nullptr, "p1", "lab", 1);
  const auto by_id = payload(musters(PersonalData::id), "lab");
  ASSERT_EQ(by_id["people"].size(), 1U);
  EXPECT_EQ(by_id["people"][0]["person"], "p1");
  EXPECT_FALSE(by_id["people"][0].contains("name"));
  const auto none = payload(musters(PersonalData::none), "lab");
  EXPECT_EQ(none["personal_data"], "none");
  EXPECT_EQ(none["count"], 1);  // counts only
  EXPECT_TRUE(none["people"].empty());
  EXPECT_EQ(none["truncated"], false);
}

TEST_F(MusterTest, ListsAtMostTheBoundAndSaysItTruncatedWithTheWholeCount) {
  auto m = musters(PersonalData::id, 2);
  for (int i = 0; i < 5; ++i) enter(nullptr, ("p" + std::to_string(i)).c_str(), "yard", 10 - i);
  const auto yard = payload(m, "yard");
  EXPECT_EQ(yard["count"], 5);
  EXPECT_EQ(yard["truncated"], true);
  ASSERT_EQ(yard["people"].size(), 2U);
  EXPECT_EQ(yard["people"][0]["person"], "p4");  // the earliest entries
  EXPECT_EQ(yard["people"][1]["person"], "p3");
}

TEST_F(MusterTest, ABurstOfEntriesCostsOneMessagePerChangedZone) {
  auto m = musters(PersonalData::id);
  EXPECT_TRUE(enter(&m, "p1", "lab", 1));
  EXPECT_TRUE(enter(&m, "p2", "lab", 2));
  EXPECT_TRUE(enter(&m, "p1", "yard", 3));  // leaves the lab: both change
  enter(&m, "p3", "outside", 4);
  EXPECT_TRUE(m.pending());
  const auto changed = take(m, 5);
  ASSERT_EQ(changed.size(), 2U);  // "outside" has no muster topic
  EXPECT_EQ(changed.at("lab")["count"], 1);
  EXPECT_EQ(changed.at("yard")["people"][0]["person"], "p1");
  EXPECT_EQ(changed.at("yard")["time"], core::format_utc(muster_at(5)));
  EXPECT_FALSE(m.pending());
  EXPECT_TRUE(take(m, 6).empty());
}

TEST_F(MusterTest, EventsOtherThanEntriesMarkNothing) {
  auto m = musters(PersonalData::id);
  core::Event e;
  e.kind = core::EventKind::access_denied;
  e.person = core::PersonId("p1");
  e.zone = core::ZoneId("lab");
  EXPECT_FALSE(m.mark(occupancy_, e));
  EXPECT_FALSE(m.pending());
  EXPECT_EQ(m.all(occupancy_, muster_at(1)).size(), 3U);  // every zone at start
}

}  // namespace
}  // namespace vigil::mqtt
