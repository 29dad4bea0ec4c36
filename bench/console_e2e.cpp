// bench_console e2e: a forced door on a simulated site to the browser. The
// integration tests' site (mosquitto, libmodbus I/O module, sim GPIO, the
// real vigild, contact debounce off) and vigil-console on its broker; the
// door is forced N times (contact opened with no grant). Latency: the event's
// time (vigild's wall clock when it read the contact, from the journal by the
// incident's seq) to the first WebSocket message listing it in the queue
// (wall clock of this process, same machine).
#include <condition_variable>
#include <map>
#include <mutex>

#include "console_load.hpp"
#include "console_rig.hpp"
#include "site_harness.hpp"

using namespace std::chrono_literals;
using vigil::testing::SiteHarness;
using WallClock = std::chrono::system_clock;

int run_e2e(int doors) {
  using namespace vigil::bench;
  SiteHarness site({}, SiteHarness::Options{.contact_debounce = "0ms"});
  ConsoleRig rig(site.broker().port());
  // Steady times from the reader, moved onto the wall clock once.
  const auto wall_offset =
      WallClock::now().time_since_epoch() - std::chrono::steady_clock::now().time_since_epoch();
  std::mutex m;
  std::condition_variable cv;
  std::map<long, WallClock::time_point> arrived;  // by incident seq
  WsReader ws(rig.port(), rig.login(), [&](std::string_view text, auto at) {
    const WallClock::time_point when(
        std::chrono::duration_cast<WallClock::duration>(at.time_since_epoch() + wall_offset));
    std::lock_guard lock(m);
    for_each_queued(text, [&](long seq) { arrived.emplace(seq, when); });
    cv.notify_all();
  });
  site.start_vigild();
  std::this_thread::sleep_for(1s);  // let start-up settle
  int missed = 0;
  for (int i = 0; i < doors; ++i) {
    site.set_contact(true);
    {
      std::unique_lock lock(m);
      if (!cv.wait_for(lock, 3s, [&] {
            return arrived.size() >= static_cast<std::size_t>(i + 1 - missed);
          })) {
        ++missed;
      }
    }
    site.set_contact(false);
    std::this_thread::sleep_for(100ms);  // closed and settled before the next opening
  }
  site.stop_vigild();
  ws.close();
  std::map<std::uint64_t, vigil::core::TimePoint> event_time;
  for (const auto& e : site.events(vigil::core::EventKind::door_forced)) event_time[e.seq] = e.time;
  std::vector<double> ms;
  long unmatched = 0;
  for (const auto& [seq, when] : arrived) {
    const auto it = event_time.find(static_cast<std::uint64_t>(seq));
    if (it == event_time.end()) {
      ++unmatched;
      continue;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(when.time_since_epoch() -
                                                           it->second.time_since_epoch())
                     .count());
  }
  std::printf("e2e: %d forced doors, vigild -> mosquitto -> vigil-console -> WebSocket\n", doors);
  print_ms("forced door event -> WebSocket", ms);
  std::printf("missed %d, unmatched %ld, door_forced events in the journal %zu\n", missed,
              unmatched, event_time.size());
  return missed == 0 && !ms.empty() ? 0 : 1;
}
