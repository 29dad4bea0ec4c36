// Reports (docs/benchmarks.md, "Reports"): `vigilctl report --period
// 2026-10 --format json` without process start, on a journal of two million
// rows spread over 2026 on the demo site (Europe/Berlin, three zones, one
// I/O module): each passage is access_granted, door_unlocked, door_opened,
// entry, door_closed, door_relocked; one read in ten is denied; now and
// then a forced door, a held-open door or the module offline and back.
// Appended through Journal::append in batches, as vigild's writer does.
#include <benchmark/benchmark.h>

#include <sstream>

#include "vigil/config/load.hpp"
#include "vigil/ctl/report.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace {

using namespace vigil;
using core::EventKind;

constexpr std::size_t kRows = 2'000'000;

struct Fixture {
  testing::TempDir dir{"vigil-bench-report"};
  config::SiteConfig site;
  Fixture() {
    auto loaded =
        config::load_site_config(std::string(VIGIL_SOURCE_DIR) + "/config/demo/site.yaml");
    if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
    site = loaded.value();
    site.journal_path = dir.file("j.db").string();
    journal::Journal j(site.journal_path);
    const char* doors[] = {"lobby-main", "offices-door", "server-room-door"};
    const char* zones[] = {"lobby", "offices", "server-room"};
    const auto start = core::from_unix_micros(1'767'225'600'000'000);  // 2026-01-01T00:00Z
    const auto step = std::chrono::microseconds(365LL * 86'400'000'000 / kRows);
    std::vector<core::Event> batch;
    std::size_t n = 0;
    auto add = [&](EventKind kind, std::size_t passage, core::DenyReason reason) {
      core::Event e;
      e.time = start + step * static_cast<std::int64_t>(n++);
      e.kind = kind;
      e.reason = reason;
      const auto d = passage % 3;
      e.door = core::DoorId(doors[d]);
      if (kind == EventKind::access_granted || kind == EventKind::access_denied ||
          kind == EventKind::entry) {
        e.zone = core::ZoneId(zones[d]);
        e.person = core::PersonId("p" + std::to_string(passage % 5000));
        e.reader = core::ReaderId("reader-" + std::to_string(d));
      }
      if (kind == EventKind::device_offline || kind == EventKind::device_online) {
        e.door.reset();
        e.device = core::DeviceId("io1");
      }
      batch.push_back(std::move(e));
    };
    for (std::size_t passage = 0; n < kRows; ++passage) {
      if (passage % 10 == 9) {
        add(EventKind::access_denied, passage, core::DenyReason::no_access_level);
      } else if (passage % 5000 == 17) {
        add(EventKind::door_forced, passage, core::DenyReason::none);
      } else if (passage % 5000 == 42) {
        add(EventKind::device_offline, passage, core::DenyReason::none);
        add(EventKind::device_online, passage, core::DenyReason::none);
      } else {
        for (auto kind :
             {EventKind::access_granted, EventKind::door_unlocked, EventKind::door_opened,
              EventKind::entry, EventKind::door_closed, EventKind::door_relocked}) {
          add(kind, passage, core::DenyReason::none);
        }
      }
      if (batch.size() >= 10'000) {
        j.append(batch);
        batch.clear();
      }
    }
    if (!batch.empty()) j.append(batch);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_ReportOneMonth(benchmark::State& state, std::string format) {
  auto& f = fixture();
  const auto now = core::from_unix_micros(1'795'000'000'000'000);  // 2026-11-18
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out, err;
    if (ctl::report(f.site, {.period = "2026-10", .format = format, .now = now}, out, err) != 0)
      state.SkipWithError(err.str().c_str());
    bytes = out.str().size();
  }
  state.counters["output_bytes"] = static_cast<double>(bytes);
}
BENCHMARK_CAPTURE(BM_ReportOneMonth, json, std::string("json"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_ReportOneMonth, html, std::string("html"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();

void BM_ReportOneYear(benchmark::State& state) {
  auto& f = fixture();
  const auto now = core::from_unix_micros(1'795'000'000'000'000);
  for (auto _ : state) {
    std::ostringstream out, err;
    if (ctl::report(f.site, {.period = "2026", .format = "json", .now = now}, out, err) != 0)
      state.SkipWithError(err.str().c_str());
  }
}
BENCHMARK(BM_ReportOneYear)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
