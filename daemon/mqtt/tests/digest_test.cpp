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

// The same independent validator as the integration suite's.
void expect_digest_schema(vigil::testing::TempDir& dir, const std::string& payload) {
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

  expect_digest_schema(dir, payload);
}

core::Event digest_device(core::EventKind kind, const char* device, core::TimePoint at) {
  core::Event e;
  e.kind = kind;
  e.device = core::DeviceId(device);
  e.time = at;
  return e;
}

core::Event digest_finding(const char* item, const char* due, core::TimePoint at) {
  core::Event e;
  e.kind = core::EventKind::inspection_finding;
  e.time = at;
  core::set_attr(e.attrs, "inspection", std::int64_t{1});
  core::set_attr(e.attrs, "item", std::string(item));
  core::set_attr(e.attrs, "result", std::string("deficiency"));
  core::set_attr(e.attrs, "note", std::string("strike loose"));
  core::set_attr(e.attrs, "unit", std::string("locksmiths"));
  core::set_attr(e.attrs, "due", std::string(due));
  return e;
}

TEST(Digest, ListsOpenDeficienciesWithTheirDueDatesAndThoseClosedSinceTheLastOne) {
  vigil::testing::TempDir dir{"vigil-digest-def"};
  const auto db = dir.file("vigil.db");
  // The window ends 2026-12-02 07:00 UTC: a finding due 2026-12-01 is overdue.
  const core::TimePoint since = kDigestDay - 24h + 7h, now = kDigestDay + 7h;
  std::uint64_t fixed_id = 0;
  {
    journal::Journal j(db);
    std::vector<core::Event> events{
        digest_device(core::EventKind::device_offline, "io1", since - 2h),  // still open
        digest_finding("door:lobby-main", "2026-12-01", since + 1h),        // open, overdue
        digest_finding("door:vault", "2026-12-05", since + 1h),             // open, not yet due
        digest_device(core::EventKind::device_offline, "io2", since + 2h),
        digest_device(core::EventKind::device_online, "io2", since + 3h),   // cleared in window
        digest_finding("reader:lobby-in", "2026-12-03", since + 4h),        // fixed below
        digest_device(core::EventKind::device_offline, "io3", now + 1min),  // after the cut
    };
    j.append(events);
    fixed_id = events[5].seq;
    core::Event fix;
    fix.kind = core::EventKind::deficiency_fixed;
    fix.time = since + 5h;
    core::set_attr(fix.attrs, "deficiency", static_cast<std::int64_t>(fixed_id));
    core::set_attr(fix.attrs, "note", std::string("reader remounted"));
    core::set_attr(fix.attrs, "operator", std::string("fac"));
    std::vector<core::Event> more{fix};
    j.append(more);
  }
  Outbox outbox(db);
  PublisherConfig config;
  config.site = core::SiteId("hq");
  config.gateway = core::GatewayId("gw1");
  Publisher publisher(config, outbox);
  DigestRunner runner(publisher, db, {}, "seg1", DigestSchedule{7h, {}}, since);
  const std::string payload = runner.build(DigestWindow{since, now});
  const auto d = nlohmann::json::parse(payload)["deficiencies"];

  ASSERT_EQ(d["open"].size(), 3u) << d.dump(2);
  EXPECT_EQ(d["open"][0]["item"], "device:io1");
  EXPECT_EQ(d["open"][0]["kind"], "offline");
  EXPECT_EQ(d["open"][0]["age_s"], 26 * 3600);
  EXPECT_TRUE(d["open"][0]["due"].is_null());
  EXPECT_EQ(d["open"][0]["overdue"], false);
  std::map<std::string, nlohmann::json> findings;
  for (const auto& o : d["open"])
    if (o["kind"] == "finding") findings[o["item"].get<std::string>()] = o;
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings["door:lobby-main"]["due"], "2026-12-01");
  EXPECT_EQ(findings["door:lobby-main"]["overdue"], true);
  EXPECT_EQ(findings["door:lobby-main"]["unit"], "locksmiths");
  EXPECT_EQ(findings["door:vault"]["overdue"], false);

  ASSERT_EQ(d["closed"].size(), 2u) << d.dump(2);
  std::map<std::string, nlohmann::json> closed;
  for (const auto& c : d["closed"]) closed[c["how"].get<std::string>()] = c;
  EXPECT_EQ(closed["cleared"]["item"], "device:io2");
  EXPECT_EQ(closed["fixed"]["id"], fixed_id);
  EXPECT_EQ(closed["fixed"]["by"], "fac");
  EXPECT_EQ(closed["fixed"]["note"], "reader remounted");
  expect_digest_schema(dir, payload);
}

}  // namespace
}  // namespace vigil::mqtt
