// decide() at the scale of issue 8: every rule on, 1,000 access levels, 200
// zones, N people each with a card, a PIN hash, two levels and a clearance.
//
// The site: 200 zones in a tree three deep (outside, 19 under it, the rest
// under those), a quarter requiring `confidential` and a twentieth `secret`,
// one in ten waiting for return reports, one in five with soft and one in
// seven with hard anti-passback, one with an occupancy limit; a door into
// each zone (every tenth card + PIN) with an in and an out reader; 1,000
// levels of four zones each, weekday or round-the-clock schedules, half on a
// holiday calendar, ten with lockdown override; one zone locked down. The
// people: 1 % watched, 0.1 % on a trip (half abroad now), a tenth inside a
// zone. Reads: a random reader and a random card (~9 % unknown) at Monday
// 10:00, one steady_clock pair around each call (~40 ns, included).
//
// Also prints the heap the directory holds per person (glibc mallinfo2: the
// small blocks and, since s19, the large mmapped ones, which hold the
// tables and entry vectors and were left out before), and the thread's CPU
// time per call over the whole loop (robust on a loaded machine), and a
// digest of every decision (outcome, reason, rule) to compare builds.
// Usage: bench_decide_scale [N ...]   (default 100000 2000000)
//        VIGIL_BENCH_SAMPLES=100000 bench_decide_scale 2000000
// Where the tail comes from (s23), none of which changes the default figure:
//        VIGIL_BENCH_TAIL=1   also prints the cost of the clock pair alone,
//                             the median and p99 of each rule that decided,
//                             which rules the slowest 1 % are, the slowest
//                             1 % of one repeated read (the clock and the VM
//                             alone), and how much of the directory's tables
//                             the kernel backs with huge pages
//        VIGIL_BENCH_CARDS=K  reads only K distinct cards (K=1: the same card
//                             again and again, its lines warm in the cache)
//        VIGIL_BENCH_REPLAY=1 (s24) times the same reads again in the same
//                             order and each twice in a row, says whether the
//                             slow reads are slow again and what they are,
//                             and times arithmetic as long as a median call
//                             (the platform's share); decide_tail.hpp
#include <malloc.h>
#include <time.h>

#include <array>
#include <fstream>
#include <map>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "decide_tail.hpp"
#include "vigil/core/policy.hpp"

using namespace vigil::core;

namespace {

constexpr int kZones = 200;
constexpr int kLevels = 1000;
constexpr std::int32_t kToday = 20780;  // Monday 2026-11-23

ZoneId zone_id(int i) {
  return i == 0 ? ZoneId("outside") : ZoneId("zone-" + std::to_string(i));
}
int parent_of(int i) {
  return i < 20 ? 0 : i / 10;
}

Site make_scale_site(std::mt19937_64& rng) {
  Site s;
  for (int i = 0; i < kZones; ++i) {
    Zone z;
    z.id = zone_id(i);
    z.name = "Zone " + std::to_string(i);
    if (i > 0) z.parent = zone_id(parent_of(i));
    if (i % 4 == 1) z.required_clearance = ClearanceLevel::confidential;
    if (i % 20 == 3) z.required_clearance = ClearanceLevel::secret;
    z.requires_return_report = i % 10 == 7;
    if (i % 5 == 2) z.anti_passback = AntiPassback::soft;
    if (i % 7 == 5) z.anti_passback = AntiPassback::hard;
    if (i == 42) z.occupancy_limit = 1'000'000;
    s.zones.push_back(std::move(z));
  }
  for (int i = 1; i < kZones; ++i) {
    Door d;
    d.id = DoorId("door-" + std::to_string(i));
    d.from_zone = zone_id(parent_of(i));
    d.to_zone = zone_id(i);
    if (i % 10 == 9) d.mode = DoorMode::card_and_pin;
    s.doors.push_back(d);
    s.readers.push_back({ReaderId("in-" + std::to_string(i)), d.id, Direction::in});
    s.readers.push_back({ReaderId("out-" + std::to_string(i)), d.id, Direction::out});
  }
  for (int c = 0; c < 2; ++c) {
    HolidayCalendar calendar{"calendar-" + std::to_string(c), {}};
    for (int day = 0; day < 20; ++day) {
      calendar.days.push_back({LocalDate{kToday + 1 + day * 17}, "Holiday", "", {}});
    }
    s.holiday_calendars.push_back(std::move(calendar));
  }
  std::uniform_int_distribution<int> any_zone(0, kZones - 1);
  for (int j = 0; j < kLevels; ++j) {
    AccessLevel level;
    level.id = AccessLevelId("level-" + std::to_string(j));
    for (int k = 0; k < 4; ++k) level.zones.push_back(zone_id(any_zone(rng)));
    level.schedule = {j % 3 == 0 ? WeeklyWindow{0x7f, 0, 24 * 60}
                                 : WeeklyWindow{0x1f, 7 * 60, 19 * 60}};
    if (j % 2 == 0) level.holidays = "calendar-" + std::to_string(j / 2 % 2);
    level.lockdown_override = j % 100 == 0;
    s.access_levels.push_back(std::move(level));
  }
  s.return_report_destinations = {"XX"};
  return s;
}

CardNumber card_of(std::size_t i) {
  return CardNumber{static_cast<std::uint32_t>(i / 65536), i % 65536};
}

}  // namespace
// Since s23 the directory's large tables are mappings of their own, which
// mallinfo2 does not see; a core without them leaves this undefined.
namespace vigil::core {
[[gnu::weak]] std::size_t mapped_huge_table_bytes();
}  // namespace vigil::core
namespace {

std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  const std::size_t tables = &mapped_huge_table_bytes != nullptr ? mapped_huge_table_bytes() : 0;
  return m.uordblks + m.hblkhd + tables;
}

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

