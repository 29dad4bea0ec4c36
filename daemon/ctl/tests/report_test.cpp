// vigilctl report as the ethics unit reads it: every count matches what
// plain SQL over the journal's raw rows says (the test asks sqlite3 itself,
// not the code under test), a zone reports itself and its nested zones, the
// HTML page is self-contained, and the JSON validates against
// docs/schema/report.schema.json. Periods: report_period_test.cpp.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "vigil/config/load.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/ctl/report.hpp"
#include "vigil/ctl/visit_commands.hpp"
#include "vigil/journal/incident_log.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace report_test {

namespace fs = std::filesystem;
using core::EventKind;

// "2026-03-01T00:30:00Z" -> TimePoint, written out by hand so the test does
// not lean on the parser it checks.
core::TimePoint utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  const auto day = std::chrono::sys_days(std::chrono::year_month_day{
      std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)});
  return std::chrono::time_point_cast<core::Duration>(day) + std::chrono::hours(h) +
         std::chrono::minutes(min);
}

config::SiteConfig demo_site() {
  auto loaded =
      config::load_site_config((fs::path(VIGIL_SOURCE_DIR) / "config/demo/site.yaml").string());
  if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
  return loaded.value();  // Europe/Berlin; lobby > offices > server-room; io1 serves every door
}

