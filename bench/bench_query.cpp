// Issue 10's query measures on a large journal, end to end as a user types
// them: `vigilctl log query` through the running vigild's control socket
// (process start, socket, the audit record in the hash chain, the rows
// printed), against the same query typed into the `sqlite3` shell on the
// same file in the same run.
//
//   build/bench/bench_query [ROWS=10000000] [DIR [generate]]
//   BENCH_QUERY_BEFORE=OTHER_BUILD/bin build/bench/bench_query 10000000 DIR
//
// ROWS access events over 2026 (5,000 people, 40 doors in 8 zones, a quarter
// of them denials) are appended through Journal::append in batches of
// 100,000 (one transaction, one fsync each; a 768 MiB page cache), after a
// roster import of the 5,000 people. With DIR, the journal is kept there and
// reused by the next run with the same ROWS (minutes at 10 million rows);
// `generate` stops after making it. BENCH_QUERY_BEFORE names a folder with
// another build's vigild and vigilctl, measured in the same run, round by
// round; each line gives the median wall time, p90, the command's own CPU
// time and vigild's CPU time per request (its threads' schedstat, in ns).
// Each vigild is measured once its start-up recheck has ended and its
// outbox is empty (a generated journal's rows are streamed at the first
// start), after one unmeasured query that fills the front's socket cache.
// BENCH_QUERY_BEFORE_FILE=PATH (with BENCH_QUERY_BEFORE) gives the before
// build its own copy of the journal (one with the indexes of before, which
// the after build would migrate); the shell is then measured on each file.
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "child_run.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace vigil;

namespace {

constexpr int kPeople = 5000;
constexpr int kDoors = 40;
constexpr int kZones = 8;
// 2026-01-01T00:00:00Z, and the year's length.
constexpr std::int64_t kYearStartUs = 1'767'225'600'000'000;
constexpr std::int64_t kYearUs = 365LL * 86'400'000'000;

std::string person(std::uint64_t i) {
  char b[16];
  std::snprintf(b, sizeof b, "p%04d", static_cast<int>(i % kPeople));
  return b;
}

core::TimePoint at_us(std::int64_t us) {
  return core::from_unix_micros(us);
}

void generate(const fs::path& db, std::uint64_t rows) {
  {
    std::vector<core::Person> people;
    std::vector<core::Credential> cards;
    for (int i = 0; i < kPeople; ++i) {
      people.push_back(core::Person{core::PersonId(person(static_cast<std::uint64_t>(i))),
                                    "Person " + std::to_string(i),
                                    true,
                                    {core::AccessLevelId("everyone")}});
      cards.push_back(core::Credential{{12, static_cast<std::uint64_t>(1000 + i)},
                                       core::PersonId(person(static_cast<std::uint64_t>(i))),
                                       true,
                                       {},
                                       {}});
    }
    journal::Roster roster(db, "bench-query");
    roster.import(journal::RosterFile{.people = std::move(people),
                                      .credentials = std::move(cards),
                                      .name = "bench",
                                      .sha256 = journal::sha256_hex("bench"),
                                      .replace = false},
                  at_us(kYearStartUs - 1'000'000));
  }
  // The real writer, with a cache that holds the hot person and card index
  // pages and batches of 100,000 (one fsync each): the rows and the chain are
  // the same as vigild's, only produced faster.
  journal::Journal j(db, journal::JournalOptions{.cache_bytes = 768u << 20});
  std::vector<core::Event> batch(100'000);
  const std::int64_t step = kYearUs / static_cast<std::int64_t>(rows);
  for (std::uint64_t done = 0; done < rows; done += batch.size()) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(batch.size(), rows - done));
    std::vector<core::Event> events(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t k = done + i;
      auto& e = events[i];
      const bool denied = k % 4 == 3;
      const std::uint64_t who = (k * 7919) % kPeople;
      const std::uint64_t door = (k * 31) % kDoors;
      e.time = at_us(kYearStartUs + static_cast<std::int64_t>(k) * step);
      e.kind = denied ? core::EventKind::access_denied : core::EventKind::access_granted;
      e.reason = denied ? core::DenyReason::no_access_level : core::DenyReason::none;
      e.person = core::PersonId(person(who));
      e.door = core::DoorId("door-" + std::to_string(door));
      e.reader = core::ReaderId("reader-" + std::to_string(door));
      e.zone = core::ZoneId("zone-" + std::to_string(door % kZones));
      e.card = core::CardNumber{.facility = 12, .number = 1000 + who};
    }
    j.append(events);
    if (done % 1'000'000 == 0)
      std::fprintf(stderr, "generated %llu rows\n", static_cast<unsigned long long>(done));
  }
}

std::string user() {
  const passwd* entry = ::getpwuid(::geteuid());
  return entry != nullptr ? entry->pw_name : "uid:" + std::to_string(::geteuid());
}