using decide_tail::percentile;

// The process's memory backed by transparent huge pages, in MiB, and each
// mapping of 4 MiB or more as "size/huge" (from /proc/self/smaps).
std::string huge_pages() {
  std::ifstream in("/proc/self/smaps");
  std::string line, maps;
  double total = 0, size = 0;
  while (std::getline(in, line)) {
    double kib = 0;
    if (std::sscanf(line.c_str(), "Size: %lf kB", &kib) == 1) size = kib;
    if (std::sscanf(line.c_str(), "AnonHugePages: %lf kB", &kib) == 1) {
      total += kib;
      if (size >= 4096)
        maps += " " + std::to_string(static_cast<int>(size / 1024)) + "/" +
                std::to_string(static_cast<int>(kib / 1024));
    }
  }
  return std::to_string(static_cast<int>(total / 1024)) + " MiB (maps of 4 MiB or more, " +
         "MiB/huge MiB:" + maps + ")";
}

// A key of print_by_key: the rule and outcome, whether the zone asks where
// the person is, whether the decision carries attributes.
std::uint16_t key_of(const Site& site, const AccessRequest& request, const Decision& d) {
  const Reader* reader = site.find_reader(request.reader);
  const Zone* zone = reader != nullptr ? site.find_zone(site.target_zone(*reader)) : nullptr;
  const bool presence = zone != nullptr && (zone->anti_passback != AntiPassback::none ||
                                            zone->occupancy_limit.has_value());
  return static_cast<std::uint16_t>(static_cast<int>(d.outcome) << 5 | static_cast<int>(d.rule) |
                                    (presence ? 1 << 8 : 0) | (d.attrs.empty() ? 0 : 1 << 9));
}

std::string name_of_key(int key) {
  char text[80];
  std::snprintf(text, sizeof text, "rule %-14s %-22s %-9s %-5s",
                to_string(static_cast<Rule>(key & 0x1f)),
                to_string(static_cast<Outcome>(key >> 5 & 7)),
                (key & 1 << 8) != 0 ? "presence" : "", (key & 1 << 9) != 0 ? "attrs" : "");
  return text;
}

