// vigild's real resident memory with a large roster (issue 8 measure).
//
// For each N: a fresh site in a temporary folder (one Modbus TCP module on a
// closed loopback port, a simulated GPIO chip whose socket nobody serves and
// a broker port nothing listens on, so every device is unreachable), N
// people written to its database the way an import leaves them
// (Roster::import: a name, a card, two access levels and a clearance each)
// plus a PBKDF2 PIN hash per person (one transaction of person_pins rows, as
// `vigilctl person pin` leaves them). Then a real vigild
// starts on it; the bench times its roster line ("N people, N credentials"),
// and once its background check of the whole chain has ended reads its
// VmRSS and VmHWM from /proc (and the resident pages by kind from smaps)
// and stops it (before s22 it read them 3 s after the roster line, inside
// the start on a large journal).
//
// Usage: bench_vigild_rss [N ...]   (default 100000 2000000)
// Environment: VIGILD_BEFORE=<another vigild> starts that one too, on a copy
// of the same enrolled data, before this tree's; VIGIL_BENCH_ROUNDS=<k>
// repeats the starts k times, interleaved (one enrolment per N);
// VIGIL_BENCH_SECOND=1 starts each copy a second time after a clean stop;
// VIGIL_PHASES=1 (passed on to vigild) adds the time and CPU to the end of
// its start; VIGIL_BENCH_KEEP=1 keeps the folders in /tmp;
// VIGIL_BENCH_ENROLLED=<kept enrolled folder> skips the enrolment.
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "vigil/core/pin.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/journal/sqlite.hpp"
#include "vigil/testing/child_process.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace core = vigil::core;

namespace {

long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == field + ":") {
      long kib = 0;
      in >> kib;
      return kib;
    }
    std::getline(in, key);
  }
  return -1;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_site(const fs::path& dir) {
  std::ofstream out(dir / "site.yaml");
  out << R"(site: { id: rss, gateway: gw1, time_zone: Europe/Berlin }
journal: { path: journal.db }
broker: { host: 127.0.0.1, port: 9, keepalive: 10s, topic_root: vigil }
devices:
  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 9, unit: 1, poll: 50ms, timeout: 500ms, coils: 8, inputs: 8 }
  - { id: gpio0, type: sim_gpio, socket: gpio0.sock }
zones:
  - { id: lobby, name: Lobby, security_level: 0 }
  - { id: lab, name: Lab, security_level: 3, parent: lobby, required_clearance: confidential }
doors:
  - { id: main, name: Main, from: outside, to: lobby, lock: { device: io1, coil: 0 }, contact: { device: io1, input: 0 } }
  - { id: lab-door, name: Lab door, from: lobby, to: lab, lock: { device: io1, coil: 1 }, contact: { device: io1, input: 1 } }
readers:
  - { id: main-in, door: main, direction: in, wiegand: { chip: gpio0, d0: 0, d1: 1, formats: [H10301], frame_close: 25ms } }
  - { id: lab-in, door: lab-door, direction: in, wiegand: { chip: gpio0, d0: 2, d1: 3, formats: [H10301], frame_close: 25ms } }
access_levels:
  - { id: staff, zones: [lobby], schedule: always }
  - { id: lab-staff, zones: [lobby, lab], schedule: always }
)";
}