class Report : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigil-report-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    site_ = demo_site();
    site_.journal_path = (dir_ / "vigil.db").string();
    std::ofstream(dir_ / "people.csv")
        << "person_id,name,card,access_levels,active,valid_from,valid_until,clearance,"
           "clearance_expires\n"
           "p1,Ann,12:1001,staff,true,,,secret,2026-03-15\n"
           "p2,Ben,12:1002,server-admins,true,,,top_secret,2026-04-02\n"
           "p3,Cem,12:1003,staff,true,,,,\n"
           "p4,Dora,12:1004,server-admins,true,,,secret,2026-03-31\n"
           "p5,Vera,12:1005,staff,true,,,,\n";
    std::ostringstream out, err;
    ASSERT_EQ(person_import(
                  {(dir_ / "people.csv").string(), site_.source_path, site_.journal_path, false},
                  out, err),
              0)
        << err.str();
    ASSERT_EQ(
        trip_add({site_.journal_path, "p1", "2026-03-10", "2026-03-12", "XX", "A-1"}, out, err), 0)
        << err.str();
    ASSERT_EQ(
        trip_add({site_.journal_path, "p2", "2026-02-20", "2026-03-02", "YY", "A-2"}, out, err), 0)
        << err.str();
    ASSERT_EQ(trip_return(site_.journal_path, "2", "back", out, err), 0) << err.str();
    // p5 visits the server room on 5 and 6 March, hosted by p1.
    ASSERT_EQ(visit_add({.db_path = site_.journal_path,
                         .visitor = "p5",
                         .host = "p1",
                         .purpose = "audit",
                         .organisation = "Ministry of X",
                         .delegation = "DEL-7",
                         .first_day = "2026-03-05",
                         .last_day = "2026-03-06",
                         .zones = {"server-room"},
                         .config_path = std::nullopt},
                        out, err),
              0)
        << err.str();
    fill_journal();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static core::Event event(EventKind kind, core::TimePoint t) {
    core::Event e;
    e.kind = kind;
    e.time = t;
    return e;
  }

  void fill_journal() {
    std::vector<core::Event> events;
    auto entry = [&](const char* zone, core::TimePoint t, const char* person) {
      auto e = event(EventKind::entry, t);
      e.zone = core::ZoneId(zone);
      e.person = core::PersonId(person);
      events.push_back(e);
    };
    auto denial = [&](const char* zone, core::TimePoint t, core::DenyReason reason,
                      const char* person) {
      auto e = event(EventKind::access_denied, t);
      e.zone = core::ZoneId(zone);
      e.reason = reason;
      if (person) e.person = core::PersonId(person);
      events.push_back(e);
    };
    // p3 is flagged in February, before the period: still flagged in March.
    auto flag = event(EventKind::flag_set, utc(2026, 2, 10, 9));
    flag.person = core::PersonId("p3");
    core::set_attr(flag.attrs, "flag", std::string("watch"));
    events.push_back(flag);
    // The edges: local 28 Feb 23:30 is February, local 1 March 00:30 is March,
    // local 31 March 23:30 (summer time) is March, local 1 April 00:30 is not.
    entry("lobby", utc(2026, 2, 28, 22, 30), "p1");
    entry("lobby", utc(2026, 2, 28, 23, 30), "p1");
    entry("lobby", utc(2026, 3, 31, 21, 30), "p3");
    entry("lobby", utc(2026, 3, 31, 22, 30), "p3");
    for (int day = 2; day <= 20; day += 3) entry("lobby", utc(2026, 3, day, 8), "p3");
    for (int day = 2; day <= 12; day += 5) entry("offices", utc(2026, 3, day, 9), "p1");
    entry("server-room", utc(2026, 3, 5, 10), "p2");
    denial("lobby", utc(2026, 3, 3, 7), core::DenyReason::unknown_card, nullptr);
    denial("lobby", utc(2026, 3, 4, 7), core::DenyReason::unknown_card, nullptr);
    denial("lobby", utc(2026, 3, 11, 7), core::DenyReason::credential_used_while_abroad, "p1");
    denial("offices", utc(2026, 3, 6, 7), core::DenyReason::outside_schedule, "p3");
    denial("server-room", utc(2026, 3, 6, 8), core::DenyReason::clearance_expired, "p4");
    denial("lobby", utc(2026, 4, 1, 7), core::DenyReason::unknown_card, nullptr);  // April
    // The visitor: two entries on the visit's days, one the day after (not
    // the visit's), and two refusals naming the visit.
    entry("server-room", utc(2026, 3, 5, 10, 30), "p5");
    entry("server-room", utc(2026, 3, 6, 9), "p5");
    entry("server-room", utc(2026, 3, 7, 9), "p5");
    for (auto [zone, t, reason] :
         {std::tuple{"lobby", utc(2026, 3, 5, 11), core::DenyReason::zone_not_in_visit},
          std::tuple{"server-room", utc(2026, 3, 6, 12), core::DenyReason::escort_missing}}) {
      denial(zone, t, reason, "p5");
      core::set_attr(events.back().attrs, "visit", std::int64_t{1});
    }
    // Forced twice at the lobby door (no zone on the row: the door's), one
    // resolved below; held open once at the offices door, and cleared.
    for (int day : {7, 8}) {
      auto forced = event(EventKind::door_forced, utc(2026, 3, day, 2));
      forced.door = core::DoorId("lobby-main");
      events.push_back(forced);
    }
    auto held = event(EventKind::door_held_open, utc(2026, 3, 9, 12));
    held.door = core::DoorId("offices-door");
    events.push_back(held);
    auto cleared = event(EventKind::door_held_open_cleared, utc(2026, 3, 9, 12, 5));
    cleared.door = core::DoorId("offices-door");
    events.push_back(cleared);
    // io1 (every door's module) offline twice, back once, in March.
    for (int day : {14, 16}) {
      auto offline = event(EventKind::device_offline, utc(2026, 3, day, 3));
      offline.device = core::DeviceId("io1");
      events.push_back(offline);
    }
    auto online = event(EventKind::device_online, utc(2026, 3, 14, 4));
    online.device = core::DeviceId("io1");
    events.push_back(online);
    journal::Journal journal(site_.journal_path);
    journal.append(events);
    forced_ids_.clear();
    for (const auto& e : events)
      if (e.kind == EventKind::door_forced) forced_ids_.push_back(e.seq);
    journal::IncidentLog log(site_.journal_path, "ana",
                             {site_.incident_rules, {{"lobby-main", core::ZoneId("lobby")}}});
    log.acknowledge(forced_ids_[1], utc(2026, 3, 8, 3));
    log.resolve(forced_ids_[0], "frame repaired", utc(2026, 3, 20, 9));
  }

  // Plain SQL on the file: how many rows of `kind` (and `zone`, if given) lie
  // in [from, to), microseconds since the epoch.
  std::int64_t sql_count(const std::string& where, const std::vector<std::string>& binds) const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(site_.journal_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    const std::string sql =
        "SELECT count(*) FROM events e JOIN names k ON k.id = e.kind_id "
        "JOIN names r ON r.id = e.reason_id LEFT JOIN names z ON z.id = e.zone_id "
        "LEFT JOIN names d ON d.id = e.door_id LEFT JOIN names v ON v.id = e.device_id "
        "LEFT JOIN names p ON p.id = e.person_id WHERE " +
        where;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    for (std::size_t i = 0; i < binds.size(); ++i)
      sqlite3_bind_text(st, static_cast<int>(i + 1), binds[i].c_str(), -1, SQLITE_TRANSIENT);
    std::int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }
  // March 2026 in Berlin, as UTC microseconds, by hand.
  static std::string march_bounds() {
    return "e.ts_us >= " + std::to_string(core::to_unix_micros(utc(2026, 2, 28, 23))) +
           " AND e.ts_us < " + std::to_string(core::to_unix_micros(utc(2026, 3, 31, 22)));
  }

  nlohmann::json run_json(ReportArgs args) {
    args.format = "json";
    std::ostringstream out, err;
    EXPECT_EQ(report(site_, args, out, err), 0) << err.str();
    return nlohmann::json::parse(out.str());
  }
  static const nlohmann::json& zone_of(const nlohmann::json& doc, const std::string& zone) {
    for (const auto& z : doc["zones"])
      if (z["zone"] == zone) return z;
    throw std::runtime_error("no zone " + zone);
  }

  fs::path dir_;
  config::SiteConfig site_;
  std::vector<std::uint64_t> forced_ids_;
  const core::TimePoint now_ = utc(2026, 4, 15, 0);
};

