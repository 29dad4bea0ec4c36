// Where decide()'s slowest 1 % come from, for bench_decide_scale (s23, s24).
// None of it changes the bench's default figure: each part runs only when
// its environment variable asks for it.
//
// print_by_rule (VIGIL_BENCH_TAIL): each deciding rule's median and p99 and
// its share of the slowest 1 %.
// Replay (VIGIL_BENCH_REPLAY): the default loop's inputs timed again in the
// same order (pass B), then each input twice in a row (pass C: cold, then
// warm). If the slow inputs of pass A are slow again in B, the tail is the
// input (a code path, a line that always misses); if not, it is the moment
// (an interrupt, the hypervisor, a neighbour's memory traffic). Also a fixed
// piece of arithmetic as long as a median decision, timed the same way: what
// the platform adds to a call of that length that touches no memory.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace decide_tail {

inline double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(static_cast<double>(v.size() - 1) * q)];
}

template <class T>
double percentile_of(const std::vector<T>& v, double q) {
  return percentile(std::vector<double>(v.begin(), v.end()), q);
}

// The slowest 1 % by key (rule, outcome, whether the zone asks where the
// person is, whether the decision carries attributes), beside each key's own
// median and p99. `name` prints a key.
template <class Name>
void print_by_key(const std::vector<double>& ns, const std::vector<std::uint16_t>& key_of_call,
                  Name&& name) {
  const double cut = percentile(ns, 0.99);
  std::map<int, std::vector<double>> by_key;
  std::map<int, std::size_t> in_tail;
  std::size_t tail = 0;
  for (std::size_t i = 0; i < ns.size(); ++i) {
    by_key[key_of_call[i]].push_back(ns[i]);
    if (ns[i] >= cut) ++in_tail[key_of_call[i]], ++tail;
  }
  for (const auto& [key, values] : by_key) {
    std::printf("  %-50s calls %6.2f %%  median %5.0f ns  p99 %6.0f ns  of the tail %5.1f %%\n",
                name(key).c_str(),
                100.0 * static_cast<double>(values.size()) / static_cast<double>(ns.size()),
                percentile(values, 0.5), percentile(values, 0.99),
                100.0 * static_cast<double>(in_tail[key]) /
                    static_cast<double>(std::max<std::size_t>(1, tail)));
  }
}

// Times `call(i)` for i in [0, calls) with a steady_clock pair around each,
// as the default loop does.
template <class Call>
std::vector<float> time_pass(std::size_t calls, Call&& call) {
  std::vector<float> ns;
  ns.reserve(calls);
  for (std::size_t i = 0; i < calls; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    call(i);
    const auto t1 = std::chrono::steady_clock::now();
    ns.push_back(static_cast<float>(std::chrono::duration<double, std::nano>(t1 - t0).count()));
  }
  return ns;
}

// A chain of dependent multiplies: work of a fixed length that reads no
// memory, for the platform's share of a call's time.
inline std::uint64_t arithmetic(std::uint64_t x, int steps) {
  for (int i = 0; i < steps; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    asm volatile("" : "+r"(x));
  }
  return x;
}

