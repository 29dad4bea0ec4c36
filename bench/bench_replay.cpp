// Replay of an outbox backlog after the broker comes back (issue 11 item 2),
// against a bare Paho C++ client publishing the same messages at QoS 1 with
// 20 in flight, in the same run; and the process's memory while it holds
// the backlog.
//
// A real mosquitto on loopback (persistence on) with one QoS 1 subscriber
// counting what arrives (a console with a persistent session). Each round:
// - vigil: the broker is stopped, N door_forced incidents are stored in the
//   outbox in one transaction (as vigild's journal writer would over days),
//   a Publisher is started (it retries every 20 ms), then the broker is
//   started. Timed from the publisher's first successful connect (status
//   online acknowledged) until the outbox is empty (every row acknowledged
//   and deleted), so the figure is the replay, not the reconnect backoff.
//   Once with the default config (PublisherConfig{}: its window and
//   max_rate, printed) and once unthrottled (max_rate 0).
// - paho: one async_client, clean session, publishes the same N topics and
//   payloads at QoS 1, at most 20 unacknowledged; timed from the first
//   publish until the last PUBACK.
// Every run also checks the subscriber got all N, and reports this process's
// CPU time (user + system, getrusage) per message: the publisher's or the
// bare client's, plus the console's receiving, which both share. Robust
// where wall-clock rates are not (a loaded machine).
//
// Memory: VmRSS of this process (publisher, outbox, Paho, the subscriber and
// the bare client's in-memory copy of the N messages) before the backlog is
// stored and with the publisher retrying while it holds it, and its peak
// (VmHWM, reset through /proc/self/clear_refs before the replay) during the
// replay. The difference is the publisher's share: the backlog is on disk.
//
// Usage: bench_replay [messages=100000] [rounds=2] [outbox-dir=/tmp]
#include <mqtt/async_client.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "vigil/journal/sqlite.hpp"
#include "vigil/mqtt/payload.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace vm = vigil::mqtt;

namespace {

struct Message {
  std::string topic, payload;
};

std::vector<Message> backlog(const vm::TopicTree& topics, std::uint64_t n) {
  std::vector<Message> out;
  out.reserve(n);
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    vigil::core::Incident i;
    i.kind = vigil::core::IncidentKind::door_forced;
    i.severity = vigil::core::Severity::major;
    i.event.seq = seq;
    i.event.time = vigil::core::from_unix_micros(1795621017123456 + static_cast<std::int64_t>(seq));
    i.event.kind = vigil::core::EventKind::door_forced;
    i.event.door = vigil::core::DoorId("lobby-main");
    i.event.zone = vigil::core::ZoneId("lobby");
    i.summary = "Door lobby-main forced open";
    out.push_back(
        {topics.incident(i), vm::incident_payload(i, topics.site(), topics.gateway(), {})});
  }
  return out;
}

long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
  }
  return -1;
}

// This process's CPU time so far (user + system).
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A run's rate and its CPU per message.
struct Run {
  double rate = 0;
  double cpu_us = 0;
};

void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

// A console: counts what arrives on the incident topics.
struct Counter {
  std::atomic<std::uint64_t> got{0};
  mqtt::async_client client;
  Counter(const std::string& uri, const std::string& filter) : client(uri, "bench-console") {
    client.set_message_callback([this](mqtt::const_message_ptr) { ++got; });
    // A persistent session that reconnects by itself: the broker (with
    // persistence) queues what arrives while it is away across the restart.
    client
        .connect(mqtt::connect_options_builder()
                     .clean_session(false)
                     .automatic_reconnect(10ms, 100ms)
                     .finalize())
        ->wait();
    client.subscribe(filter, 1)->wait();
  }
  ~Counter() {
    try {
      client.disconnect()->wait();
    } catch (const mqtt::exception&) {
    }
  }
  bool wait(std::uint64_t n) {
    return vigil::testing::eventually([&] { return got >= n; }, 60s, 1ms);
  }
};