TEST_F(Report, CountsMatchPlainSqlOverTheRawRows) {
  const auto doc = run_json({.period = "2026-03", .zone = std::nullopt, .now = now_});
  ASSERT_EQ(doc["zones"].size(), 4u);  // the config's implicit `outside` too
  for (const char* zone : {"lobby", "offices", "server-room"}) {
    SCOPED_TRACE(zone);
    const auto& z = zone_of(doc, zone);
    EXPECT_EQ(z["entries"].get<std::int64_t>(),
              sql_count("k.text = 'entry' AND z.text = ?1 AND " + march_bounds(), {zone}));
    std::int64_t per_day = 0;
    for (const auto& d : z["entries_per_day"]) per_day += d["entries"].get<std::int64_t>();
    EXPECT_EQ(per_day, z["entries"].get<std::int64_t>());
    EXPECT_EQ(z["entries_per_day"].size(), 31u);
    std::int64_t denials = 0;
    for (const auto& [reason, n] : z["denials_by_reason"].items()) {
      EXPECT_EQ(n.get<std::int64_t>(),
                sql_count("k.text = 'access_denied' AND z.text = ?1 AND r.text = ?2 AND " +
                              march_bounds(),
                          {zone, reason}))
          << reason;
      denials += n.get<std::int64_t>();
    }
    EXPECT_EQ(denials,
              sql_count("k.text = 'access_denied' AND z.text = ?1 AND " + march_bounds(), {zone}));
    // io1 serves every door, so each zone sees its outages.
    const auto& offline = z["deficiencies"][0];
    EXPECT_EQ(offline["category"], "device_offline");
    EXPECT_EQ(offline["opened"].get<std::int64_t>(),
              sql_count("k.text = 'device_offline' AND v.text = 'io1' AND " + march_bounds(), {}));
    EXPECT_EQ(offline["closed"].get<std::int64_t>(),
              sql_count("k.text = 'device_online' AND v.text = 'io1' AND " + march_bounds(), {}));
  }
  // The visit: its entries on its days (local) and its refusals, by plain SQL.
  ASSERT_EQ(doc["visits"].size(), 1u);
  const auto& visit = doc["visits"][0];
  EXPECT_EQ(visit["host"], "p1");
  EXPECT_EQ(visit["organisation"], "Ministry of X");
  EXPECT_EQ(visit["delegation"], "DEL-7");
  EXPECT_EQ(visit["zones"], nlohmann::json::array({"server-room"}));
  const std::string visit_days =
      "e.ts_us >= " + std::to_string(core::to_unix_micros(utc(2026, 3, 4, 23))) +
      " AND e.ts_us < " + std::to_string(core::to_unix_micros(utc(2026, 3, 6, 23)));
  EXPECT_EQ(visit["entries"].get<std::int64_t>(),
            sql_count("k.text = 'entry' AND p.text = 'p5' AND " + visit_days, {}));
  EXPECT_EQ(visit["entries"], 2);
  for (const char* reason : {"zone_not_in_visit", "escort_missing"}) {
    EXPECT_EQ(visit["anomalies"][reason].get<std::int64_t>(),
              sql_count("k.text = 'access_denied' AND p.text = 'p5' AND r.text = ?1 AND " +
                            march_bounds(),
                        {reason}))
        << reason;
  }
  // The edges landed where local time puts them.
  EXPECT_EQ(zone_of(doc, "lobby")["entries_per_day"][0]["entries"], 1);
  EXPECT_EQ(zone_of(doc, "lobby")["entries_per_day"][30]["entries"], 1);
  EXPECT_EQ(zone_of(doc, "lobby")["entries"], 9);

  const auto& lobby = zone_of(doc, "lobby");
  const auto& forced = lobby["deficiencies"][2];
  EXPECT_EQ(forced["category"], "door_forced");
  EXPECT_EQ(
      forced["opened"].get<std::int64_t>(),
      sql_count("k.text = 'door_forced' AND d.text = 'lobby-main' AND " + march_bounds(), {}));
  EXPECT_EQ(forced["closed"], 1);  // the resolved one
  const auto& held = zone_of(doc, "offices")["deficiencies"][3];
  EXPECT_EQ(held["category"], "door_held_open");
  EXPECT_EQ(held["opened"], 1);
  EXPECT_EQ(held["closed"], 1);
  EXPECT_EQ(zone_of(doc, "server-room")["deficiencies"][3]["opened"], 0);

  // Incidents by kind and severity with their state; the open ones with age.
  ASSERT_FALSE(lobby["incidents"].empty());
  bool saw_forced = false;
  for (const auto& t : lobby["incidents"]) {
    if (t["kind"] != "door_forced") continue;
    saw_forced = true;
    EXPECT_EQ(t["severity"], "major");
    EXPECT_EQ(t["open"], 0);
    EXPECT_EQ(t["acknowledged"], 1);
    EXPECT_EQ(t["resolved"], 1);
  }
  EXPECT_TRUE(saw_forced);
  bool open_forced = false;
  for (const auto& o : lobby["open_incidents"]) {
    if (o["id"] != forced_ids_[1]) continue;
    open_forced = true;
    EXPECT_EQ(o["state"], "acknowledged");
    EXPECT_EQ(o["age_hours"], 38 * 24 - 2);  // 8 March 02:00Z to 15 April 00:00Z
  }
  EXPECT_TRUE(open_forced);
}

