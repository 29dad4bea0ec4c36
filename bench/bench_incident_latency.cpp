// Event-to-subscriber latency of a forced door, against a bare Paho QoS 1
// publish-to-subscriber hop on the same broker in the same run.
//
// Starts a real mosquitto, the libmodbus I/O module server, the sim GPIO chip
// and vigild (a child process, the integration tests' site), subscribes to the
// gateway's incidents, then opens and closes the door contact N times with no
// grant: each opening is a door_forced event, journalled and published. The
// latency runs from the event's time (vigild's wall clock when it read the
// contact, debounce off; read back from the journal by the incident's seq) to the
// subscriber's message callback (wall clock, same machine). The bare hop is a
// Paho client publishing QoS 1 to a topic the same subscriber holds, timed
// from just before publish() to the callback, back to back; the same hop
// with 100 ms between messages (as the doors have) is printed beside it.
//
// The journal lives in the site's temp dir (/tmp) unless a directory is given
// (e.g. a tmpfs, where fsync costs nothing: the difference is the fsync).
// In the same run it times fdatasync in that directory (fdatasync_us below):
// the one sync on the incident's path, without SQLite around it, and a bare
// SQLite commit of one row there, 100 ms apart, WAL reused and growing
// (bare_commit_us below): with the idle hop, the floor under any design
// that makes an incident durable before publishing it, printed as a ratio
// to the hop.
//
// With VIGIL_BENCH_TIMELINE=1 vigild runs with VIGIL_LATENCY_TRACE (a file in
// the journal's directory) and the bench prints the doors' timeline: each
// step's median from the driver's read through the loop, the writer's
// transaction, the WAL's fdatasync and Paho's publish() to the subscriber
// (bench/incident_timeline.hpp). The event's time is taken by the Modbus
// driver right after the read that saw the contact open: the poll interval
// (20 ms) and the read's own round trip are not in the figure, as the hop's
// figure starts at its publish() call.
//
// Usage: bench_incident_latency [doors=200] [journal-dir]
#include <fcntl.h>
#include <mqtt/async_client.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <thread>
#include "incident_timeline.hpp"
#include "site_harness.hpp"

using namespace std::chrono_literals;
using vigil::testing::SiteHarness;
using WallClock = std::chrono::system_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// Records when each message arrives.
struct Arrivals {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::pair<std::string, WallClock::time_point>> got;  // (payload, when)
  bool wait(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, [&] { return got.size() >= n; });
  }
};

void print(const char* what, const std::vector<double>& us) {
  std::printf("%s: n=%zu min=%.1f us median=%.1f us p90=%.1f us p99=%.1f us\n", what, us.size(),
              percentile(us, 0.0), percentile(us, 0.5), percentile(us, 0.9), percentile(us, 0.99));
}

// The fdatasync the incident path waits for, on the journal's own disk: a
// commit of one event (its outbox row and cursor in the same transaction)
// appends about 8 pages to the WAL, which SQLite reuses from its start after
// each checkpoint (no journal_size_limit), so the steady case overwrites
// blocks the file already has: data only, no size change for ext4 to
// journal. Also the growing case (a fresh or just-grown WAL). `gap`: a
// pause before each write (0: back to back). 100 ms apart, as the doors
// are, the same sync took 4x as long on this VM (s27: 412 us against
// 100 us): an idle vCPU wakes slowly when the disk answers.
std::vector<double> fdatasync_us(const std::filesystem::path& dir, int n, bool overwrite,
                                 std::chrono::milliseconds gap = 0ms) {
  const auto path = dir / "fdatasync-probe";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return {};
  std::vector<char> commit(8 * 4096, 'x');
  if (overwrite) {
    (void)::pwrite(fd, commit.data(), commit.size(), 0);
    ::fsync(fd);
  }
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    if (gap.count() > 0) std::this_thread::sleep_for(gap);
    const auto at = overwrite ? 0 : static_cast<off_t>(i) * static_cast<off_t>(commit.size());
    (void)::pwrite(fd, commit.data(), commit.size(), at);
    const auto start = std::chrono::steady_clock::now();
    ::fdatasync(fd);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  ::close(fd);
  std::filesystem::remove(path);
  return us;
}

