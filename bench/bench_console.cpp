// Event-to-browser latency through vigil-console, and the console's CPU and
// memory under a campus of gateways (issue 11, "Measure"; docs/benchmarks.md).
//
// A real mosquitto on a free loopback port, the real vigil-console (a child
// process, generated config with one scrypt-hashed operator), an HTTP login
// and WebSocket readers as a browser opens them (Boost.Beast, with the session
// cookie and a same-origin Origin). Gateways are Paho clients publishing the
// v1 payloads vigild publishes; an incident's arrival is the console's queue
// update (or snapshot) first listing it in its queue. Times: steady clock, one process, publish()
// call to WebSocket message read.
//
//   bench_console latency [n=2000] [keep=1|grow]
//       one gateway, one browser: publish an incident, wait for it, next.
//       keep=K resolves incident i-K once i arrived (K open at most); grow
//       never resolves (the queue grows to n).
//   bench_console scale [browsers=1] [seconds=60] [gateways=50] [rate=10] [resolve_s=5]
//       every gateway (its own Paho client) publishes `rate` messages a
//       second: per 10, 4 door states, 2 zone states, 2 entries, 1 incident
//       and 1 incident-state resolving its incident raised resolve_s earlier.
//   bench_console e2e [doors=200]   (console_e2e.cpp)
#include <mqtt/async_client.h>
#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>

#include "console_load.hpp"
#include "console_rig.hpp"
#include "vigil/testing/mosquitto.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using namespace vigil::bench;

int run_e2e(int doors);  // console_e2e.cpp

namespace {

// Arrival times of incident numbers at one browser.
struct Browser {
  std::mutex m;
  std::condition_variable cv;
  std::vector<Clock::time_point> arrived;  // by incident number; epoch = not yet
  std::size_t count = 0;
  std::unique_ptr<WsReader> ws;

  Browser(std::size_t n, std::uint16_t port, const std::string& cookie) : arrived(n) {
    ws = std::make_unique<WsReader>(
        port, cookie, [this](std::string_view text, Clock::time_point at) {
          std::lock_guard lock(m);
          for_each_queued(text, [&](long k) {
            if (k < 0 || static_cast<std::size_t>(k) >= arrived.size()) return;
            if (arrived[static_cast<std::size_t>(k)] == Clock::time_point{}) {
              arrived[static_cast<std::size_t>(k)] = at;
              ++count;
            }
          });
          cv.notify_all();
        });
  }
  bool wait_for(long k, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout,
                       [&] { return arrived[static_cast<std::size_t>(k)] != Clock::time_point{}; });
  }
};

std::unique_ptr<mqtt::async_client> gateway_client(const std::string& uri, const std::string& id) {
  auto c = std::make_unique<mqtt::async_client>(uri, id);
  c->connect(mqtt::connect_options_builder().clean_session(true).max_inflight(100).finalize())
      ->wait();
  return c;
}