TEST_F(Report, PeopleSectionsFollowTheZoneTheirLevelsCover) {
  const auto doc = run_json({.period = "2026-03", .zone = std::nullopt, .now = now_});
  const auto& lobby = zone_of(doc, "lobby");
  // p3, flagged in February, is active in the lobby in March.
  ASSERT_EQ(lobby["flagged_activity"].size(), 1u);
  EXPECT_EQ(lobby["flagged_activity"][0]["person"], "p3");
  EXPECT_EQ(lobby["flagged_activity"][0]["flag"], "watch");
  EXPECT_EQ(lobby["flagged_activity"][0]["entries"].get<std::int64_t>(),
            sql_count("k.text = 'entry' AND z.text = 'lobby' AND e.person_id = "
                      "(SELECT id FROM names WHERE text = 'p3') AND " +
                          march_bounds(),
                      {}));
  EXPECT_EQ(zone_of(doc, "offices")["flagged_activity"][0]["denials"], 1);
  EXPECT_TRUE(zone_of(doc, "server-room")["flagged_activity"].empty());
  // Trips: p1's (staff: lobby, offices), not returned and used abroad;
  // p2's (server-admins: every zone) returned.
  ASSERT_EQ(lobby["trips"].size(), 2u);
  const auto& t1 = lobby["trips"][0]["person"] == "p1" ? lobby["trips"][0] : lobby["trips"][1];
  EXPECT_EQ(t1["destination"], "XX");
  EXPECT_EQ(t1["anomalies"],
            nlohmann::json::array({"return_overdue", "credential_used_while_abroad"}));
  EXPECT_EQ(lobby["trips_by_destination"]["XX"], 1);
  EXPECT_EQ(lobby["trips_by_destination"]["YY"], 1);
  ASSERT_EQ(zone_of(doc, "server-room")["trips"].size(), 1u);
  EXPECT_TRUE(zone_of(doc, "server-room")["trips"][0]["anomalies"].empty());
  // Clearance expiries in March: p1 (staff) and p4 (server-admins); p2's is April.
  EXPECT_EQ(lobby["clearance_expiries"].size(), 2u);
  ASSERT_EQ(zone_of(doc, "server-room")["clearance_expiries"].size(), 1u);
  EXPECT_EQ(zone_of(doc, "server-room")["clearance_expiries"][0]["person"], "p4");
  EXPECT_EQ(zone_of(doc, "server-room")["clearance_expiries"][0]["last_day"], "2026-03-31");
}