// The arithmetic sized so its median is `median_ns`, timed `calls` times.
inline void print_platform(std::size_t calls, double median_ns, double decide_p99) {
  int steps = 64;
  for (int round = 0; round < 8; ++round) {
    const auto ns = time_pass(20'000, [&](std::size_t i) { arithmetic(i, steps); });
    const double m = percentile_of(ns, 0.5);
    if (m > 0) steps = std::max(1, static_cast<int>(steps * median_ns / m));
  }
  const auto ns = time_pass(calls, [&](std::size_t i) { arithmetic(i, steps); });
  const auto above = std::count_if(ns.begin(), ns.end(), [&](float v) { return v >= decide_p99; });
  std::printf(
      "  platform: arithmetic of %d steps, median %.0f ns p99 %.0f ns p99.9 %.0f ns; %.3f %% of "
      "them at or above pass A's p99 (%.0f ns)\n",
      steps, percentile_of(ns, 0.5), percentile_of(ns, 0.99), percentile_of(ns, 0.999),
      100.0 * static_cast<double>(above) / static_cast<double>(ns.size()), decide_p99);
}

// One read's facts, for the table of who the slowest 1 % are.
struct Facts {
  std::uint16_t key = 0;   // rule, outcome, presence, attributes (as print_by_key)
  std::uint8_t flags = 0;  // kPinDoor | kFlagged | kInside | kFirstTime | kKnown | kAttrs
};
inline constexpr std::uint8_t kPinDoor = 1, kFlagged = 2, kInside = 4, kFirstTime = 8, kKnown = 16,
                              kAttrs = 32, kPresenceZone = 64;

// Passes A and B (the same inputs in the same order) and C (each input
// twice in a row), read by read.
inline void print_replay(const std::vector<float>& a, const std::vector<float>& b,
                         const std::vector<float>& cold, const std::vector<float>& warm,
                         const std::vector<Facts>& facts) {
  const std::size_t n = a.size();
  const double pa = percentile_of(a, 0.99), pb = percentile_of(b, 0.99);
  std::vector<float> fastest(n);
  std::size_t both = 0, tail_a = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  std::vector<double> b_of_tail, warm_of_tail;
  for (std::size_t i = 0; i < n; ++i) {
    fastest[i] = std::min({a[i], b[i], cold[i]});
    const double x = std::log(std::max(1.0f, a[i])), y = std::log(std::max(1.0f, b[i]));
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    if (a[i] >= pa) {
      ++tail_a;
      both += b[i] >= pb;
      b_of_tail.push_back(b[i]);
      warm_of_tail.push_back(warm[i]);
    }
  }
  const double dn = static_cast<double>(n);
  const double r = (sxy - sx * sy / dn) / std::sqrt((sxx - sx * sx / dn) * (syy - sy * sy / dn));
  std::printf(
      "  replay: pass A p99 %.0f ns, pass B (same inputs, same order) p99 %.0f ns, C cold p99 "
      "%.0f ns, C warm (the same input again at once) p99 %.0f ns; each input's fastest of A, B, "
      "C cold: median %.0f ns p99 %.0f ns\n",
      pa, pb, percentile_of(cold, 0.99), percentile_of(warm, 0.99), percentile_of(fastest, 0.5),
      percentile_of(fastest, 0.99));
  std::printf(
      "  replay: of pass A's slowest 1 %% (%zu reads), %.1f %% are in pass B's slowest 1 %% (1 %% "
      "if unrelated); their median in B %.0f ns, warm %.0f ns; log-time correlation A-B r=%.3f\n",
      tail_a,
      100.0 * static_cast<double>(both) / static_cast<double>(std::max<std::size_t>(1, tail_a)),
      percentile(b_of_tail, 0.5), percentile(warm_of_tail, 0.5), r);
  // Each fact: its share of the reads, of pass A's slowest 1 %, and of the
  // inputs slow in both passes; its p99 in A and its fastest-of-three p99.
  const struct {
    const char* name;
    std::uint8_t bit;
  } kFacts[] = {{"card known", kKnown},
                {"card + PIN door", kPinDoor},
                {"holder flagged (risk)", kFlagged},
                {"inside, not flagged", kInside},
                {"first read of the holder", kFirstTime},
                {"decision with attributes", kAttrs},
                {"zone asks where one is", kPresenceZone}};
  for (const auto& f : kFacts) {
    for (const bool value : {true, false}) {
      std::vector<double> in_a, in_b, in_warm, in_fastest;
      std::size_t tail = 0, slow_both = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (((facts[i].flags & f.bit) != 0) != value) continue;
        in_a.push_back(a[i]);
        in_b.push_back(b[i]);
        in_warm.push_back(warm[i]);
        in_fastest.push_back(fastest[i]);
        tail += a[i] >= pa;
        slow_both += a[i] >= pa && b[i] >= pb;
      }
      std::printf(
          "  %-26s %-3s calls %6.2f %%  of A's tail %5.1f %%  of the slow-in-both %5.1f %%  p99 A "
          "%6.0f B %6.0f warm %5.0f fastest-of-3 %5.0f ns\n",
          f.name, value ? "yes" : "no", 100.0 * static_cast<double>(in_a.size()) / dn,
          100.0 * static_cast<double>(tail) / static_cast<double>(std::max<std::size_t>(1, tail_a)),
          100.0 * static_cast<double>(slow_both) /
              static_cast<double>(std::max<std::size_t>(1, both)),
          percentile(in_a, 0.99), percentile(in_b, 0.99), percentile(in_warm, 0.99),
          percentile(in_fastest, 0.99));
    }
  }
}

}  // namespace decide_tail
