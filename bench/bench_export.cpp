// Signed exports (docs/benchmarks.md, "Signed exports"): one million journal
// rows, appended through Journal::append in batches as vigild's writer does,
// exported to CSV with the signed manifest (file written, fsync not
// included), then checked by verify_export as `log verify-export` does
// (files read, signature, digest, every row's hash, the chain). The export
// reports the CPU of its reading thread (this one) and of its writing one.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <fstream>
#include <sstream>

#include "vigil/journal/export.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace {

using namespace vigil;

constexpr std::size_t kRows = 1'000'000;

struct Fixture {
  testing::TempDir dir{"vigil-bench-export"};
  std::filesystem::path db = dir.file("j.db");
  Fixture() {
    journal::Journal j(db);
    std::vector<core::Event> batch(10'000);
    for (std::size_t done = 0; done < kRows; done += batch.size()) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto n = done + i;
        auto& e = batch[i];
        e = core::Event{};
        e.time =
            core::from_unix_micros(1'790'000'000'000'000 + static_cast<std::int64_t>(n) * 1000);
        e.kind = n % 4 == 3 ? core::EventKind::access_denied : core::EventKind::access_granted;
        e.reason = n % 4 == 3 ? core::DenyReason::no_access_level : core::DenyReason::none;
        e.person = core::PersonId{"p-" + std::to_string(n % 5000)};
        e.door = core::DoorId{"door-" + std::to_string(n % 40)};
        e.reader = core::ReaderId{"reader-" + std::to_string(n % 40)};
        e.zone = core::ZoneId{"zone-" + std::to_string(n % 8)};
        e.card = core::CardNumber{.facility = 12, .number = 1000 + n % 5000};
      }
      j.append(batch);
    }
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

double cpu_seconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

void BM_ExportSignedCsv(benchmark::State& state) {
  auto& f = fixture();
  auto key = journal::GatewayKey::load_or_create(f.dir.file("k.key"), f.dir.file("k.pub"));
  journal::Journal j(f.db);
  // CPU per thread: this one reads the rows (RUSAGE_THREAD); the rest of
  // the process's CPU in the loop is the export's writing thread.
  const double thread_before = cpu_seconds(RUSAGE_THREAD);
  const double process_before = cpu_seconds(RUSAGE_SELF);
  for (auto _ : state) {
    std::ofstream data(f.dir.file("out.csv"), std::ios::binary | std::ios::trunc);
    auto manifest = journal::write_export(j, {.format = journal::ExportFormat::csv}, data);
    data.close();
    journal::sign_manifest(manifest, key);
    std::ofstream(f.dir.file("out.csv.manifest.json")) << journal::manifest_to_json(manifest);
    if (manifest.rows != kRows) state.SkipWithError("wrong row count");
  }
  const double reader = cpu_seconds(RUSAGE_THREAD) - thread_before;
  const double writer = cpu_seconds(RUSAGE_SELF) - process_before - reader;
  const auto n = static_cast<double>(state.iterations());
  state.counters["reader_cpu_s"] = reader / n;
  state.counters["writer_cpu_s"] = writer / n;
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows) * state.iterations(),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExportSignedCsv)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void BM_VerifyExport(benchmark::State& state) {
  auto& f = fixture();
  auto pub = journal::read_public_key(f.dir.file("k.pub"));
  for (auto _ : state) {
    const auto data = slurp(f.dir.file("out.csv"));
    const auto manifest = slurp(f.dir.file("out.csv.manifest.json"));
    auto result = journal::verify_export(data, manifest, *pub);
    if (!result.ok()) state.SkipWithError(result.problems.front().message.c_str());
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(kRows) * state.iterations(),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VerifyExport)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