TEST_F(Report, AZoneReportsItselfAndItsNestedZonesOnly) {
  const auto doc = run_json({.period = "2026-Q1", .zone = "offices", .now = now_});
  ASSERT_EQ(doc["zones"].size(), 2u);
  EXPECT_EQ(doc["zones"][0]["zone"], "offices");
  EXPECT_EQ(doc["zones"][1]["zone"], "server-room");
  EXPECT_EQ(doc["zones"][0]["entries_per_day"].size(), 90u);
  std::ostringstream out, err;
  EXPECT_EQ(report(site_, {.period = "2026-03", .zone = "attic", .now = now_}, out, err), 2);
  EXPECT_NE(err.str().find("no zone 'attic'"), std::string::npos);
  EXPECT_EQ(report(site_, {.period = "2026-13", .now = now_}, out, err), 2);
  EXPECT_EQ(report(site_, {.period = "2026", .format = "pdf", .now = now_}, out, err), 2);
  // A mistyped database path is an error, not a new empty journal.
  auto elsewhere = site_;
  elsewhere.journal_path = (dir_ / "typo.db").string();
  EXPECT_EQ(report(elsewhere, {.period = "2026-03", .now = now_}, out, err), 2);
  EXPECT_FALSE(fs::exists(dir_ / "typo.db"));
}

TEST_F(Report, HtmlIsOnePageWithItsChartsInlineAndNothingFetched) {
  std::ostringstream out, err;
  ASSERT_EQ(report(site_, {.period = "2026-03", .format = "html", .now = now_}, out, err), 0);
  const std::string html = out.str();
  std::size_t svgs = 0;
  for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 2u * 4u);  // entries per day and incidents by kind, per zone (outside too)
  EXPECT_NE(html.find("<title>Entries per day</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>Incidents by kind</title>"), std::string::npos);
  for (const char* external : {"http:", "https:", "src=", "href=", "url(", "@import", "<script",
                               "<link", "<img", "<iframe"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_EQ(html.rfind("</html>\n"), html.size() - 8);
}

TEST_F(Report, TextAndCsvCarryTheSameCounts) {
  std::ostringstream text, csv, err;
  ASSERT_EQ(report(site_, {.period = "2026-03", .zone = "lobby", .now = now_}, text, err), 0);
  EXPECT_NE(text.str().find("== Zone lobby (Lobby)\nEntries: 9\n"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("  unknown_card: 2\n"), std::string::npos);
  ASSERT_EQ(
      report(site_, {.period = "2026-03", .zone = "lobby", .format = "csv", .now = now_}, csv, err),
      0);
  EXPECT_EQ(csv.str().rfind("zone,section,item,detail,value\nlobby,entries,,,9\n", 0), 0u);
  EXPECT_NE(csv.str().find("lobby,denials,unknown_card,,2\n"), std::string::npos);
  EXPECT_NE(csv.str().find("lobby,deficiencies,door_forced,opened,2\n"), std::string::npos);
}

#ifdef VIGIL_PYTHON3
TEST_F(Report, JsonValidatesAgainstTheDocumentedSchema) {
  std::ostringstream out, err;
  ASSERT_EQ(report(site_, {.period = "2026-03", .format = "json", .now = now_}, out, err), 0);
  std::ofstream(dir_ / "report.json") << out.str();
  const auto schema = fs::path(VIGIL_SOURCE_DIR) / "docs/schema/report.schema.json";
  const std::string command =
      std::string(VIGIL_PYTHON3) +
      " -c 'import json,sys,jsonschema; s=json.load(open(sys.argv[1])); "
      "jsonschema.Draft202012Validator.check_schema(s); "
      "jsonschema.Draft202012Validator(s, format_checker=jsonschema.FormatChecker())"
      ".validate(json.load(open(sys.argv[2])))' " +
      schema.string() + " " + (dir_ / "report.json").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << out.str();
}
#endif

}  // namespace report_test
}  // namespace vigil::ctl