Run vigil_round(vigil::testing::MosquittoProcess& broker, const std::filesystem::path& db,
                const std::vector<Message>& messages, std::uint32_t max_rate, Counter& console,
                bool report_memory) {
  broker.stop();
  const long rss_before = status_kib("VmRSS:");
  vm::Outbox outbox(db);  // creates the table
  {
    vigil::journal::sqlite::Database writer(db);
    vigil::journal::sqlite::Transaction tx(writer);
    for (const auto& m : messages) vm::Outbox::insert(writer, m.topic, m.payload);
    tx.commit();
  }
  vm::PublisherConfig c;
  c.host = broker.host();
  c.port = broker.port();
  c.site = vigil::core::SiteId("hq");
  c.gateway = vigil::core::GatewayId("gw1");
  c.reconnect_min = 20ms;
  c.reconnect_max = 20ms;
  c.max_rate = max_rate;
  vm::Publisher publisher(c, outbox);
  publisher.start();
  std::this_thread::sleep_for(500ms);  // retrying against the stopped broker
  if (report_memory) {
    std::printf(
        "memory: VmRSS %ld KiB before the backlog, %ld KiB holding %zu rows (publisher "
        "retrying)\n",
        rss_before, status_kib("VmRSS:"), outbox.size());
  }
  const std::uint64_t got_before = console.got;
  reset_peak();
  broker.start();
  vigil::testing::eventually([&] { return publisher.connected(); }, 30s, 1ms);
  const auto began = Clock::now();
  const double cpu_began = cpu_seconds();
  if (!publisher.wait_drained(300s)) std::printf("vigil: not drained\n");
  const double s = std::chrono::duration<double>(Clock::now() - began).count();
  const double cpu = cpu_seconds() - cpu_began;
  if (!console.wait(got_before + messages.size())) std::printf("vigil: console missed some\n");
  if (report_memory) {
    std::printf("memory: VmHWM %ld KiB during the replay\n", status_kib("VmHWM:"));
  }
  publisher.stop();
  const auto n = static_cast<double>(messages.size());
  return {n / s, cpu / n * 1e6};
}

Run paho_round(const vigil::testing::MosquittoProcess& broker, const std::vector<Message>& messages,
               Counter& console) {
  constexpr std::size_t kInFlight = 20;
  mqtt::async_client client(broker.uri(), "bench-paho");
  client.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  const std::uint64_t got_before = console.got;
  std::deque<mqtt::delivery_token_ptr> inflight;
  const auto began = Clock::now();
  const double cpu_began = cpu_seconds();
  for (const auto& m : messages) {
    if (inflight.size() == kInFlight) {
      inflight.front()->wait();
      inflight.pop_front();
    }
    inflight.push_back(client.publish(mqtt::make_message(m.topic, m.payload, 1, false)));
  }
  for (auto& t : inflight) t->wait();
  const double s = std::chrono::duration<double>(Clock::now() - began).count();
  const double cpu = cpu_seconds() - cpu_began;
  if (!console.wait(got_before + messages.size())) std::printf("paho: console missed some\n");
  client.disconnect()->wait();
  const auto n = static_cast<double>(messages.size());
  return {n / s, cpu / n * 1e6};
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2;
  const long rss_start = status_kib("VmRSS:");
  vigil::testing::TempDir tmp;
  const std::filesystem::path dir = argc > 3 ? std::filesystem::path(argv[3]) : tmp.path();
  const auto db = dir / "bench-replay.db";
  std::filesystem::remove(db);
  vigil::testing::MosquittoProcess broker(vigil::testing::MosquittoOptions{.persistence = true});
  const vm::TopicTree topics("vigil", vigil::core::SiteId("hq"), vigil::core::GatewayId("gw1"));
  const auto messages = backlog(topics, n);
  Counter console(broker.uri(), "vigil/v1/hq/gw1/incident/#");
  std::printf("%llu messages of %zu bytes (payload), outbox %s\n",
              static_cast<unsigned long long>(n), messages.front().payload.size(), db.c_str());
  std::printf("memory: VmRSS %ld KiB at start, before the bare client's copy of the messages\n",
              rss_start);
  const vm::PublisherConfig defaults;
  for (int r = 1; r <= rounds; ++r) {
    const Run vigil_default = vigil_round(broker, db, messages, defaults.max_rate, console, r == 1);
    const Run vigil_free = vigil_round(broker, db, messages, 0, console, false);
    const Run paho = paho_round(broker, messages, console);
    std::printf(
        "round %d: vigil (window %zu, max_rate %u) %.0f msg/s = %.2f of paho, CPU %.1f us/msg; "
        "vigil (max_rate 0) %.0f msg/s = %.2f of paho, CPU %.1f us/msg; paho (QoS 1, 20 in "
        "flight) %.0f msg/s, CPU %.1f us/msg\n",
        r, defaults.inflight_window, defaults.max_rate, vigil_default.rate,
        vigil_default.rate / paho.rate, vigil_default.cpu_us, vigil_free.rate,
        vigil_free.rate / paho.rate, vigil_free.cpu_us, paho.rate, paho.cpu_us);
    std::fflush(stdout);
  }
  std::filesystem::remove(db);
  std::filesystem::remove(dir / "bench-replay.db-wal");
  std::filesystem::remove(dir / "bench-replay.db-shm");
  return 0;
}
