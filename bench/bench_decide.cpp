// decide() latency with a large enrolled population.
//
// Enrols N people (each with one card and two access levels) into a
// PeopleDirectory, then times decide() for random known and unknown cards at
// a fixed time inside the schedule, one call per sample, and prints the
// median and p99 of the per-call latency. Usage: bench_decide [N ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "vigil/core/policy.hpp"

using namespace vigil::core;

namespace {

Site make_site() {
  Site s;
  s.zones = {
      {ZoneId("outside"), "Outside", SecurityLevel::public_, {}, ClearanceLevel::none},
      {ZoneId("lobby"), "Lobby", SecurityLevel::public_, {}, ClearanceLevel::none},
      {ZoneId("offices"), "Offices", SecurityLevel::controlled, {}, ClearanceLevel::confidential},
      {ZoneId("server-room"), "Server", SecurityLevel::protected_, {}, ClearanceLevel::secret}};
  Door d;
  d.id = DoorId("offices-door");
  d.from_zone = ZoneId("lobby");
  d.to_zone = ZoneId("offices");
  s.doors = {d};
  s.readers = {{ReaderId("offices-in"), DoorId("offices-door"), Direction::in}};
  s.access_levels = {
      {AccessLevelId("visitors"), {ZoneId("lobby")}, {WeeklyWindow{0x1f, 8 * 60, 17 * 60}}, ""},
      {AccessLevelId("staff"),
       {ZoneId("lobby"), ZoneId("offices")},
       {WeeklyWindow{0x1f, 7 * 60, 19 * 60}},
       ""},
      {AccessLevelId("admins"),
       {ZoneId("lobby"), ZoneId("offices"), ZoneId("server-room")},
       {WeeklyWindow{0x7f, 0, 24 * 60}},
       ""}};
  return s;
}

CardNumber card_of(std::size_t i) {
  return CardNumber{static_cast<std::uint32_t>(i / 65536), i % 65536};
}

void run(std::size_t n) {
  const Site site = make_site();
  PeopleDirectory people;
  people.reserve(n, n);
  for (std::size_t i = 0; i < n; ++i) {
    PersonId id("p" + std::to_string(i));
    people.add_person({id,
                       "Person " + std::to_string(i),
                       true,
                       {AccessLevelId(i % 3 == 0 ? "admins" : "visitors"), AccessLevelId("staff")},
                       // Offices require `confidential`: every read walks the clearance rule.
                       Clearance{ClearanceLevel::confidential, LocalDate{21000}}});
    people.add_credential({card_of(i), id, true, {}, {}});
  }
  // Monday 2026-11-23 10:00 UTC.
  const TimePoint t{std::chrono::hours(24 * 20780 + 10)};
  const AccessState state;
  AccessRequest request{{}, ReaderId("offices-in"), t};
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, n + n / 10);  // ~9% unknown cards
  constexpr int kSamples = 1'000'000;
  std::vector<double> ns;
  ns.reserve(kSamples);
  std::size_t granted = 0;
  for (int i = 0; i < kSamples; ++i) {
    request.card = card_of(pick(rng));
    const auto t0 = std::chrono::steady_clock::now();
    const Decision d = decide(site, people, state, request);
    const auto t1 = std::chrono::steady_clock::now();
    granted += d.granted();
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  std::sort(ns.begin(), ns.end());
  std::printf(
      "decide() people=%zu samples=%d granted=%zu median=%.0f ns p99=%.0f ns p99.9=%.0f ns\n", n,
      kSamples, granted, ns[ns.size() / 2], ns[ns.size() * 99 / 100], ns[ns.size() * 999 / 1000]);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {100'000, 2'000'000};
  for (auto n : sizes) run(n);
}
