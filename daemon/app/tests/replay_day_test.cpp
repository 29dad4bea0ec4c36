// Issue 8's replay test: a generated day of card reads, door openings, REX
// presses and forced doors (more than 10,000 inputs) run through the
// controller twice gives identical decisions and events; run across a
// restart in the middle, with who-is-where rebuilt from the entry events of
// a real journal file as vigild does at start, it gives the same occupancy
// and the same decisions after the restart.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <variant>

#include "vigil/core/controller.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::replay_day {
namespace {

using namespace std::chrono_literals;
using core::Duration;

constexpr int kStaff = 150;
constexpr int kAdmins = 50;
// Monday 2026-11-23 00:00:00 UTC.
const core::TimePoint kMidnight = core::from_unix_micros(1'795'392'000'000'000);
const core::MonoTime kMono0{std::chrono::hours(1000)};
constexpr Duration kRestartAt = 12h;  // a quiet minute starts here

core::PointRef point(core::PointKind kind, std::uint32_t index) {
  return {core::DeviceId("io1"), kind, index};
}

core::Site day_site() {
  core::Site s;
  s.id = core::SiteId("hq");
  s.gateway = core::GatewayId("gw1");
  s.zones = {{core::ZoneId("outside"),
              "Outside",
              core::SecurityLevel::public_,
              {},
              core::ClearanceLevel::none},
             {core::ZoneId("lobby"),
              "Lobby",
              core::SecurityLevel::controlled,
              {},
              core::ClearanceLevel::none},
             {core::ZoneId("server-room"), "Server room", core::SecurityLevel::protected_,
              core::ZoneId("lobby"), core::ClearanceLevel::none}};
  s.zones[1].anti_passback = core::AntiPassback::soft;
  s.zones[2].anti_passback = core::AntiPassback::hard;
  s.zones[2].occupancy_limit = 12;
  core::Door lobby;
  lobby.id = core::DoorId("lobby-main");
  lobby.from_zone = core::ZoneId("outside");
  lobby.to_zone = core::ZoneId("lobby");
  lobby.lock = point(core::PointKind::coil, 0);
  lobby.contact = point(core::PointKind::discrete_input, 0);
  lobby.rex = point(core::PointKind::discrete_input, 2);
  lobby.unlock_time = 5s;
  lobby.held_open_time = 30s;
  core::Door server = lobby;
  server.id = core::DoorId("server-door");
  server.from_zone = core::ZoneId("lobby");
  server.to_zone = core::ZoneId("server-room");
  server.lock = point(core::PointKind::coil, 1);
  server.contact = point(core::PointKind::discrete_input, 1);
  server.rex = point(core::PointKind::discrete_input, 3);
  s.doors = {lobby, server};
  s.readers = {{core::ReaderId("lobby-in"), core::DoorId("lobby-main"), core::Direction::in},
               {core::ReaderId("lobby-out"), core::DoorId("lobby-main"), core::Direction::out},
               {core::ReaderId("server-in"), core::DoorId("server-door"), core::Direction::in},
               {core::ReaderId("server-out"), core::DoorId("server-door"), core::Direction::out}};
  s.access_levels = {// Badging out leads into `outside`: both levels cover it.
                     {core::AccessLevelId("staff"),
                      {core::ZoneId("outside"), core::ZoneId("lobby")},
                      {core::WeeklyWindow{0x1f, 7 * 60, 19 * 60}},
                      ""},
                     {core::AccessLevelId("admins"),
                      {core::ZoneId("outside"), core::ZoneId("lobby"), core::ZoneId("server-room")},
                      {core::WeeklyWindow{0x7f, 0, 24 * 60}},
                      ""}};
  return s;
}

core::PeopleDirectory day_people() {
  core::PeopleDirectory p;
  for (int i = 0; i < kStaff + kAdmins; ++i) {
    const core::PersonId id("p" + std::to_string(i));
    p.add_person({id,
                  "Person " + std::to_string(i),
                  i % 37 != 5,  // a few disabled
                  {core::AccessLevelId(i < kStaff ? "staff" : "admins")}});
    p.add_credential(
        {core::CardNumber{12, static_cast<std::uint64_t>(2000 + i)}, id, true, {}, {}});
  }
  return p;
}

using DayInput = std::variant<core::CardPresented, core::PointChanged>;

struct Timed {
  Duration at;
  DayInput input;
};

// A day of traffic from a fixed seed: every step is a card read (with the
// door opened and closed after it most of the time), an unknown card, a REX
// exit or a forced door, steps 6 to 12 s apart, each step's inputs within
// 5 s. A quiet minute from kRestartAt.
std::vector<Timed> generate_day() {
  std::mt19937 rng(20261123);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const char* readers[] = {"lobby-in", "lobby-out", "server-in", "server-out"};
  std::vector<Timed> out;
  auto door_cycle = [&](Duration at, int door) {
    out.push_back({at, core::PointChanged{point(core::PointKind::discrete_input, door), true}});
    out.push_back(
        {at + 3s, core::PointChanged{point(core::PointKind::discrete_input, door), false}});
  };
  for (Duration t = 1s; t < 24h - 10s; t += std::chrono::milliseconds(6000 + pick(6000))) {
    if (t >= kRestartAt && t < kRestartAt + 60s) continue;
    const int roll = pick(100);
    if (roll < 75) {
      const int reader = pick(4);
      const int who = pick(kStaff + kAdmins);
      out.push_back({t, core::CardPresented{core::ReaderId(readers[reader]),
                                            {12, static_cast<std::uint64_t>(2000 + who)},
                                            "H10301"}});
      if (pick(10) < 8) door_cycle(t + 1s, reader / 2);
    } else if (roll < 85) {
      out.push_back({t, core::CardPresented{core::ReaderId(readers[pick(4)]),
                                            {13, static_cast<std::uint64_t>(pick(1000))},
                                            "H10301"}});
    } else if (roll < 95) {
      const int door = pick(2);
      out.push_back(
          {t, core::PointChanged{point(core::PointKind::discrete_input, 2 + door), true}});
      out.push_back(
          {t + 500ms, core::PointChanged{point(core::PointKind::discrete_input, 2 + door), false}});
      door_cycle(t + 1s, door);
    } else {
      door_cycle(t, pick(2));  // forced
    }
  }
  return out;
}

// Runs inputs through a controller the way vigild's shell does: deadlines
// fired when due, every lock write confirmed at once by the driver.
class DayRun {
 public:
  DayRun(const core::Site& site, const core::PeopleDirectory& people) : controller_(site, people) {}

  core::Moment at(Duration d) const { return {kMidnight + d, kMono0 + d}; }
  void start(Duration d) { take(controller_.start(at(d).wall, at(d).mono), d); }
  void feed(const Timed& in) {
    run_until(in.at);
    std::visit(
        [&](auto input) {
          input.time = at(in.at).wall;
          input.mono = at(in.at).mono;
          take(controller_.handle(core::Input{input}), in.at);
        },
        in.input);
  }
  void initial_level(const core::PointRef& p, bool value, Duration d) {
    take(controller_.handle(core::PointChanged{p, value, at(d).wall, at(d).mono, true}), d);
  }
  void run_until(Duration d) {
    while (auto next = controller_.next_deadline()) {
      if (*next > at(d).mono) break;
      const Duration when = *next - kMono0;
      take(controller_.advance(at(when).wall, at(when).mono), when);
    }
    take(controller_.advance(at(d).wall, at(d).mono), d);
  }
  core::Controller& controller() { return controller_; }
  std::vector<core::Event>& events() { return events_; }

 private:
  void take(core::Effects fx, Duration d) {
    for (;;) {
      for (auto& e : fx.events) events_.push_back(std::move(e));
      if (fx.outputs.empty()) return;
      core::Effects next;
      for (const auto& o : fx.outputs) {
        next.append(controller_.handle(
            core::OutputResult{o.point, o.write_id, o.value, true, "", at(d).wall, at(d).mono}));
      }
      fx = std::move(next);
    }
  }

  core::Controller controller_;
  std::vector<core::Event> events_;
};

std::vector<std::string> lines(const std::vector<core::Event>& events, bool decisions_only) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    const bool decision = e.kind == core::EventKind::access_granted ||
                          e.kind == core::EventKind::access_denied ||
                          e.kind == core::EventKind::entry;
    if (decisions_only && !decision) continue;
    out.push_back(core::describe(e) + " | " + e.detail + " | " + std::to_string(e.attrs.size()));
  }
  return out;
}