void enrol(const fs::path& db, std::size_t n) {
  std::vector<core::Person> people;
  std::vector<core::Credential> credentials;
  people.reserve(n);
  credentials.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    core::PersonId id("p" + std::to_string(1000000 + i));
    people.push_back(
        core::Person{id,
                     "Person number " + std::to_string(i),
                     true,
                     {core::AccessLevelId("staff"), core::AccessLevelId("lab-staff")},
                     core::Clearance{core::ClearanceLevel::secret, core::LocalDate{21000}}});
    credentials.push_back(core::Credential{
        {static_cast<std::uint32_t>(100 + i / 65536), i % 65536}, std::move(id), true, {}, {}});
  }
  const auto now = std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  {
    vigil::journal::Roster roster(db, "bench");
    roster.import(vigil::journal::RosterFile{.people = std::move(people),
                                             .credentials = std::move(credentials),
                                             .name = "bench",
                                             .sha256 = vigil::journal::sha256_hex("bench"),
                                             .replace = false},
                  now);
  }
  core::PinHash pin;
  pin.iterations = 60'000;
  pin.salt.fill(7);
  pin.digest.fill(9);
  const std::string hash = core::format_pin_hash(pin);
  vigil::journal::sqlite::Database sql(db);
  sql.exec("BEGIN");
  for (std::size_t i = 0; i < n; ++i) {
    auto insert = sql.cached(
        "INSERT OR REPLACE INTO person_pins (person, hash, set_by, set_us) VALUES (?1, ?2, ?3, "
        "?4)");
    const std::string person = "p" + std::to_string(1000000 + i);
    insert->bind(1, std::string_view{person});
    insert->bind(2, std::string_view{hash});
    insert->bind(3, std::string_view{"bench"});
    insert->bind(4, core::to_unix_micros(now));
    insert->step();
  }
  sql.exec("COMMIT");
}

// Resident pages of the process by kind, from /proc/PID/smaps: the brk
// heap, anonymous mappings (glibc's mmapped blocks, arenas, thread stacks),
// files (code, libraries) and the main stack.
std::string rss_breakdown(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  std::string line;
  std::string kind = "anon";
  long heap = 0, anon = 0, file = 0, stack = 0, anon_maps = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (std::isxdigit(static_cast<unsigned char>(line[0])) != 0 && line.find('-') < 17) {
      std::istringstream fields(line);
      std::string range, perms, offset, dev, inode, name;
      fields >> range >> perms >> offset >> dev >> inode >> name;
      kind = name == "[heap]"    ? "heap"
             : name == "[stack]" ? "stack"
             : name.empty()      ? "anon"
                                 : "file";
      if (kind == "anon") ++anon_maps;
      continue;
    }
    if (line.rfind("Rss:", 0) == 0) {
      const long kib = std::strtol(line.c_str() + 4, nullptr, 10);
      (kind == "heap" ? heap : kind == "stack" ? stack : kind == "anon" ? anon : file) += kib;
    }
  }
  char out[200];
  std::snprintf(out, sizeof out, "heap %.1f, anon %.1f in %ld maps, files %.1f, stack %.1f MiB",
                heap / 1024.0, anon / 1024.0, anon_maps, file / 1024.0, stack / 1024.0);
  return out;
}

