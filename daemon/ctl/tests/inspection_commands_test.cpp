// Inspections with follow-up through vigilctl's functions on a real journal
// file (issue 9 item 6): start to close, a deficiency carried into the next
// inspection and closed there, an overdue deficiency raising one incident,
// automatic deficiencies with start and clear times, the JSON report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vigil/config/load.hpp"
#include "vigil/ctl/inspection_commands.hpp"
#include "vigil/journal/incident_log.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace inspection_commands_test {

namespace fs = std::filesystem;

constexpr const char* kSite = R"(site: { id: hq, gateway: gw1, time_zone: UTC }
journal: { path: journal.db }
devices:
  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 1502 }
  - { id: gpio0, type: sim_gpio, socket: gpio0.sock }
zones:
  - { id: lobby, name: Lobby }
  - { id: server-room, name: Server room, parent: lobby }
doors:
  - { id: lobby-main, name: Lobby main, from: outside, to: lobby,
      lock: { device: io1, coil: 0 }, contact: { device: io1, input: 0 } }
  - { id: server-door, name: Server door, from: lobby, to: server-room,
      lock: { device: io1, coil: 1 }, contact: { device: io1, input: 1 } }
readers:
  - { id: server-in, door: server-door, direction: in,
      wiegand: { chip: gpio0, d0: 4, d1: 5 } }
alarm_zones:
  - id: server-room
    sensors:
      - { name: server-pir, kind: motion, point: { device: io1, input: 3 } }
inspections:
  read_errors: { count: 3, window: 10m }
)";

// 2026-11-23 (a Monday) at hh:mm UTC.
core::TimePoint day_at(int day, int hour, int minute = 0) {
  return core::TimePoint{std::chrono::hours(24 * (20780 + day) + hour) +
                         std::chrono::minutes(minute)};
}

class InspectionCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigilctl-inspection-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto loaded = config::load_site_config_from_string(kSite, dir_ / "site.yaml");
    if (!loaded) {
      for (const auto& d : loaded.diagnostics()) ADD_FAILURE() << d.line << ": " << d.message;
      return;
    }
    config_ = std::move(loaded.value());
    journal::Journal j(db());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string db() const { return (dir_ / "journal.db").string(); }
  InspectionContext ctx(core::TimePoint now, std::string op = "ines") const {
    return {db(), std::move(op), &config_, now};
  }
  void append(core::Event e) {
    journal::Journal j(db());
    std::vector<core::Event> events{std::move(e)};
    j.append(events);
  }
  std::vector<core::Event> events(core::EventKind kind) const {
    return journal::Journal(db()).query({.kinds = {kind}});
  }
  // Runs a command, expects `rc`, returns its output.
  template <class F>
  std::string run(int rc, F f) {
    std::ostringstream out, err;
    EXPECT_EQ(f(out, err), rc) << err.str() << out.str();
    return out.str();
  }
  std::uint64_t start(const std::optional<std::string>& zone, core::TimePoint at) {
    run(0, [&](auto& o, auto& e) { return inspection_start(ctx(at), zone, o, e); });
    return events(core::EventKind::inspection_started).back().seq;
  }
  int record(std::uint64_t id, std::string item, std::string result, core::TimePoint at,
             std::string note = {}, std::string unit = {},
             std::optional<std::string> due = std::nullopt) {
    std::ostringstream out, err;
    return inspection_record(ctx(at), {std::to_string(id), item, result, note, unit, due}, out,
                             err);
  }

  config::SiteConfig config_;
  fs::path dir_;
};

