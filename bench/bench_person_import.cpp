// Issue 8's start-up and import measures: `vigilctl person import` of a
// generated people CSV (wall, CPU and peak RSS of the child, from wait4's
// rusage) and vigild's start to ready on the imported file (its log line
// "N people, M credentials" and then the control socket answering), for
// one or two builds, interleaved round by round.
//
//   build/bench/bench_person_import [ROWS=2000000] [ROUNDS=2] [BEFORE_BUILD_TREE|-]
//                                   [import]
//
// BEFORE_BUILD_TREE is another build tree with vigilctl and vigild built
// (e.g. main's in /tmp/x-before/build): given, each round runs it first,
// then this build's ("-": none). `import`: the imports only, no vigild
// start (the start at 2,000,000 people takes minutes on a loaded machine).
//
// BENCH_START_ONLY=1 times vigild's start alone (s21-startup): one import
// (this build's vigilctl), kept as a pristine copy; then each round, each
// build's vigild starts on a fresh copy of it (the first start after an
// import: every imported row after the incident cursor and the newest
// checkpoint) and again on the same file after a clean stop (a second
// start). Each start runs with VIGIL_PHASES=1 and its phase lines are
// printed. BEFORE_BUILD_TREE may then also be a folder holding vigild.
// BENCH_IMPORTED_DB=<file> starts from that imported file instead of
// importing (its people must be the generated CSV's, the site is the same).
#include <fcntl.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "child_run.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using vigil::testing::ChildProcess;
using vigil::testing::TempDir;