// VIGIL_BENCH_REPLAY (s24): pass A's reads (`cards` in order, each at the
// reader of its slot in `requests`) timed again in the same order and then
// each twice in a row, and the facts of each read for the table of who the
// slowest 1 % are; then the platform's share (decide_tail.hpp).
void replay_passes(const Site& site, const PeopleDirectory& people, const AccessState& state,
                   std::vector<AccessRequest> requests, const std::vector<CardNumber>& cards,
                   const std::vector<double>& pass_a) {
  volatile int sink = 0;
  const auto call = [&](std::size_t i) {
    AccessRequest& request = requests[i % requests.size()];
    request.card = cards[i];
    sink = sink + static_cast<int>(decide(site, people, state, request).outcome);
  };
  const auto b = decide_tail::time_pass(cards.size(), call);
  std::vector<float> cold, warm;
  cold.reserve(cards.size());
  warm.reserve(cards.size());
  decide_tail::time_pass(cards.size(), [&](std::size_t i) {
    const auto t0 = std::chrono::steady_clock::now();
    call(i);
    const auto t1 = std::chrono::steady_clock::now();
    call(i);
    const auto t2 = std::chrono::steady_clock::now();
    cold.push_back(static_cast<float>(std::chrono::duration<double, std::nano>(t1 - t0).count()));
    warm.push_back(static_cast<float>(std::chrono::duration<double, std::nano>(t2 - t1).count()));
  });
  std::vector<decide_tail::Facts> facts(cards.size());
  std::vector<bool> seen(people.person_count());
  for (std::size_t i = 0; i < cards.size(); ++i) {
    AccessRequest& request = requests[i % requests.size()];
    request.card = cards[i];
    const Decision d = decide(site, people, state, request);
    auto& f = facts[i];
    f.key = key_of(site, request, d);
    if (d.door != nullptr && d.door->mode == DoorMode::card_and_pin)
      f.flags |= decide_tail::kPinDoor;
    if (!d.attrs.empty()) f.flags |= decide_tail::kAttrs;
    if ((f.key & 1 << 8) != 0) f.flags |= decide_tail::kPresenceZone;
    if (!d.person) continue;
    f.flags |= decide_tail::kKnown;
    if (people.risk_at(d.position) != nullptr) f.flags |= decide_tail::kFlagged;
    // Inside, and not flagged: the bench's flagged people are all inside.
    if (state.occupancy.where(people, *d.person) != nullptr &&
        (f.flags & decide_tail::kFlagged) == 0)
      f.flags |= decide_tail::kInside;
    if (d.position < seen.size() && !seen[d.position]) f.flags |= decide_tail::kFirstTime;
    if (d.position < seen.size()) seen[d.position] = true;
  }
  const std::vector<float> a(pass_a.begin(), pass_a.end());
  decide_tail::print_replay(a, b, cold, warm, facts);
  const double pa = percentile(pass_a, 0.99);
  std::vector<double> fastest(a.size());
  std::vector<std::uint16_t> keys(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    fastest[i] = std::min({a[i], b[i], cold[i]});
    keys[i] = facts[i].key;
  }
  std::printf("  each input's fastest of three, by rule:\n");
  decide_tail::print_by_key(fastest, keys, name_of_key);
  decide_tail::print_platform(cards.size(), percentile(pass_a, 0.5), pa);
}