void publish(mqtt::async_client& c, const std::pair<std::string, std::string>& m, bool retained) {
  c.publish(mqtt::make_message(m.first, m.second, 1, retained));
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int run_latency(long n, long keep) {
  vigil::testing::MosquittoProcess broker;
  ConsoleRig rig(broker.port());
  auto gw = gateway_client(broker.uri(), "bench-gw00");
  publish(*gw, status_msg(0), true);
  Browser browser(static_cast<std::size_t>(n), rig.port(), rig.login());
  std::this_thread::sleep_for(500ms);  // the console is subscribed and has the status
  std::vector<Clock::time_point> sent(static_cast<std::size_t>(n));
  const double cpu0 = cpu_seconds(rig.pid());
  const auto start = Clock::now();
  long missed = 0;
  for (long i = 0; i < n; ++i) {
    const auto m = incident_msg(0, i);
    sent[static_cast<std::size_t>(i)] = Clock::now();
    publish(*gw, m, false);
    if (!browser.wait_for(i, 3s)) ++missed;
    if (keep >= 0 && i >= keep) publish(*gw, resolved_msg(0, i - keep), true);
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds(rig.pid()) - cpu0;
  std::vector<double> ms;
  for (long i = 0; i < n; ++i) {
    const auto at = browser.arrived[static_cast<std::size_t>(i)];
    if (at != Clock::time_point{}) {
      ms.push_back(std::chrono::duration<double, std::milli>(at - sent[static_cast<std::size_t>(i)])
                       .count());
    }
  }
  const auto mem = memory(rig.pid());
  std::printf("latency: %ld incidents, %s, one browser\n", n,
              keep < 0 ? "never resolved (queue grows)" : "resolved behind the newest");
  print_ms("incident publish -> WebSocket", ms);
  std::printf(
      "missed %ld; console CPU %.2f s over %.1f s; VmRSS %ld KiB VmHWM %ld KiB; "
      "browser got %llu messages, %.1f MB\n",
      missed, cpu, wall, mem.rss_kib, mem.hwm_kib,
      static_cast<unsigned long long>(browser.ws->messages()),
      static_cast<double>(browser.ws->bytes()) / 1e6);
  browser.ws->close();
  gw->disconnect()->wait();
  return missed == 0 ? 0 : 1;
}

int run_scale(int browsers, int seconds, int gateways, int rate, int resolve_s) {
  const auto t0 = Clock::now();
  auto phase = [&](const char* what) {
    std::fprintf(stderr, "%7.1f s  %s\n", std::chrono::duration<double>(Clock::now() - t0).count(),
                 what);
  };
  vigil::testing::MosquittoProcess broker;
  ConsoleRig rig(broker.port());
  phase("console up");
  std::vector<std::unique_ptr<mqtt::async_client>> gws;
  for (int g = 0; g < gateways; ++g) {
    gws.push_back(gateway_client(broker.uri(), "bench-" + gw_name(g)));
    publish(*gws.back(), status_msg(g), true);
  }
  const std::size_t max_incidents =
      static_cast<std::size_t>(gateways) * static_cast<std::size_t>(seconds * rate) / 10 + 64;
  phase("gateways connected");
  const auto cookie = rig.login();
  phase("logged in");
  std::vector<std::unique_ptr<Browser>> bs;
  for (int b = 0; b < browsers; ++b) {
    bs.push_back(std::make_unique<Browser>(max_incidents, rig.port(), cookie));
  }
  // The control: a bare Paho subscriber to the incidents on the same broker.
  std::vector<Clock::time_point> hop(max_incidents);
  std::mutex hop_m;
  mqtt::async_client sub(broker.uri(), "bench-sub");
  sub.set_message_callback([&](mqtt::const_message_ptr msg) {
    const auto at = Clock::now();
    const auto text = msg->to_string();
    const auto k = text.find(R"("seq":)");
    if (k == std::string::npos) return;
    const auto n = std::strtoul(text.c_str() + k + 6, nullptr, 10);
    std::lock_guard lock(hop_m);
    if (n < hop.size()) hop[n] = at;
  });
  sub.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  sub.subscribe("vigil/v1/+/+/incident/#", 1)->wait();
  std::this_thread::sleep_for(500ms);
  phase("browsers connected; load starts");
  std::vector<Clock::time_point> sent(max_incidents);
  std::vector<std::deque<std::pair<long, Clock::time_point>>> open(
      static_cast<std::size_t>(gateways));
  long incidents = 0;
  long messages = 0;
  std::vector<long> rss_trace;
  const auto pid = rig.pid();
  const double cpu0 = cpu_seconds(pid);
  const double own0 = own_cpu_seconds();
  const auto mem0 = memory(pid);
  const auto start = Clock::now();
  const auto tick = std::chrono::nanoseconds(1'000'000'000 / rate);
  const long ticks = static_cast<long>(seconds) * rate;
  for (long t = 0; t < ticks; ++t) {
    const auto tick_start = start + t * tick;
    if (t % (rate * 10) == 0) rss_trace.push_back(memory(pid).rss_kib);
    for (int g = 0; g < gateways; ++g) {
      std::this_thread::sleep_until(tick_start + g * tick / gateways);
      auto& c = *gws[static_cast<std::size_t>(g)];
      auto& mine = open[static_cast<std::size_t>(g)];
      const long phase = (t + g) % 10;
      const auto now = Clock::now();
      if (phase == 8) {
        const long k = incidents++;
        sent[static_cast<std::size_t>(k)] = now;
        publish(c, incident_msg(g, k), false);
        mine.emplace_back(k, now);
      } else if (phase == 9 && !mine.empty() && now - mine.front().second >= 1s * resolve_s) {
        publish(c, resolved_msg(g, mine.front().first), true);
        mine.pop_front();
      } else if (phase < 4 || phase == 9) {
        publish(c, door_msg(g, static_cast<int>(phase % 2), (t / 10 + phase) % 2 == 0), true);
      } else if (phase < 6) {
        publish(c, zone_msg(g, static_cast<int>(phase % 2), static_cast<int>(t % 17)), true);
      } else {
        publish(c, entry_msg(g, t), false);
      }
      ++messages;
    }
  }
  const auto published = Clock::now();
  const double cpu_load = cpu_seconds(pid) - cpu0;
  const auto mem1 = memory(pid);
  // Drain: every browser has every incident, or nothing new for 5 s.
  Clock::time_point last = published;
  for (auto& b : bs) {
    std::unique_lock lock(b->m);
    b->cv.wait_for(lock, 15s, [&] { return b->count == static_cast<std::size_t>(incidents); });
  }
  const double cpu_all = cpu_seconds(pid) - cpu0;
  phase("drained");
  std::vector<double> ms;
  long lost = 0;
  for (auto& b : bs) {
    std::lock_guard lock(b->m);
    for (long k = 0; k < incidents; ++k) {
      const auto at = b->arrived[static_cast<std::size_t>(k)];
      if (at == Clock::time_point{}) {
        ++lost;
        continue;
      }
      last = std::max(last, at);
      ms.push_back(std::chrono::duration<double, std::milli>(at - sent[static_cast<std::size_t>(k)])
                       .count());
    }
  }
  std::vector<double> hop_ms;
  {
    std::lock_guard lock(hop_m);
    for (long k = 0; k < incidents; ++k) {
      const auto at = hop[static_cast<std::size_t>(k)];
      if (at != Clock::time_point{}) {
        hop_ms.push_back(
            std::chrono::duration<double, std::milli>(at - sent[static_cast<std::size_t>(k)])
                .count());
      }
    }
  }
  sub.disconnect()->wait();
  const double wall = std::chrono::duration<double>(published - start).count();
  std::printf(
      "scale: %d gateways x %d msg/s for %d s (%ld messages, %ld incidents, each gateway "
      "its own Paho client, one publisher thread), %d browser(s)\n",
      gateways, rate, seconds, messages, incidents, browsers);
  print_ms("incident publish -> WebSocket, all browsers", ms);
  print_ms("control: incident publish -> bare Paho subscriber", hop_ms);
  std::printf("lost %ld of %ld incident deliveries; last arrival %.0f ms after the last publish\n",
              lost, incidents * browsers,
              std::chrono::duration<double, std::milli>(last - published).count());
  std::printf("console CPU %.2f s in %.1f s of load (%.0f%% of one core); %.2f s with the drain\n",
              cpu_load, wall, 100.0 * cpu_load / wall, cpu_all);
  std::printf("console VmRSS %ld KiB before, %ld KiB after, VmHWM %ld KiB; RSS every 10 s:",
              mem0.rss_kib, mem1.rss_kib, memory(pid).hwm_kib);
  for (const long r : rss_trace) std::printf(" %ld", r);
  std::printf("\n");
  for (std::size_t b = 0; b < bs.size(); ++b) {
    std::printf("browser %zu: %llu messages, %.1f MB\n", b,
                static_cast<unsigned long long>(bs[b]->ws->messages()),
                static_cast<double>(bs[b]->ws->bytes()) / 1e6);
  }
  std::printf("bench process CPU %.2f s\n", own_cpu_seconds() - own0);
  for (auto& b : bs) b->ws->close();
  for (auto& c : gws) c->disconnect()->wait();
  return lost == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "latency";
  auto arg = [&](int i, long fallback) { return argc > i ? std::atol(argv[i]) : fallback; };
  try {
    if (mode == "latency") {
      const bool grow = argc > 3 && std::string(argv[3]) == "grow";
      return run_latency(arg(2, 2000), grow ? -1 : arg(3, 1));
    }
    if (mode == "scale") {
      return run_scale(static_cast<int>(arg(2, 1)), static_cast<int>(arg(3, 60)),
                       static_cast<int>(arg(4, 50)), static_cast<int>(arg(5, 10)),
                       static_cast<int>(arg(6, 5)));
    }
    if (mode == "e2e") return run_e2e(static_cast<int>(arg(2, 200)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_console: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: bench_console latency|scale|e2e [...]\n");
  return 2;
}