TEST_F(InspectionCommands, AnInspectionFromStartToClose) {
  const auto out = run(0, [&](auto& o, auto& e) {
    return inspection_start(ctx(day_at(0, 9)), std::string("server-room"), o, e);
  });
  EXPECT_NE(out.find("door:server-door"), std::string::npos) << out;
  EXPECT_NE(out.find("reader:server-in"), std::string::npos);
  EXPECT_NE(out.find("sensor:server-pir"), std::string::npos);
  EXPECT_EQ(out.find("door:lobby-main"), std::string::npos) << "the lobby is not in scope";
  const auto id = events(core::EventKind::inspection_started).back().seq;
  EXPECT_EQ(record(id, "door:server-door", "ok", day_at(0, 9, 5)), 0);
  EXPECT_EQ(record(id, "reader:server-in", "ok", day_at(0, 9, 6)), 0);
  EXPECT_EQ(record(id, "door:nowhere", "ok", day_at(0, 9, 6)), 1) << "not on the checklist";
  EXPECT_EQ(record(id, "sensor:server-pir", "deficiency", day_at(0, 9, 7), "lens cracked"), 2)
      << "a deficiency needs a unit and a due date";
  EXPECT_EQ(record(id, "sensor:server-pir", "deficiency", day_at(0, 9, 7), "lens cracked",
                   "facilities", "2026-11-30"),
            0);
  const auto closed = run(0, [&](auto& o, auto& e) {
    return inspection_close(ctx(day_at(0, 10)), std::to_string(id), o, e);
  });
  EXPECT_NE(closed.find("2 ok, 1 deficient, 0 not checked"), std::string::npos) << closed;
  EXPECT_EQ(record(id, "door:server-door", "ok", day_at(0, 11)), 1) << "closed";
  run(1, [&](auto& o, auto& e) {
    return inspection_close(ctx(day_at(0, 11)), std::to_string(id), o, e);
  });
  const auto show = run(0, [&](auto& o, auto& e) {
    return inspection_show(ctx(day_at(0, 12)), std::to_string(id), o, e);
  });
  EXPECT_NE(show.find("sensor:server-pir  deficiency"), std::string::npos) << show;
  const auto closed_events = events(core::EventKind::inspection_closed);
  ASSERT_EQ(closed_events.size(), 1u);
  EXPECT_EQ(core::attr_text(closed_events[0].attrs, "operator"), "ines");
}

TEST_F(InspectionCommands, ADeficiencyIsCarriedIntoTheNextInspectionAndClosedThere) {
  const auto first = start(std::string("server-room"), day_at(0, 9));
  ASSERT_EQ(record(first, "door:server-door", "deficiency", day_at(0, 9, 5), "strike loose",
                   "locksmiths", "2026-12-31"),
            0);
  const auto deficiency = events(core::EventKind::inspection_finding).back().seq;
  run(0, [&](auto& o, auto& e) {
    return inspection_close(ctx(day_at(0, 10)), std::to_string(first), o, e);
  });
  // The next inspection of the parent zone lists it first.
  const auto out = run(0, [&](auto& o, auto& e) {
    return inspection_start(ctx(day_at(7, 9)), std::string("lobby"), o, e);
  });
  const auto item = "deficiency:" + std::to_string(deficiency);
  const auto first_item = out.find("\n  ") + 3;
  EXPECT_EQ(out.substr(first_item, item.size()), item) << out;
  const auto second = events(core::EventKind::inspection_started).back().seq;
  EXPECT_EQ(record(second, item, "ok", day_at(7, 9, 5)), 2) << "a fix needs a note";
  ASSERT_EQ(record(second, item, "ok", day_at(7, 9, 5), "strike replaced"), 0);
  const auto fixed = events(core::EventKind::deficiency_fixed);
  ASSERT_EQ(fixed.size(), 1u);
  EXPECT_EQ(core::attr_int(fixed[0].attrs, "deficiency"), static_cast<std::int64_t>(deficiency));
  EXPECT_EQ(core::attr_int(fixed[0].attrs, "inspection"), static_cast<std::int64_t>(second));
  // Closed now: a third inspection does not carry it, and it cannot be fixed twice.
  const auto third = run(0, [&](auto& o, auto& e) {
    return inspection_start(ctx(day_at(8, 9)), std::string("lobby"), o, e);
  });
  EXPECT_EQ(third.find(item), std::string::npos) << third;
  run(1, [&](auto& o, auto& e) {
    return deficiency_fix(ctx(day_at(8, 10)), std::to_string(deficiency), "again", o, e);
  });
}