void write_config(const fs::path& config, const fs::path& db, int broker_port) {
  std::ofstream out(config);
  out << "site: { id: bench-site, gateway: gw1, time_zone: UTC }\n"
      << "journal: { path: " << db.string() << " }\n"
      << "broker: { host: 127.0.0.1, port: " << broker_port << ", topic_root: vigil }\n"
      << "devices:\n";
  // Lock modules nobody serves: vigild keeps them offline and still serves queries.
  for (int m = 0; m < kDoors / 8; ++m) {
    out << "  - { id: io" << m << ", type: modbus_tcp, host: 127.0.0.1, port: 9, unit: 1, "
        << "coils: 8, inputs: 8 }\n";
  }
  out << "zones:\n";
  for (int z = 0; z < kZones; ++z) out << "  - { id: zone-" << z << " }\n";
  out << "doors:\n";
  for (int d = 0; d < kDoors; ++d) {
    out << "  - { id: door-" << d << ", from: outside, to: zone-" << d % kZones
        << ", lock: { device: io" << d / 8 << ", coil: " << d % 8 << " }, contact: { device: io"
        << d / 8 << ", input: " << d % 8 << " } }\n";
  }
  out << "access_levels:\n  - { id: everyone, zones: [";
  for (int z = 0; z < kZones; ++z) out << (z ? ", " : "") << "zone-" << z;
  out << "], schedule: always }\n"
      << "operators:\n  - { user: \"" << user()
      << "\", roles: [facilities, auditor, supervisor, admin], zones: [\"*\"] }\n";
}

struct Run {
  double wall_ms = -1;  // -1: it failed
  double cpu_ms = 0;    // the command's own user + system time
};

// Runs argv with stdout to /dev/null (child_run.hpp).
Run run_once(const std::vector<std::string>& argv) {
  const bench::ChildRun c = bench::run_child(argv);
  return Run{c.ok ? c.wall_s * 1e3 : -1, c.cpu_s * 1e3};
}

double run_ms(const std::vector<std::string>& argv) {
  return run_once(argv).wall_ms;
}

// CPU milliseconds a process's live threads have used so far, from each
// thread's schedstat (nanoseconds: /proc/PID/stat counts clock ticks, 10 ms
// steps, which made "vigild cpu" per request move in steps of 1.4 ms over 7
// runs). vigild's threads live as long as it does.
double process_cpu_ms(pid_t pid) {
  double ns = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    unsigned long long on_cpu = 0;
    if (in >> on_cpu) ns += static_cast<double>(on_cpu);
  }
  return ns / 1e6;
}

