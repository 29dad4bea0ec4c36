// The forced door's timeline for bench_incident_latency: reads the lines
// vigild wrote under VIGIL_LATENCY_TRACE (daemon/journal's latency_trace.hpp),
// joins each to its door by the door_forced seq, adds the event's time (the
// driver's read) before and the subscriber's callback after, and prints each
// step's median, min and p90 across the doors.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::bench {

struct TimelineLine {
  std::uint64_t first = 0, last = 0;
  int miss = 0, hit = 0;
  std::vector<std::int64_t> stages;  // µs since the epoch; 0: not reached
};

inline std::vector<TimelineLine> read_timeline(const std::filesystem::path& file) {
  std::vector<TimelineLine> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string word;
    TimelineLine t;
    s >> word >> t.first >> t.last >> word >> t.miss >> word >> t.hit >> word;
    for (std::int64_t v = 0; s >> v;) t.stages.push_back(v);
    if (!t.stages.empty()) out.push_back(std::move(t));
  }
  return out;
}

// One door: its seq, the event's time and the subscriber's callback, µs.
struct DoorTimes {
  std::uint64_t seq;
  std::int64_t read_us;
  std::int64_t arrived_us;
};

inline void print_timeline(const std::vector<TimelineLine>& lines,
                           const std::vector<DoorTimes>& doors) {
  // The stages in vigild's order (LatencyTrace::Stage), then the subscriber.
  static constexpr std::array<const char*, 16> names{
      "driver read (event time)",  "loop takes the input",   "core decided (dispatch)",
      "Hold ends, writer woken",   "writer has the batch",   "BEGIN IMMEDIATE returned",
      "chain head read",           "events hashed+inserted", "outbox rows + cursor",
      "acknowledged rows deleted", "WAL fdatasync start",    "fdatasync end",
      "COMMIT returned",           "rows to the sender",     "Paho publish() returned",
      "subscriber callback"};
  constexpr std::size_t kPublishEnd = names.size() - 2;
  std::vector<std::vector<double>> steps(names.size());
  std::vector<double> misses, hits;
  int joined = 0, direct = 0;
  for (const auto& door : doors) {
    const auto it = std::find_if(lines.begin(), lines.end(), [&](const TimelineLine& l) {
      return l.first <= door.seq && door.seq <= l.last;
    });
    if (it == lines.end()) continue;
    ++joined;
    std::vector<std::int64_t> t{door.read_us};
    t.insert(t.end(), it->stages.begin(), it->stages.end());
    t.resize(names.size() - 1);
    t.push_back(door.arrived_us);
    if (t[kPublishEnd] != 0) ++direct;
    // Each step from the last stage reached before it.
    std::int64_t prev = t[0];
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (t[i] == 0) continue;
      steps[i].push_back(static_cast<double>(t[i] - prev));
      prev = t[i];
    }
    misses.push_back(it->miss);
    hits.push_back(it->hit);
  }
  const auto pct = [](std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  };
  std::printf(
      "timeline of %d doors (%d published from the writer's thread), step from the "
      "previous stage reached, us:\n",
      joined, direct);
  double sum = 0;
  for (std::size_t i = 1; i < names.size(); ++i) {
    if (steps[i].empty()) continue;
    sum += pct(steps[i], 0.5);
    std::printf("  %-26s n=%3zu median=%7.1f min=%7.1f p90=%7.1f\n", names[i], steps[i].size(),
                pct(steps[i], 0.5), pct(steps[i], 0.0), pct(steps[i], 0.9));
  }
  std::printf(
      "  sum of step medians %.1f us; writer's page cache per commit: misses median %.0f, "
      "hits median %.0f\n",
      sum, pct(misses, 0.5), pct(hits, 0.5));
}

}  // namespace vigil::bench