// vigild's CPU seconds so far (utime + stime from /proc/PID/stat).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Waits (polling the log every 50 ms) until it holds `text`; false if vigild
// exited or `limit` passed.
bool wait_for(vigil::testing::ChildProcess& vigild, const fs::path& log, const std::string& text,
              std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (vigild.running() && std::chrono::steady_clock::now() < until) {
    if (read_all(log).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// vigild starts on a copy of the enrolled folder `templ`: the first start
// after the enrolment and, with VIGIL_BENCH_SECOND=1, a second one on the
// same folder after a clean stop (which signs a checkpoint: the second
// start's check walks only the rows after it). Each is measured at its
// roster line (wall, CPU) and again once its background check of the whole
// chain has ended, the last start-up work (VmHWM of the whole start, VmRSS
// steady); with VIGIL_PHASES=1, also at the phase line that ends Daemon::start.
void run(const std::string& label, const std::string& vigild_path, const fs::path& templ,
         std::size_t n, double enrol_s) {
  char name[] = "/tmp/vigild-rss-run-XXXXXX";
  const fs::path dir = ::mkdtemp(name);
  fs::copy(templ, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  const int starts = std::getenv("VIGIL_BENCH_SECOND") != nullptr ? 2 : 1;
  const bool phases = std::getenv("VIGIL_PHASES") != nullptr;
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  for (int start = 1; start <= starts; ++start) {
    const fs::path log = dir / ("vigild-" + std::to_string(start) + ".log");
    const auto t1 = std::chrono::steady_clock::now();
    vigil::testing::ChildProcess vigild({vigild_path, "-c", (dir / "site.yaml").string()}, log);
    const bool loaded = wait_for(vigild, log, " people, ", 600s);
    const auto t2 = std::chrono::steady_clock::now();
    const double cpu_roster = cpu_seconds(vigild.pid());
    double ready_s = 0, cpu_ready = 0;
    if (phases && wait_for(vigild, log, "controller, drivers, control socket", 600s)) {
      ready_s = seconds(std::chrono::steady_clock::now() - t1);
      cpu_ready = cpu_seconds(vigild.pid());
    }
    const bool checked = wait_for(vigild, log, "journal fully rechecked", 900s);
    const double checked_s = seconds(std::chrono::steady_clock::now() - t1);
    std::this_thread::sleep_for(1s);  // the walk's malloc_trim
    const double cpu_checked = cpu_seconds(vigild.pid());
    const long rss = status_kib(vigild.pid(), "VmRSS");
    const long hwm = status_kib(vigild.pid(), "VmHWM");
    const long anon = status_kib(vigild.pid(), "RssAnon");
    const std::string parts = rss_breakdown(vigild.pid());
    vigild.stop(60s);  // a clean stop signs the checkpoint the second start walks from
    std::printf(
        "%s vigild start %d people=%zu loaded=%s enrol=%.1f s start-to-roster=%.2f s "
        "(cpu %.2f s) ready=%.2f s (cpu %.2f s) fully-checked=%s %.1f s (cpu %.2f s) "
        "VmRSS=%.1f MiB (RssAnon %.1f MiB) VmHWM=%.1f MiB; %.0f bytes/person RSS; %s\n",
        label.c_str(), start, n, loaded ? "yes" : "NO", enrol_s, seconds(t2 - t1), cpu_roster,
        ready_s, cpu_ready, checked ? "yes" : "NO", checked_s, cpu_checked, rss / 1024.0,
        anon / 1024.0, hwm / 1024.0,
        n == 0 ? 0.0 : static_cast<double>(rss) * 1024.0 / static_cast<double>(n), parts.c_str());
    if (phases) {
      // vigild's own phase lines (each with its wall and CPU; the people
      // load's per-thread CPU, s23-start): the start's critical path.
      std::istringstream lines(read_all(log));
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("phase ", 0) == 0)
          std::printf("  %s %d: %s\n", label.c_str(), start, line.c_str());
      }
    }
    std::fflush(stdout);
    if (!loaded || !checked) std::fprintf(stderr, "%s\n", read_all(log).c_str());
  }
  if (std::getenv("VIGIL_BENCH_KEEP") == nullptr) fs::remove_all(dir);
}

// Enrols N people once, then starts each vigild on its own copy, `rounds`
// times, interleaved (before/after comparisons on one machine state).
void measure(std::size_t n, const std::vector<std::pair<std::string, std::string>>& vigilds,
             int rounds) {
  // VIGIL_BENCH_ENROLLED=<folder>: a folder a kept run enrolled (its
  // site.yaml and journal.db, never started), used as it is.
  const char* enrolled = std::getenv("VIGIL_BENCH_ENROLLED");
  char templ[] = "/tmp/vigild-rss-XXXXXX";
  const fs::path dir = enrolled != nullptr ? fs::path(enrolled) : fs::path(::mkdtemp(templ));
  double enrol_s = 0;
  if (enrolled == nullptr) {
    write_site(dir);
    const auto t0 = std::chrono::steady_clock::now();
    enrol(dir / "journal.db", n);
    enrol_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  for (int r = 0; r < rounds; ++r) {
    for (const auto& [label, path] : vigilds) run(label, path, dir, n, enrol_s);
  }
  if (enrolled == nullptr && std::getenv("VIGIL_BENCH_KEEP") == nullptr) fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {100'000, 2'000'000};
  std::vector<std::pair<std::string, std::string>> vigilds{{"this", VIGILD_PATH}};
  // VIGILD_BEFORE: another vigild (e.g. main's) measured on the same data.
  if (const char* before = std::getenv("VIGILD_BEFORE"))
    vigilds.insert(vigilds.begin(), {"before", before});
  const char* rounds = std::getenv("VIGIL_BENCH_ROUNDS");
  for (auto n : sizes) measure(n, vigilds, rounds != nullptr ? std::atoi(rounds) : 1);
}