TEST_F(InspectionCommands, AnOverdueDeficiencyRaisesExactlyOneIncident) {
  const auto id = start(std::nullopt, day_at(0, 9));
  ASSERT_EQ(record(id, "door:lobby-main", "deficiency", day_at(0, 9, 5), "closer leaks",
                   "facilities", "2026-11-24"),
            0);
  // Due on the 24th: still on time at 23:59 that day, overdue from midnight.
  EXPECT_EQ(raise_overdue_deficiencies(ctx(day_at(1, 23, 59))), 0u);
  EXPECT_EQ(raise_overdue_deficiencies(ctx(day_at(2, 0, 0))), 1u);
  EXPECT_EQ(raise_overdue_deficiencies(ctx(day_at(3, 0, 0))), 0u);
  run(0, [&](auto& o, auto& e) { return inspect_report(ctx(day_at(4, 0)), {}, o, e); });
  EXPECT_EQ(events(core::EventKind::deficiency_overdue).size(), 1u);
  journal::IncidentLog log(db(), "auditor");
  int overdue = 0;
  for (const auto& r : log.list())
    if (r.incident.kind == core::IncidentKind::deficiency_overdue) ++overdue;
  EXPECT_EQ(overdue, 1);
}

core::Event at_door(core::EventKind kind, core::TimePoint at, const char* door) {
  core::Event e;
  e.kind = kind;
  e.time = at;
  e.door = core::DoorId(door);
  return e;
}

TEST_F(InspectionCommands, ReportsAutomaticDeficienciesWithStartAndClearAsJson) {
  append(at_door(core::EventKind::door_forced, day_at(0, 22, 0), "server-door"));
  append(at_door(core::EventKind::door_closed, day_at(0, 22, 2), "server-door"));
  core::Event off;
  off.kind = core::EventKind::device_offline;
  off.time = day_at(1, 3, 0);
  off.device = core::DeviceId("io1");
  append(off);
  core::Event on = off;
  on.kind = core::EventKind::device_online;
  on.time = day_at(1, 3, 20);
  append(on);
  append(at_door(core::EventKind::door_held_open, day_at(1, 8, 0), "lobby-main"));
  const auto text = run(0, [&](auto& o, auto& e) {
    return inspect_report(ctx(day_at(2, 0)), {std::nullopt, std::nullopt, true}, o, e);
  });
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["summary"]["open"], 1);
  EXPECT_EQ(j["summary"]["closed"], 2);
  const auto& list = j["deficiencies"];
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["kind"], "held_open") << "open first";
  EXPECT_EQ(list[0]["open"], true);
  EXPECT_EQ(list[0]["cleared"], nullptr);
  EXPECT_EQ(list[1]["kind"], "forced");
  EXPECT_EQ(list[1]["item"], "door:server-door");
  EXPECT_EQ(list[1]["zone"], "server-room");
  EXPECT_EQ(list[1]["started"], core::format_utc(day_at(0, 22, 0)));
  EXPECT_EQ(list[1]["cleared"], core::format_utc(day_at(0, 22, 2)));
  EXPECT_EQ(list[2]["kind"], "offline");
  EXPECT_EQ(list[2]["item"], "device:io1");
  EXPECT_EQ(list[2]["started"], core::format_utc(day_at(1, 3, 0)));
  EXPECT_EQ(list[2]["cleared"], core::format_utc(day_at(1, 3, 20)));
  // --zone takes the zone and its nested zones; --since drops what closed before it.
  const auto zoned = nlohmann::json::parse(run(0, [&](auto& o, auto& e) {
    return inspect_report(ctx(day_at(2, 0)), {std::nullopt, std::string("server-room"), true}, o,
                          e);
  }));
  ASSERT_EQ(zoned["deficiencies"].size(), 1u);
  EXPECT_EQ(zoned["deficiencies"][0]["kind"], "forced");
  const auto recent = nlohmann::json::parse(run(0, [&](auto& o, auto& e) {
    return inspect_report(ctx(day_at(2, 0)), {std::string("2026-11-24"), std::nullopt, true}, o, e);
  }));
  EXPECT_EQ(recent["deficiencies"].size(), 2u);
  // The table: open first, with the same rows.
  const auto table =
      run(0, [&](auto& o, auto& e) { return inspect_report(ctx(day_at(2, 0)), {}, o, e); });
  const auto rows = table.substr(table.find("NOTE\n"));
  EXPECT_LT(rows.find("held_open"), rows.find("forced")) << table;
  run(2, [&](auto& o, auto& e) {
    return inspect_report(ctx(day_at(2, 0)), {std::string("24.11.2026"), std::nullopt, false}, o,
                          e);
  });
}

}  // namespace inspection_commands_test
}  // namespace vigil::ctl