// Rows vigild's outbox still holds (messages it has yet to publish), or -1
// when the file cannot be read.
long long outbox_rows(const fs::path& db) {
  sqlite3* connection = nullptr;
  long long rows = -1;
  if (sqlite3_open_v2(db.c_str(), &connection, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(connection, 5000);
    sqlite3_stmt* count = nullptr;
    if (sqlite3_prepare_v2(connection, "SELECT count(*) FROM outbox", -1, &count, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(count) == SQLITE_ROW) {
      rows = sqlite3_column_int64(count, 0);
    }
    sqlite3_finalize(count);
  }
  sqlite3_close(connection);
  return rows;
}

struct Samples {
  std::vector<double> wall, cpu, server_cpu;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double p90(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() * 9 / 10];
}

// `runs` runs of argv into `into`; vigild's CPU over them, per run, too.
bool measure(Samples& into, const std::vector<std::string>& argv, int runs, pid_t server) {
  const double server0 = server > 0 ? process_cpu_ms(server) : 0;
  for (int i = 0; i < runs; ++i) {
    const Run r = run_once(argv);
    if (r.wall_ms < 0) return false;
    into.wall.push_back(r.wall_ms);
    into.cpu.push_back(r.cpu_ms);
  }
  if (server > 0) into.server_cpu.push_back((process_cpu_ms(server) - server0) / runs);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  std::unique_ptr<testing::TempDir> temp;
  fs::path dir;
  if (argc > 2) {
    dir = argv[2];
    fs::create_directories(dir);
  } else {
    temp = std::make_unique<testing::TempDir>("vigil-bench-query");
    dir = temp->path();
  }
  const fs::path db = dir / ("journal-" + std::to_string(rows) + ".db");
  if (!fs::exists(db)) {
    const auto t0 = std::chrono::steady_clock::now();
    generate(db, rows);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("generated %llu rows in %.1f s (%.0f rows/s)\n",
                static_cast<unsigned long long>(rows), s, static_cast<double>(rows) / s);
  }
  // `bench_query ROWS DIR generate`: make the file and stop (to generate
  // while the binaries under test are still being built).
  if (argc > 3 && std::string{argv[3]} == "generate") return 0;
  std::uintmax_t bytes = fs::file_size(db);
  std::printf("journal: %.1f MiB, %.1f MiB per million rows\n",
              static_cast<double>(bytes) / 1048576.0,
              static_cast<double>(bytes) / 1048576.0 / (static_cast<double>(rows) / 1e6));

  testing::MosquittoProcess broker;
  const fs::path config = dir / "site.yaml";
  write_config(config, db, broker.port());

  const std::string month_from = "2026-06-01";
  const std::string month_to = "2026-07-01";
  const std::string day_from = "2026-06-15";
  const std::string day_to = "2026-06-16";
  const std::int64_t june = kYearStartUs + 151LL * 86'400'000'000;
  const std::int64_t july = kYearStartUs + 181LL * 86'400'000'000;
  const std::int64_t d15 = kYearStartUs + 165LL * 86'400'000'000;
  const std::int64_t d16 = d15 + 86'400'000'000;
  const std::string cols =
      "SELECT e.seq, e.ts_us, k.text, r.text, p.text, d.text, e.card FROM events e "
      "JOIN names k ON k.id = e.kind_id JOIN names r ON r.id = e.reason_id "
      "LEFT JOIN names p ON p.id = e.person_id LEFT JOIN names d ON d.id = e.door_id ";
  const std::string sql_person = cols +
                                 "WHERE e.person_id = (SELECT id FROM names WHERE text = 'p0042') "
                                 "AND e.ts_us >= " +
                                 std::to_string(june) + " AND e.ts_us < " + std::to_string(july) +
                                 " ORDER BY e.seq;";
  const std::string sql_zone = cols +
                               "WHERE e.door_id IN (SELECT door_id FROM door_zones WHERE zone_id = "
                               "(SELECT id FROM names WHERE text = 'zone-3')) AND e.ts_us >= " +
                               std::to_string(d15) + " AND e.ts_us < " + std::to_string(d16) +
                               " ORDER BY e.seq;";
  // BENCH_QUERY_BEFORE=DIR (a folder holding another build's vigild and
  // vigilctl): both builds on the same file in the same run, interleaved
  // round by round. BENCH_QUERY_LOG_LEVEL=debug: vigild logs where each
  // request's time went.
  struct Build {
    std::string name, vigild, vigilctl;
    fs::path db, config;
  };
  std::vector<Build> builds{{"after", VIGILD_PATH, VIGILCTL_PATH, db, config}};
  const char* before_file = std::getenv("BENCH_QUERY_BEFORE_FILE");
  if (const char* before = std::getenv("BENCH_QUERY_BEFORE")) {
    builds.insert(builds.begin(), Build{"before", std::string{before} + "/vigild",
                                        std::string{before} + "/vigilctl", db, config});
    if (before_file != nullptr) {
      builds.front().db = before_file;
      builds.front().config = builds.front().db.parent_path() / "site.yaml";
      write_config(builds.front().config, builds.front().db, broker.port());
    }
  }
  // One shell line per file.
  auto shell_tag = [&](const Build& build) {
    return builds.size() > 1 && before_file != nullptr ? " [" + build.name + "]" : std::string{};
  };
  const char* rounds_env = std::getenv("BENCH_QUERY_ROUNDS");
  const int rounds = rounds_env != nullptr ? std::atoi(rounds_env) : (builds.size() > 1 ? 3 : 1);
  const int runs = std::max(1, 21 / rounds);
  const char* level = std::getenv("BENCH_QUERY_LOG_LEVEL");
  std::map<std::string, Samples> results;
  std::vector<std::string> order;
  auto slot = [&](const std::string& key) -> Samples& {
    if (!results.contains(key)) order.push_back(key);
    return results[key];
  };
  for (int round = 0; round < rounds; ++round) {
    for (const auto& build : builds) {
      const fs::path log = dir / ("vigild-" + build.name + "-" + std::to_string(round) + ".log");
      const fs::path& config = build.config;
      const fs::path& db = build.db;
      // ChildProcess appends to the log: a log kept from an earlier run
      // already holds "journal fully rechecked", and the wait below would
      // end at once, measuring while the recheck of the whole chain still
      // ran on two threads (the s19 figures were taken so).
      fs::remove(log);
      testing::ChildProcess vigild(
          {build.vigild, "-c", config.string(), "--log-level", level != nullptr ? level : "info"},
          log);
      // Ready when a query through the socket answers.
      const std::vector<std::string> status{build.vigilctl,  "log",     "query", "--config",
                                            config.string(), "--limit", "1"};
      bool up = false;
      for (int i = 0; i < 300 && !up; ++i) {
        up = run_ms(status) >= 0;
        if (!up) std::this_thread::sleep_for(100ms);
      }
      if (!up) {
        std::fprintf(stderr, "vigild did not answer; see %s\n", log.c_str());
        return 1;
      }
      // The start check rechecks the whole chain in the background: let it finish.
      bool rechecked = false;
      for (int i = 0; i < 1200 && !rechecked; ++i) {
        std::ifstream in(log);
        const std::string text{std::istreambuf_iterator<char>(in), {}};
        rechecked = text.find("journal fully rechecked") != std::string::npos;
        if (!rechecked) std::this_thread::sleep_for(500ms);
      }
      if (!rechecked) {
        std::fprintf(stderr, "vigild did not finish its recheck in 10 minutes; see %s\n",
                     log.c_str());
        return 1;
      }
      // A generated journal's rows were never published: vigild's first
      // start streams them all into its outbox (10 million events) and its
      // sender publishes them for minutes on both cores. 1.1 million were
      // still queued in the s21 quiet run at 05:43, so its "vigild cpu" was
      // the sender's. Measure once the backlog is gone, as on a gateway
      // that has been running.
      bool drained = false;
      for (int i = 0; i < 2400 && !drained; ++i) {
        const long long queued = outbox_rows(db);
        drained = queued >= 0 && queued <= 10;
        if (!drained && i % 20 == 0) {
          std::fprintf(stderr, "waiting for vigild to publish its outbox: %lld rows\n", queued);
        }
        if (!drained) std::this_thread::sleep_for(500ms);
      }
      if (!drained) {
        std::fprintf(stderr, "vigild did not empty its outbox in 20 minutes; see %s\n",
                     log.c_str());
        return 1;
      }
      std::this_thread::sleep_for(2s);
      const std::string& ctl = build.vigilctl;
      // One query first, not measured: vigilctl-local loads the site config
      // and fills the front's socket cache (the config was written seconds
      // ago, too fresh to be remembered by the start-up probe), and vigild
      // opens its read connection. Both builds get it.
      if (run_ms({ctl, "log", "query", "--config", config.string(), "--limit", "1"}) < 0) {
        std::fprintf(stderr, "the first query failed (%s); see %s\n", build.name.c_str(),
                     log.c_str());
        return 1;
      }
      const std::string tag = " [" + build.name + "]";
      bool ok =
          measure(slot("vigilctl --help (process start only)" + tag), {ctl, "--help"}, runs, -1);
      ok = ok && measure(slot("log query --person p0042, June" + tag),
                         {ctl, "log", "query", "--config", config.string(), "--person", "p0042",
                          "--from", month_from, "--to", month_to},
                         runs, vigild.pid());
      ok = ok && measure(slot("sqlite3 shell, the same person's June" + shell_tag(build)),
                         {"sqlite3", "-readonly", db.string(), sql_person}, runs, -1);
      ok = ok && measure(slot("log query --zone zone-3, 15 June" + tag),
                         {ctl, "log", "query", "--config", config.string(), "--zone", "zone-3",
                          "--from", day_from, "--to", day_to},
                         runs, vigild.pid());
      ok = ok && measure(slot("sqlite3 shell, the same zone's day" + shell_tag(build)),
                         {"sqlite3", "-readonly", db.string(), sql_zone}, runs, -1);
      vigild.stop();
      if (!ok) {
        std::fprintf(stderr, "a command failed (%s); see %s\n", build.name.c_str(), log.c_str());
        return 1;
      }
    }
  }
  double load[3]{};
  ::getloadavg(load, 3);
  std::printf("rows=%llu, %d round(s) x %d runs, load average %.1f %.1f %.1f\n",
              static_cast<unsigned long long>(rows), rounds, runs, load[0], load[1], load[2]);
  std::printf("%-52s %9s %9s %9s %11s\n", "command (wall time of the whole command)", "median",
              "p90", "cpu", "vigild cpu");
  for (const auto& key : order) {
    const Samples& s = results[key];
    std::printf("%-52s %6.2f ms %6.2f ms %6.2f ms", key.c_str(), median(s.wall), p90(s.wall),
                median(s.cpu));
    if (!s.server_cpu.empty()) std::printf(" %8.2f ms", median(s.server_cpu));
    std::printf("\n");
  }
  for (const auto& build : builds) {
    const std::string tag = " [" + build.name + "]";
    std::printf(
        "overhead against the shell%s: person's month %.2f ms (cpu %.2f ms)\n", tag.c_str(),
        median(results["log query --person p0042, June" + tag].wall) -
            median(results["sqlite3 shell, the same person's June" + shell_tag(build)].wall),
        median(results["log query --person p0042, June" + tag].cpu) +
            median(results["log query --person p0042, June" + tag].server_cpu) -
            median(results["sqlite3 shell, the same person's June" + shell_tag(build)].cpu));
  }
  return 0;
}