namespace {

using Run = vigil::bench::ChildRun;

Run run(const std::vector<std::string>& argv) {
  return vigil::bench::run_child(argv);
}

void write_people(const fs::path& csv, std::size_t rows) {
  std::ofstream out(csv, std::ios::binary);
  out << "person_id,name,card,access_levels,active,valid_from,valid_until,clearance,"
         "clearance_expires\n";
  char line[256];
  for (std::size_t i = 0; i < rows; ++i) {
    const int n = std::snprintf(line, sizeof line,
                                "p%07zu,\"Person %zu, Test\",%zu:%zu,staff;night,true,2026-01-01,"
                                "2027-12-31,secret,2027-06-30\n",
                                i, i, 100 + i / 65536, i % 65536);
    out.write(line, n);
  }
}

std::string user() {
  const passwd* entry = ::getpwuid(::geteuid());
  return entry != nullptr ? entry->pw_name : "uid:" + std::to_string(::geteuid());
}

void write_config(const fs::path& config, const fs::path& db) {
  std::ofstream out(config);
  out << "site: { id: bench-site, gateway: gw1, time_zone: UTC }\n"
      << "journal: { path: " << db.string() << " }\n"
      << "broker: { host: 127.0.0.1, port: 9, topic_root: vigil }\n"
      << "devices:\n  - { id: io0, type: modbus_tcp, host: 127.0.0.1, port: 9, unit: 1, "
         "coils: 8, inputs: 8 }\n"
      << "zones:\n  - { id: zone-0 }\n"
      << "doors:\n  - { id: door-0, from: outside, to: zone-0, lock: { device: io0, coil: 0 }, "
         "contact: { device: io0, input: 0 } }\n"
      << "access_levels:\n  - { id: staff, zones: [zone-0], schedule: always }\n"
      << "  - { id: night, zones: [zone-0], schedule: always }\n"
      << "operators:\n  - { user: \"" << user()
      << "\", roles: [facilities, auditor, supervisor, admin], zones: [\"*\"] }\n";
}

// vigild from exec to its control socket answering; CPU and RSS of vigild
// at that moment from /proc (the CPU includes the first moments of the
// background full verify, which starts with the doors).
Run start_vigild(const std::string& bin_dir, const fs::path& config, const fs::path& log) {
  Run r;
  const auto t0 = std::chrono::steady_clock::now();
  ChildProcess vigild({bin_dir + "/vigild", "-c", config.string()}, log);
  const std::vector<std::string> status{bin_dir + "/vigilctl", "log",     "query", "--config",
                                        config.string(),       "--limit", "1"};
  for (int i = 0; i < 2400 && !r.ok; ++i) {
    r.ok = run(status).ok;
    if (!r.ok) std::this_thread::sleep_for(50ms);
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ifstream stat("/proc/" + std::to_string(vigild.pid()) + "/stat");
  std::string field;
  for (int i = 1; i <= 15 && stat >> field; ++i) {
    if (i == 14 || i == 15)
      r.cpu_s += std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  std::ifstream proc("/proc/" + std::to_string(vigild.pid()) + "/status");
  for (std::string line; std::getline(proc, line);) {
    if (line.rfind("VmHWM:", 0) == 0) r.peak_mib = std::stod(line.substr(6)) / 1024.0;
  }
  // A clean stop (its checkpoint signs the head), as a restart would see.
  vigild.stop(std::chrono::seconds(120));
  return r;
}

void print_phases(const fs::path& log) {
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("phase vigild-start", 0) == 0) std::printf("    %s\n", line.c_str() + 19);
  }
}

// vigild's first and second start on copies of one imported file.
int start_only(const std::vector<std::pair<std::string, std::string>>& builds, const TempDir& dir,
               const fs::path& csv, int rounds) {
  ::setenv("VIGIL_PHASES", "1", 1);
  const auto& [this_name, this_dirs] = builds.back();
  const std::string ctl_dir = this_dirs.substr(0, this_dirs.find('|'));
  const fs::path pristine = dir.path() / "imported.db";
  const fs::path import_config = dir.path() / "imported.yaml";
  write_config(import_config, pristine);
  if (const char* given = std::getenv("BENCH_IMPORTED_DB")) {
    fs::copy_file(given, pristine);  // a file imported earlier: no import here
  } else {
    const Run imported =
        run({ctl_dir + "/vigilctl", "person", "import", "--config", import_config.string(), csv});
    std::printf("vigilctl person import (%s): %s wall %.1f s  cpu %.1f s  peak RSS %.1f MiB\n",
                this_name.c_str(), imported.ok ? "ok" : "FAILED", imported.wall_s, imported.cpu_s,
                imported.peak_mib);
    if (!imported.ok) return 1;
  }
  for (int round = 1; round <= rounds; ++round) {
    for (const auto& [name, dirs] : builds) {
      const auto bar = dirs.find('|');
      const std::string vigild_dir = bar == std::string::npos ? dirs : dirs.substr(bar + 1);
      const fs::path db = dir.path() / (name + ".db");
      for (const auto& entry : fs::directory_iterator(dir.path())) {
        if (entry.path().filename().string().rfind(name + ".db", 0) == 0) fs::remove(entry.path());
      }
      fs::copy_file(pristine, db);
      const fs::path config = dir.path() / (name + ".yaml");
      write_config(config, db);
      const fs::path bin = dir.path() / ("bin-" + name);
      fs::create_directories(bin);
      for (const auto& [tool, from] : {std::pair{"vigild", vigild_dir}, {"vigilctl", ctl_dir}}) {
        if (!fs::exists(bin / tool)) fs::create_symlink(fs::path(from) / tool, bin / tool);
      }
      for (const char* which : {"first", "second"}) {
        const fs::path log =
            dir.path() / (name + "-r" + std::to_string(round) + "-" + which + ".log");
        const Run started = start_vigild(bin.string(), config, log);
        std::printf(
            "round %d %-6s vigild %-6s start to ready: %s wall %6.2f s  cpu %6.2f s  peak RSS "
            "%7.1f MiB\n",
            round, name.c_str(), which, started.ok ? "ok" : "FAILED", started.wall_s, started.cpu_s,
            started.peak_mib);
        print_phases(log);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<std::pair<std::string, std::string>> builds;
  const bool import_only = argc > 4 && std::string{argv[4]} == "import";
  if (argc > 3 && std::string{argv[3]} != "-") {
    const std::string tree = argv[3];  // another build tree, laid out as this one
    if (fs::exists(fs::path(tree) / "vigild")) {
      builds.emplace_back("before", tree + "|" + tree);  // binaries copied into one folder
    } else {
      builds.emplace_back("before", tree + "/daemon/ctl|" + tree + "/daemon/app");
    }
  }
  builds.emplace_back("after", fs::path(VIGILCTL_PATH).parent_path().string() + "|" +
                                   fs::path(VIGILD_PATH).parent_path().string());
  TempDir dir("vigil-bench-import");
  const fs::path csv = dir.path() / "people.csv";
  if (std::getenv("BENCH_IMPORTED_DB") == nullptr) {
    write_people(csv, rows);
    std::printf("people.csv: %zu rows, %.1f MiB\n", rows,
                static_cast<double>(fs::file_size(csv)) / 1048576.0);
  }
  if (std::getenv("BENCH_START_ONLY") != nullptr) return start_only(builds, dir, csv, rounds);
  for (int round = 1; round <= rounds; ++round) {
    for (const auto& [name, dirs] : builds) {
      // "directory of vigilctl|directory of vigild".
      const auto bar = dirs.find('|');
      const std::string ctl_dir = bar == std::string::npos ? dirs : dirs.substr(0, bar);
      const std::string vigild_dir = bar == std::string::npos ? dirs : dirs.substr(bar + 1);
      const fs::path db = dir.path() / (name + ".db");
      for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
      const fs::path config = dir.path() / (name + ".yaml");
      write_config(config, db);
      const Run imported =
          run({ctl_dir + "/vigilctl", "person", "import", "--config", config.string(), csv});
      std::printf(
          "round %d %-6s vigilctl person import: %s wall %6.1f s  cpu %6.1f s  peak RSS %7.1f "
          "MiB\n",
          round, name.c_str(), imported.ok ? "ok" : "FAILED", imported.wall_s, imported.cpu_s,
          imported.peak_mib);
      std::fflush(stdout);
      if (import_only) continue;
      // Both vigild binaries need both tools side by side: link them.
      const fs::path bin = dir.path() / ("bin-" + name);
      fs::create_directories(bin);
      for (const auto& [tool, from] : {std::pair{"vigild", vigild_dir}, {"vigilctl", ctl_dir}}) {
        if (!fs::exists(bin / tool)) fs::create_symlink(fs::path(from) / tool, bin / tool);
      }
      const Run started = start_vigild(bin.string(), config, dir.path() / (name + "-vigild.log"));
      std::printf(
          "round %d %-6s vigild start to ready:  %s wall %6.1f s  cpu %6.1f s  peak RSS %7.1f "
          "MiB\n",
          round, name.c_str(), started.ok ? "ok" : "FAILED", started.wall_s, started.cpu_s,
          started.peak_mib);
      std::fflush(stdout);
    }
  }
  return 0;
}