void run(std::size_t n) {
  std::mt19937_64 rng(42);
  Site site = make_scale_site(rng);
#ifndef VIGIL_BENCH_NO_SITE_INDEX
  site.build_index();
#endif
  std::uniform_int_distribution<int> any_level(0, kLevels - 1);
  PinHash pin;
  pin.iterations = 10'000;
  pin.salt.fill(7);
  pin.digest.fill(9);
  const std::size_t heap_before = heap_in_use();
  PeopleDirectory people;
  people.reserve(n, n);
  for (std::size_t i = 0; i < n; ++i) {
    PersonId id("p" + std::to_string(i));
    people.add_person(
        {id,
         "Person number " + std::to_string(i),
         true,
         {AccessLevelId("level-" + std::to_string(any_level(rng))),
          AccessLevelId("level-" + std::to_string(any_level(rng)))},
         Clearance{i % 50 == 0 ? ClearanceLevel::confidential : ClearanceLevel::secret,
                   LocalDate{kToday + 400}}});
    people.add_credential({card_of(i), id, true, {}, {}});
    people.set_pin(id, pin);
  }
  const std::size_t heap_after = heap_in_use();
  // What vigild keeps: it gives back the arrays' growth slack after a load
  // (a directory without shrink_to_fit, main's, prints the same figure).
  const auto shrink = [](auto& directory) {
    if constexpr (requires { directory.shrink_to_fit(); }) directory.shrink_to_fit();
  };
  shrink(people);
  const std::size_t heap_kept = heap_in_use();
  for (std::size_t i = 0; i < n; i += 100) {
    PersonRisk risk;
    risk.flag = IntegrityFlag{FlagKind::watch, "ethics", {}, "bench", {}};
    if (i % 1000 == 0) {
      const std::int32_t first = kToday - (i % 2000 == 0 ? 1 : 30);
      risk.trips.push_back({static_cast<std::int64_t>(i), LocalDate{first}, LocalDate{first + 5},
                            "XX", "approval", false});
    }
    people.set_risk(PersonId("p" + std::to_string(i)), std::move(risk));
  }
  AccessState state;
  state.lockdowns.set({zone_id(kZones - 1), "guard", {}, "bench"});
  std::uniform_int_distribution<int> inner_zone(1, kZones - 1);
  for (std::size_t i = 0; i < n; i += 10) {
    state.occupancy.enter(PersonId("p" + std::to_string(i)), zone_id(inner_zone(rng)), {});
  }
  // As the Controller does before each input since s21: who is inside,
  // indexed by directory position (main's Occupancy has no index).
  [&](auto& occupancy) {
    if constexpr (requires { occupancy.follow(people); }) occupancy.follow(people);
  }(state.occupancy);
  const TimePoint t{std::chrono::hours(24 * kToday + 10)};
  std::vector<AccessRequest> requests;
  // VIGIL_BENCH_SAMPLES: fewer reads, for runs under callgrind's cache model.
  const char* samples_env = std::getenv("VIGIL_BENCH_SAMPLES");
  const int samples = samples_env != nullptr ? std::atoi(samples_env) : 1'000'000;
  requests.reserve(4096);
  std::uniform_int_distribution<std::size_t> pick(0, n + n / 10);  // ~9% unknown cards
  std::uniform_int_distribution<std::size_t> any_reader(0, site.readers.size() - 1);
  for (int i = 0; i < 4096; ++i) {
    requests.push_back({card_of(pick(rng)), site.readers[any_reader(rng)].id, t, {}});
  }
  const bool tail = std::getenv("VIGIL_BENCH_TAIL") != nullptr;
  const char* cards_env = std::getenv("VIGIL_BENCH_CARDS");
  std::vector<CardNumber> pool;  // VIGIL_BENCH_CARDS: the few cards read
  if (cards_env != nullptr) {
    for (int k = 0; k < std::max(1, std::atoi(cards_env)); ++k) pool.push_back(card_of(pick(rng)));
  }
  std::vector<double> ns;
  ns.reserve(samples);
  std::vector<std::uint16_t> rule_of_call;
  if (tail) rule_of_call.reserve(samples);
  const bool replay = std::getenv("VIGIL_BENCH_REPLAY") != nullptr;
  std::vector<CardNumber> cards;  // VIGIL_BENCH_REPLAY: pass A's cards, in order
  if (replay) cards.reserve(samples);
  std::size_t granted = 0;
  // Every decision's outcome, reason and rule folded in order (s22): two
  // builds that print the same digest decided the same million reads.
  std::uint64_t digest = 0xcbf29ce484222325u;
  const double cpu0 = thread_cpu_ns();
  for (int i = 0; i < samples; ++i) {
    AccessRequest& request = requests[static_cast<std::size_t>(i) % requests.size()];
    request.card = card_of(pick(rng));
    if (!pool.empty()) request.card = pool[static_cast<std::size_t>(i) % pool.size()];
    const auto t0 = std::chrono::steady_clock::now();
    const Decision d = decide(site, people, state, request);
    const auto t1 = std::chrono::steady_clock::now();
    granted += d.granted() || d.outcome == Outcome::wait_for_pin;
    digest = (digest ^
              (static_cast<std::uint64_t>(d.outcome) << 16 |
               static_cast<std::uint64_t>(d.reason) << 8 | static_cast<std::uint64_t>(d.rule))) *
             0x100000001b3u;
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    if (tail) rule_of_call.push_back(key_of(site, request, d));
    if (replay) cards.push_back(request.card);
  }
  const double cpu_per_call = (thread_cpu_ns() - cpu0) / samples;
  if (tail) {
    // The clock pair alone, then one read repeated: what the timer and the
    // VM (preemption, interrupts, the hypervisor) add with every line warm.
    std::vector<double> clock_ns, same_ns;
    clock_ns.reserve(samples);
    same_ns.reserve(samples);
    for (int i = 0; i < samples; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto t1 = std::chrono::steady_clock::now();
      clock_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    const AccessRequest same = requests.front();
    volatile int sink = 0;
    for (int i = 0; i < samples; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const Decision d = decide(site, people, state, same);
      const auto t1 = std::chrono::steady_clock::now();
      sink = sink + static_cast<int>(d.outcome);
      same_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    std::printf(
        "  clock pair alone: median %.0f ns p99 %.0f ns p99.9 %.0f ns; one read repeated: "
        "median %.0f ns p99 %.0f ns p99.9 %.0f ns; huge pages %s\n",
        percentile(clock_ns, 0.5), percentile(clock_ns, 0.99), percentile(clock_ns, 0.999),
        percentile(same_ns, 0.5), percentile(same_ns, 0.99), percentile(same_ns, 0.999),
        huge_pages().c_str());
    decide_tail::print_by_key(ns, rule_of_call, name_of_key);
  }
  if (replay) replay_passes(site, people, state, requests, cards, ns);
  std::sort(ns.begin(), ns.end());
  std::printf(
      "decide() all rules, levels=%d zones=%d people=%zu samples=%d granted=%zu median=%.0f ns "
      "p99=%.0f ns p99.9=%.0f ns cpu=%.0f ns/call decisions=%016llx; directory heap %.0f "
      "bytes/person "
      "(%.0f after shrink_to_fit)\n",
      kLevels, kZones, n, samples, granted, ns[ns.size() / 2], ns[ns.size() * 99 / 100],
      ns[ns.size() * 999 / 1000], cpu_per_call, static_cast<unsigned long long>(digest),
      static_cast<double>(heap_after - heap_before) / static_cast<double>(n),
      static_cast<double>(heap_kept - heap_before) / static_cast<double>(n));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {100'000, 2'000'000};
  for (auto n : sizes) run(n);
}
