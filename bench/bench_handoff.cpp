// The cost of handing work from one thread to another on this machine: a
// condition variable, a bare futex and an eventfd, each between two threads.
//
// The forced door's path crosses threads several times (driver -> event
// loop -> journal writer -> MQTT sender -> Paho's send thread), and each
// crossing wakes a thread that was idle. Two figures per mechanism:
//   - "idle wake": the waker sleeps `gap` (the waiter has gone idle, as the
//     daemon's threads are between doors), takes the time and signals; the
//     waiter takes the time as soon as it runs. One way, wall clock.
//   - "hot round trip / 2": back-to-back ping-pong, neither side idle long.
// Plus the process's CPU time (user+sys) per idle hand-off, both threads.
//
// Usage: bench_handoff [rounds=2000] [gap_us=2000]
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// One direction of a hand-off: signal() from one thread, wait() in another.
// Each wait() consumes exactly one signal().
struct Channel {
  virtual ~Channel() = default;
  virtual void signal() = 0;
  virtual void wait() = 0;
};

struct CondvarChannel : Channel {
  std::mutex m;
  std::condition_variable cv;
  int pending = 0;
  void signal() override {
    {
      std::lock_guard lock(m);
      ++pending;
    }
    cv.notify_one();
  }
  void wait() override {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return pending > 0; });
    --pending;
  }
};

struct FutexChannel : Channel {
  std::atomic<std::uint32_t> pending{0};
  void signal() override {
    pending.fetch_add(1, std::memory_order_release);
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&pending), FUTEX_WAKE_PRIVATE, 1, nullptr,
              nullptr, 0);
  }
  void wait() override {
    for (;;) {
      auto n = pending.load(std::memory_order_acquire);
      if (n > 0 && pending.compare_exchange_weak(n, n - 1)) return;
      if (n == 0) {
        ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&pending), FUTEX_WAIT_PRIVATE, 0,
                  nullptr, nullptr, 0);
      }
    }
  }
};

struct EventfdChannel : Channel {
  int fd = ::eventfd(0, EFD_SEMAPHORE);
  ~EventfdChannel() override { ::close(fd); }
  void signal() override {
    const std::uint64_t one = 1;
    (void)::write(fd, &one, sizeof one);
  }
  void wait() override {
    std::uint64_t v = 0;
    (void)::read(fd, &v, sizeof v);
  }
};

struct Result {
  std::vector<double> idle_us;
  double hot_us = 0;
  double cpu_us_per_idle = 0;
};

Result measure(const std::function<std::unique_ptr<Channel>()>& make, int rounds,
               std::chrono::microseconds gap) {
  Result r;
  // Idle wake, one way: the time the waker signalled, read by the waiter.
  {
    auto ping = make();
    auto pong = make();
    std::atomic<std::int64_t> sent_ns{0};
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(rounds));
    const double cpu0 = cpu_seconds();
    std::thread waiter([&] {
      for (int i = 0; i < rounds; ++i) {
        ping->wait();
        const auto now = Clock::now().time_since_epoch().count();
        us.push_back(static_cast<double>(now - sent_ns.load()) / 1000.0);
        pong->signal();
      }
    });
    for (int i = 0; i < rounds; ++i) {
      std::this_thread::sleep_for(gap);  // the waiter goes idle
      sent_ns = Clock::now().time_since_epoch().count();
      ping->signal();
      pong->wait();
    }
    waiter.join();
    r.cpu_us_per_idle = (cpu_seconds() - cpu0) * 1e6 / rounds;
    r.idle_us = std::move(us);
  }
  // Hot ping-pong: round trip / 2.
  {
    auto ping = make();
    auto pong = make();
    const int n = rounds * 5;
    std::thread echo([&] {
      for (int i = 0; i < n; ++i) {
        ping->wait();
        pong->signal();
      }
    });
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      ping->signal();
      pong->wait();
    }
    r.hot_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n / 2;
    echo.join();
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  const std::chrono::microseconds gap(argc > 2 ? std::atoi(argv[2]) : 2000);
  std::printf("hand-off between two threads, %d rounds, waker idle %lld us before each\n", rounds,
              static_cast<long long>(gap.count()));
  const struct {
    const char* name;
    std::function<std::unique_ptr<Channel>()> make;
  } kinds[] = {
      {"condvar", [] { return std::make_unique<CondvarChannel>(); }},
      {"futex", [] { return std::make_unique<FutexChannel>(); }},
      {"eventfd", [] { return std::make_unique<EventfdChannel>(); }},
  };
  for (const auto& k : kinds) {
    const Result r = measure(k.make, rounds, gap);
    std::printf(
        "%-8s idle wake: min=%.1f us median=%.1f us p90=%.1f us p99=%.1f us; hot round trip / 2: "
        "%.1f us; CPU per idle ping-pong (both threads): %.1f us\n",
        k.name, percentile(r.idle_us, 0.0), percentile(r.idle_us, 0.5), percentile(r.idle_us, 0.9),
        percentile(r.idle_us, 0.99), r.hot_us, r.cpu_us_per_idle);
  }
  return 0;
}
