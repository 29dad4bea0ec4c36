// The meeting digest: due daily at a local time on the daemon's own clock
// (explicit times here, no waiting), and what it says, read from a real
// journal and checked against docs/schema/digest.schema.json.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "vigil/journal/journal.hpp"
#include "vigil/mqtt/digest_runner.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::mqtt {
namespace {

using namespace std::chrono_literals;

// 2026-12-02 00:00:00 UTC
const core::TimePoint kDigestDay = core::from_unix_micros(1'796'169'600'000'000);

TEST(DigestSchedule, TheNextDigestIsTheNextLocalSlotStrictlyAfterNow) {
  struct Case {
    const char* name;
    core::TimeZone zone;
    core::TimePoint after;
    core::TimePoint expected;
  };
  const auto utc = core::TimeZone{};
  const auto berlin_winter = core::TimeZone::fixed("CET", 3600);
  // Berlin in 2026: CEST from 29 March 01:00 UTC, CET again from 25 October 01:00 UTC.
  const core::TimeZone berlin("Europe/Berlin", 3600,
                              {{1'774'746'000, 7200}, {1'792'890'000, 3600}});
  const core::TimePoint spring = core::from_unix_micros(1'774'742'400'000'000);  // 29 Mar 00:00 UTC
  const core::TimePoint autumn = core::from_unix_micros(1'792'886'400'000'000);  // 25 Oct 00:00 UTC
  const Case cases[] = {
      // 07:00 CEST on the spring-forward day is 05:00 UTC, not 06:00.
      {"the day clocks go forward", berlin, spring, spring + 5h},
      // 07:00 CET on the fall-back day is 06:00 UTC, not 05:00.
      {"the day clocks go back", berlin, autumn, autumn + 6h},
      {"the day after going back", berlin, autumn + 6h, autumn + 24h + 6h},
      {"before the slot: today", utc, kDigestDay + 6h + 59min, kDigestDay + 7h},
      {"at the slot: tomorrow", utc, kDigestDay + 7h, kDigestDay + 24h + 7h},
      {"late evening: tomorrow", utc, kDigestDay + 23h, kDigestDay + 24h + 7h},
      {"local time, not UTC", berlin_winter, kDigestDay + 1h, kDigestDay + 6h},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(next_digest_time(DigestSchedule{7h, c.zone}, c.after), c.expected);
  }
}

TEST(DigestSchedule, TheClockGivesOneDigestPerSlotEachCoveringSinceTheLast) {
  DigestClock clock(DigestSchedule{7h, {}}, kDigestDay + 1h);
  EXPECT_FALSE(clock.due(kDigestDay + 6h));
  const auto first = clock.due(kDigestDay + 7h + 1s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->since, kDigestDay - 24h + 7h);  // the first covers the day before it
  EXPECT_EQ(first->now, kDigestDay + 7h + 1s);
  EXPECT_FALSE(clock.due(kDigestDay + 7h + 2s)) << "once per slot";
  // The gateway was off for three days: one digest covers them all.
  const auto after_gap = clock.due(kDigestDay + 72h + 8h);
  ASSERT_TRUE(after_gap);
  EXPECT_EQ(after_gap->since, first->now);
  EXPECT_EQ(clock.next(), kDigestDay + 96h + 7h);
}

core::Event digest_forced(const char* zone, core::TimePoint at) {
  core::Event e;
  e.kind = core::EventKind::door_forced;
  e.door = core::DoorId("lobby-main");
  e.zone = core::ZoneId(zone);
  e.time = at;
  return e;
}

TEST(Digest, SaysWhatIsOpenWhatWasRaisedAndWhatWasResolvedSinceTheLastOne) {
  vigil::testing::TempDir dir{"vigil-digest"};
  const auto db = dir.file("vigil.db");
  const core::TimePoint since = kDigestDay - 24h + 7h, now = kDigestDay + 7h;
  {
    journal::Journal j(db);
    std::vector<core::Event> events{
        digest_forced("lobby", since - 1h),  // before the window, still open
        digest_forced("lobby", since + 1h),  // raised and resolved in the window
        digest_forced("vault", since + 3h),  // raised, open
        digest_forced("vault", now + 1min),  // after the cut: not in this digest
    };
    j.append(events);
  }
  journal::IncidentLog log(db, "ana");
  const auto incidents = log.list();
  ASSERT_EQ(incidents.size(), 4u);
  log.resolve(incidents[1].id(), "door repaired", since + 2h);

  Outbox outbox(db);
  PublisherConfig config;
  config.site = core::SiteId("hq");
  config.gateway = core::GatewayId("gw1");
  Publisher publisher(config, outbox);  // not started: build() only reads its topics
  DigestRunner runner(publisher, db, {}, "seg1", DigestSchedule{7h, {}}, since);
  const std::string payload = runner.build(DigestWindow{since, now});
  const auto j = nlohmann::json::parse(payload);

  ASSERT_EQ(j["open"].size(), 2u);
  EXPECT_EQ(j["open"][0]["zone"], "lobby");
  EXPECT_EQ(j["open"][0]["age_s"], 25 * 3600);
  EXPECT_EQ(j["open"][0]["state"], "open");
  EXPECT_EQ(j["open"][1]["zone"], "vault");
  EXPECT_EQ(j["raised"]["total"], 2);
  EXPECT_EQ(j["raised"]["by_kind"]["door_forced"], 2);
  EXPECT_EQ(j["raised"]["by_zone"]["lobby"], 1);
  EXPECT_EQ(j["raised"]["by_zone"]["vault"], 1);
  ASSERT_EQ(j["resolved"].size(), 1u);
  EXPECT_EQ(j["resolved"][0]["resolved_by"], "ana");
  EXPECT_EQ(j["resolved"][0]["note"], "door repaired");
  EXPECT_EQ(j["resolved"][0]["id"], "hq/gw1/seg1/" + std::to_string(incidents[1].id()));

  // The same independent validator as the integration suite's.
  {
    std::ofstream out(dir.file("digest.jsonl"));
    out << nlohmann::json{{"topic", "vigil/v1/hq/gw1/digest"},
                          {"payload", payload},
                          {"retained", true}}
               .dump()
        << "\n";
  }
  const std::string command = std::string{"python3 "} + VIGIL_SOURCE_DIR +
                              "/tests/integration/validate_payloads.py --schemas " +
                              VIGIL_SOURCE_DIR + "/docs/schema --require=digest " +
                              dir.file("digest.jsonl").string() + " > " +
                              dir.file("out.txt").string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(dir.file("out.txt"));
  const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
}

}  // namespace
}  // namespace vigil::mqtt