// The floor under any design that makes an incident durable before it is
// published: a bare SQLite commit of one small row (WAL, synchronous=FULL,
// no index, no hashing, no other connection) on the journal's own disk,
// timed from BEGIN IMMEDIATE to COMMIT's return, with the 100 ms pause the
// doors have before each one (cold caches, idle threads, as a forced door).
// The hop 100 ms apart plus this commit is the least a forced door can take
// here; against the hop it says how close to 1.5x this machine allows.
// `reused`: the WAL is first filled and restarted, so the timed commits
// overwrite blocks the file already has, as vigild's do between
// checkpoints (no journal_size_limit); otherwise each commit grows a fresh
// WAL, as vigild's first commits on a new journal do (on ext4 a growing
// file's fdatasync also journals its new size).
std::vector<double> bare_commit_us(const std::filesystem::path& dir, int n, bool reused) {
  const auto path = dir / "floor-probe.db";
  sqlite3* db = nullptr;
  std::vector<double> us;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
      sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
                   nullptr, nullptr, nullptr) == SQLITE_OK) {
    sqlite3_stmt *begin = nullptr, *insert = nullptr, *commit = nullptr;
    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES(?)", -1, &insert, nullptr);
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
    const std::string body(200, 'x');  // about one incident's payload
    const auto one = [&] {
      sqlite3_step(begin);
      sqlite3_reset(begin);
      sqlite3_bind_blob(insert, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
      sqlite3_step(insert);
      sqlite3_reset(insert);
      const bool ok = sqlite3_step(commit) == SQLITE_DONE;
      sqlite3_reset(commit);
      return ok;
    };
    if (reused) {
      for (int i = 0; i < 2 * n; ++i) one();
      sqlite3_exec(db, "PRAGMA wal_checkpoint(RESTART)", nullptr, nullptr, nullptr);
    }
    for (int i = 0; i < n; ++i) {
      std::this_thread::sleep_for(100ms);
      const auto start = std::chrono::steady_clock::now();
      if (!one()) break;
      us.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count());
    }
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
  }
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  const int doors = argc > 1 ? std::atoi(argv[1]) : 200;
  // No contact debounce: the event's time is then the moment vigild read
  // the contact and decided, not 20 ms before it.
  SiteHarness site(
      {}, SiteHarness::Options{.journal_dir = argc > 2 ? argv[2] : "", .contact_debounce = "0ms"});
  Arrivals arrivals;
  mqtt::async_client sub(site.broker().uri(), "bench-sub");
  sub.set_message_callback([&](mqtt::const_message_ptr msg) {
    const auto now = WallClock::now();
    std::lock_guard lock(arrivals.m);
    arrivals.got.emplace_back(msg->to_string(), now);
    arrivals.cv.notify_all();
  });
  sub.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  sub.subscribe(site.incident_filter(), 1)->wait();
  sub.subscribe("bench/hop", 1)->wait();

  // The bare hop first, with the same subscriber.
  mqtt::async_client pub(site.broker().uri(), "bench-pub");
  pub.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  std::vector<double> hop_us;
  for (int i = 0; i < doors; ++i) {
    const auto sent = WallClock::now();
    pub.publish(mqtt::make_message("bench/hop", "x", 1, false));
    if (!arrivals.wait(static_cast<std::size_t>(i + 1), 2s)) break;
    hop_us.push_back(
        std::chrono::duration<double, std::micro>(arrivals.got.back().second - sent).count());
  }
  // The same hop with the pause the doors have between them (100 ms): every
  // thread on the path idle before each message, as for a forced door. The
  // aim is against the back-to-back hop above; this one says how much of
  // the gap is waking idle threads and cores rather than vigild's work.
  std::vector<double> cold_hop_us;
  std::vector<double> cold_publish_us;  // publish() alone, to its return
  const std::size_t hot_arrivals = [&] {
    std::lock_guard lock(arrivals.m);
    return arrivals.got.size();
  }();
  for (int i = 0; i < std::min(doors, 50); ++i) {
    std::this_thread::sleep_for(100ms);
    const auto sent = WallClock::now();
    pub.publish(mqtt::make_message("bench/hop", "x", 1, false));
    cold_publish_us.push_back(
        std::chrono::duration<double, std::micro>(WallClock::now() - sent).count());
    if (!arrivals.wait(hot_arrivals + static_cast<std::size_t>(i + 1), 2s)) break;
    cold_hop_us.push_back(
        std::chrono::duration<double, std::micro>(arrivals.got.back().second - sent).count());
  }
  pub.disconnect()->wait();
  // The disk's share, same run, same directory as the journal.
  const auto journal_dir = site.journal_path().parent_path();
  const auto sync_overwrite = fdatasync_us(journal_dir, doors, true);
  const auto sync_append = fdatasync_us(journal_dir, doors, false);
  const auto sync_idle = fdatasync_us(journal_dir, std::min(doors, 50), true, 100ms);
  // The same with the CPUs kept out of deep idle (a PM QoS request of 0 us
  // held while it runs; root only): how much of the idle figure is the
  // vCPU's wake-up rather than the disk. A diagnostic, not a setting of
  // vigild's (docs/design.md, "The forced door's floor is mostly idle wake-ups").
  std::vector<double> sync_idle_qos;
  if (const int qos = ::open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC); qos >= 0) {
    const std::int32_t zero = 0;
    if (::write(qos, &zero, sizeof zero) == sizeof zero) {
      sync_idle_qos = fdatasync_us(journal_dir, std::min(doors, 50), true, 100ms);
    }
    ::close(qos);
  }
  const auto floor_commit = bare_commit_us(journal_dir, std::min(doors, 50), true);
  const auto floor_growing = bare_commit_us(journal_dir, std::min(doors, 50), false);
  {
    std::lock_guard lock(arrivals.m);
    arrivals.got.clear();
  }

  const char* timeline_env = std::getenv("VIGIL_BENCH_TIMELINE");
  const bool timeline = timeline_env != nullptr && *timeline_env != '\0' && *timeline_env != '0';
  const auto trace_file = journal_dir / "latency-trace.txt";
  if (timeline) {
    std::filesystem::remove(trace_file);
    ::setenv("VIGIL_LATENCY_TRACE", trace_file.c_str(), 1);  // vigild inherits it
  }
  site.start_vigild();
  std::this_thread::sleep_for(1s);  // let start-up settle
  int missed = 0;
  for (int i = 0; i < doors; ++i) {
    site.set_contact(true);
    if (!arrivals.wait(static_cast<std::size_t>(i + 1 - missed), 3s)) ++missed;
    site.set_contact(false);
    // Closed and settled (a few Modbus polls) before the next forced opening;
    // a pause, not polling the journal, so the bench adds no load.
    std::this_thread::sleep_for(100ms);
  }
  site.stop_vigild();

  std::map<std::uint64_t, vigil::core::TimePoint> event_time;
  for (const auto& e : site.events(vigil::core::EventKind::door_forced)) event_time[e.seq] = e.time;
  std::vector<double> incident_us;
  std::vector<vigil::bench::DoorTimes> door_times;
  const auto us_of = [](auto tp) {
    return std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count();
  };
  int other_incidents = 0;
  for (const auto& [payload, when] : arrivals.got) {
    const auto seq = nlohmann::json::parse(payload).at("seq").get<std::uint64_t>();
    const auto it = event_time.find(seq);
    if (it == event_time.end()) {
      // Another incident (a Modbus poll timing out on a loaded machine
      // raises device_offline): not a forced door, not timed.
      ++other_incidents;
      continue;
    }
    const auto at = it->second;
    door_times.push_back({seq, us_of(at), us_of(when)});
    incident_us.push_back(
        std::chrono::duration<double, std::micro>(when.time_since_epoch() - at.time_since_epoch())
            .count());
  }
  sub.disconnect()->wait();
  if (hop_us.empty() || incident_us.empty()) {
    std::printf("no measurement (missed %d)\n", missed);
    return 1;
  }
  print("bare Paho QoS 1 publish-to-subscriber", hop_us);
  if (!cold_hop_us.empty()) print("bare hop, 100 ms apart (threads idle)", cold_hop_us);
  if (!cold_publish_us.empty()) print("  of which publish() to its return", cold_publish_us);
  print("forced door event-to-subscriber", incident_us);
  if (!sync_overwrite.empty()) {
    print("fdatasync of 32 KiB overwritten (WAL reused)", sync_overwrite);
    print("fdatasync of 32 KiB appended (WAL growing)", sync_append);
    if (!sync_idle.empty()) {
      print("fdatasync of 32 KiB overwritten, 100 ms apart (as the doors)", sync_idle);
    }
    if (!sync_idle_qos.empty()) {
      print("  the same with a CPU latency request of 0 us held", sync_idle_qos);
    }
    std::printf("aim 1.5x the hop: %.0f us; the fdatasync alone (median, reused WAL): %.0f us\n",
                1.5 * percentile(hop_us, 0.5), percentile(sync_overwrite, 0.5));
  }
  std::printf("ratio of medians: %.2fx (missed %d, other incidents %d)\n",
              percentile(incident_us, 0.5) / percentile(hop_us, 0.5), missed, other_incidents);
  if (!cold_hop_us.empty()) {
    std::printf("ratio of medians to the hop 100 ms apart: %.2fx\n",
                percentile(incident_us, 0.5) / percentile(cold_hop_us, 0.5));
  }
  if (!floor_commit.empty() && !cold_hop_us.empty()) {
    print("bare SQLite one-row WAL commit, 100 ms apart (WAL reused)", floor_commit);
    if (!floor_growing.empty()) {
      print("bare SQLite one-row WAL commit, 100 ms apart (WAL growing)", floor_growing);
    }
    const double floor = percentile(cold_hop_us, 0.5) + percentile(floor_commit, 0.5);
    std::printf(
        "floor (hop 100 ms apart + bare commit, WAL reused, medians): %.0f us = %.2fx the hop; "
        "the forced door is %.2fx the floor\n",
        floor, floor / percentile(cold_hop_us, 0.5), percentile(incident_us, 0.5) / floor);
    if (!sync_idle.empty()) {
      std::printf(
          "the bare commit less the fdatasync 100 ms apart (SQLite's own part, medians): "
          "%.0f us\n",
          percentile(floor_commit, 0.5) - percentile(sync_idle, 0.5));
    }
  }
  if (timeline) vigil::bench::print_timeline(vigil::bench::read_timeline(trace_file), door_times);
  return missed == 0 ? 0 : 1;
}
