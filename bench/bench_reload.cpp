// A site config reload on a large site (docs/config.md "Reloading the
// config"): what runs on the reload's own thread (read the text, load and
// validate it, compare it with the rules in force: config::plan_reload) and
// what runs on the door loop between two inputs (copy the planned site,
// Controller::reload over every door). The loop's part is the one a card
// read may wait behind (BM_ReloadLoop; BM_SiteCopy is the site copy vigild
// makes on the reload's thread, not the loop). Site: 1,000 access levels x 200 zones, 256 doors on
// one I/O module, one changed door timing and one changed level.
//
//   build-bench/bench/bench_reload --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <string>

#include "vigil/config/load.hpp"
#include "vigil/config/reload.hpp"
#include "vigil/core/controller.hpp"

namespace {

constexpr int kZones = 200;
constexpr int kLevels = 1000;
constexpr int kDoors = 256;

// `unlock` is door 0's unlock_time, `first_level_zones` the zones of level 0:
// the two places a reload changes.
std::string site_text(const std::string& unlock, int first_level_zones) {
  std::string y = "site: { id: big, gateway: gw1, time_zone: UTC }\n";
  y += "journal: { path: /tmp/bench-reload.db }\n";
  y += "devices:\n  - { id: io1, type: modbus_tcp, host: 127.0.0.1, unit: 1, coils: " +
       std::to_string(kDoors) + ", inputs: " + std::to_string(kDoors) + " }\n";
  y += "zones:\n";
  for (int z = 0; z < kZones; ++z) {
    y += "  - { id: z" + std::to_string(z) +
         (z % 10 == 0 ? std::string{} : ", parent: z" + std::to_string(z - z % 10)) + " }\n";
  }
  y += "doors:\n";
  for (int d = 0; d < kDoors; ++d) {
    y += "  - { id: d" + std::to_string(d) + ", from: outside, to: z" + std::to_string(d % kZones) +
         ", lock: { device: io1, coil: " + std::to_string(d) +
         " }, contact: { device: io1, input: " + std::to_string(d) +
         " }, unlock_time: " + (d == 0 ? unlock : std::string("5s")) + " }\n";
  }
  y += "access_levels:\n";
  for (int l = 0; l < kLevels; ++l) {
    const int n = l == 0 ? first_level_zones : 10;
    y += "  - { id: l" + std::to_string(l) + ", zones: [";
    for (int i = 0; i < n; ++i) y += (i ? ", z" : "z") + std::to_string((l * 7 + i * 13) % kZones);
    y += "], schedule: always }\n";
  }
  return y;
}

vigil::config::SiteConfig load(const std::string& text) {
  return vigil::config::load_site_config_from_string(text, "/tmp/bench-reload.yaml").value();
}

// The reload's own thread: load the new text and plan it over the running one.
void BM_ReloadThread(benchmark::State& state) {
  const std::string running_text = site_text("5s", 10);
  const vigil::config::SiteConfig running = load(running_text);
  const std::string next_text = site_text("8s", 12);
  for (auto _ : state) {
    auto next = load(next_text);
    auto plan = vigil::config::plan_reload(running_text, running.site, next);
    if (!plan.ok() || plan.changed.size() != 2)
      state.SkipWithError("the plan is not the expected one");
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_ReloadThread)->Unit(benchmark::kMillisecond);

// The door loop's part: swap the planned site in over every door (vigild
// builds the site on the reload's thread; the copy is paused out here).
void BM_ReloadLoop(benchmark::State& state) {
  const std::string running_text = site_text("5s", 10);
  const vigil::config::SiteConfig running = load(running_text);
  const auto plan =
      vigil::config::plan_reload(running_text, running.site, load(site_text("8s", 12)));
  vigil::core::PeopleDirectory people;
  vigil::core::Controller controller(running.site, people);
  const vigil::core::TimePoint wall{std::chrono::hours(24 * 20780 + 10)};
  vigil::core::MonoTime mono{std::chrono::hours(1)};
  controller.start(wall, mono);
  std::vector<std::unique_ptr<vigil::core::Site>> kept;
  for (auto _ : state) {
    state.PauseTiming();
    auto site = std::make_unique<vigil::core::Site>(plan.site);
    state.ResumeTiming();
    mono += std::chrono::milliseconds(1);
    benchmark::DoNotOptimize(controller.reload(*site, wall, mono));
    kept.push_back(std::move(site));  // alive as vigild keeps them
  }
}
BENCHMARK(BM_ReloadLoop)->Unit(benchmark::kMicrosecond);

// What the loop's part cost before s28's last change: the site copied there.
void BM_SiteCopy(benchmark::State& state) {
  const vigil::config::SiteConfig running = load(site_text("5s", 10));
  for (auto _ : state) {
    auto site = std::make_unique<vigil::core::Site>(running.site);
    benchmark::DoNotOptimize(site);
  }
}
BENCHMARK(BM_SiteCopy)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