std::map<std::string, std::string> where_everyone(const core::Occupancy& occupancy) {
  std::map<std::string, std::string> out;
  for (int i = 0; i < kStaff + kAdmins; ++i) {
    const core::PersonId id("p" + std::to_string(i));
    if (const auto* p = occupancy.where(id)) {
      out[id.str()] = p->zone.str() + " since " + std::to_string(core::to_unix_micros(p->since));
    }
  }
  return out;
}

TEST(ReplayDay, ADayOfInputsRunTwiceGivesIdenticalDecisionsAndEvents) {
  const auto site = day_site();
  const auto people = day_people();
  const auto day = generate_day();
  ASSERT_GE(day.size(), 10'000u);
  std::vector<std::vector<std::string>> runs;
  for (int run = 0; run < 2; ++run) {
    DayRun r(site, people);
    r.start(0s);
    for (const auto& in : day) r.feed(in);
    r.run_until(24h);
    runs.push_back(lines(r.events(), false));
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (std::size_t i = 0; i < runs[0].size(); ++i)
    ASSERT_EQ(runs[0][i], runs[1][i]) << "event " << i;
  // The day exercised the rules, not only the happy path.
  std::size_t granted = 0;
  std::size_t denied = 0;
  std::size_t entries = 0;
  for (const auto& l : runs[0]) {
    granted += l.find(" access_granted ") != std::string::npos;
    denied += l.find(" access_denied ") != std::string::npos;
    entries += l.find(" entry ") != std::string::npos;
  }
  EXPECT_GT(granted, 1000u);
  EXPECT_GT(denied, 1000u);
  EXPECT_GT(entries, 1000u);
}

TEST(ReplayDay, ARestartInTheMiddleRebuildsTheSameOccupancyFromTheJournal) {
  const auto site = day_site();
  const auto people = day_people();
  const auto day = generate_day();

  DayRun whole(site, people);
  whole.start(0s);
  for (const auto& in : day) whole.feed(in);
  whole.run_until(24h);

  // First half, journalled into a real journal file.
  testing::TempDir dir("vigil-replay-day");
  DayRun first(site, people);
  first.start(0s);
  std::size_t i = 0;
  for (; i < day.size() && day[i].at < kRestartAt; ++i) first.feed(day[i]);
  first.run_until(kRestartAt + 10s);
  {
    journal::Journal j(dir.file("journal.db"));
    j.append(first.events());
  }
  // The restart: who is where comes back from the journal's entry events
  // (vigild's start), doors report their levels as state.
  core::Occupancy rebuilt;
  {
    journal::Journal j(dir.file("journal.db"));
    journal::Filter entries;
    entries.kinds = {core::EventKind::entry};
    for (const auto& e : j.query(entries)) rebuilt.observe(e);
  }
  EXPECT_EQ(where_everyone(rebuilt), where_everyone(first.controller().access_state().occupancy));
  DayRun second(site, people);
  second.controller().restore_occupancy(rebuilt);
  second.start(kRestartAt + 20s);
  second.initial_level(point(core::PointKind::discrete_input, 0), false, kRestartAt + 20s);
  second.initial_level(point(core::PointKind::discrete_input, 1), false, kRestartAt + 20s);
  second.events().clear();
  for (; i < day.size(); ++i) second.feed(day[i]);
  second.run_until(24h);

  const auto& all = whole.controller().access_state().occupancy;
  EXPECT_GT(all.people(), 20u);
  EXPECT_EQ(where_everyone(second.controller().access_state().occupancy), where_everyone(all));
  // And every decision after the restart is the one the uninterrupted run made.
  std::vector<core::Event> after;
  for (const auto& e : whole.events()) {
    if (e.time >= kMidnight + kRestartAt + 60s) after.push_back(e);
  }
  EXPECT_EQ(lines(second.events(), true), lines(after, true));
}

}  // namespace
}  // namespace vigil::replay_day
