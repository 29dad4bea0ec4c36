// Gateway traffic for the console bench: payloads as vigild publishes them
// (docs/mqtt.md, docs/schema/), and latency bookkeeping by incident number.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::bench {

inline std::string gw_prefix(int gw) {
  char name[16];
  std::snprintf(name, sizeof name, "gw%02d", gw);
  return std::string("vigil/v1/campus/") + name;
}
inline std::string gw_name(int gw) {
  char name[16];
  std::snprintf(name, sizeof name, "gw%02d", gw);
  return name;
}

inline std::string iso_now() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::time_t s = us / 1'000'000;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1'000'000));
  return buf;
}

// Incident number n of gateway gw: topic incident/<severity>/<zone>, id
// campus/<gw>/bench/<n> (the number is unique over all gateways).
inline std::pair<std::string, std::string> incident_msg(int gw, long n) {
  const char* severity = n % 10 == 0 ? "critical" : "major";
  nlohmann::json j{{"v", 1},
                   {"id", "campus/" + gw_name(gw) + "/bench/" + std::to_string(n)},
                   {"seq", n},
                   {"kind", "door_forced"},
                   {"severity", severity},
                   {"time", iso_now()},
                   {"event", "door_forced"},
                   {"site", "campus"},
                   {"gateway", gw_name(gw)},
                   {"door", "door-" + std::to_string(n % 4)},
                   {"zone", "zone-" + std::to_string(n % 3)},
                   {"summary", "door forced open: door-" + std::to_string(n % 4)}};
  return {gw_prefix(gw) + "/incident/" + severity + "/zone-" + std::to_string(n % 3), j.dump()};
}

inline std::pair<std::string, std::string> resolved_msg(int gw, long n) {
  nlohmann::json j{{"v", 1},
                   {"id", "campus/" + gw_name(gw) + "/bench/" + std::to_string(n)},
                   {"seq", n},
                   {"state", "resolved"},
                   {"site", "campus"},
                   {"gateway", gw_name(gw)},
                   {"level", 0},
                   {"level_name", "guard"},
                   {"levels", 1},
                   {"opened", iso_now()},
                   {"time", iso_now()},
                   {"zone", "zone-" + std::to_string(n % 3)},
                   {"acknowledged_by", "ben"},
                   {"resolved_by", "ben"},
                   {"note", "checked"}};
  return {gw_prefix(gw) + "/incident-state/bench/" + std::to_string(n), j.dump()};
}

inline std::pair<std::string, std::string> door_msg(int gw, int door, bool open) {
  nlohmann::json j{{"v", 1},
                   {"site", "campus"},
                   {"gateway", gw_name(gw)},
                   {"door", "door-" + std::to_string(door)},
                   {"lock", open ? "unlocked" : "locked"},
                   {"contact", open ? "open" : "closed"},
                   {"alarm", "none"},
                   {"mode", "normal"},
                   {"since", iso_now()}};
  return {gw_prefix(gw) + "/state/door/door-" + std::to_string(door), j.dump()};
}

inline std::pair<std::string, std::string> zone_msg(int gw, int zone, int occupancy) {
  nlohmann::json j{{"v", 1},
                   {"site", "campus"},
                   {"gateway", gw_name(gw)},
                   {"zone", "zone-" + std::to_string(zone)},
                   {"armed", false},
                   {"alarm", "none"},
                   {"occupancy", occupancy},
                   {"lockdown", false},
                   {"lockdown_zone", nullptr},
                   {"since", iso_now()}};
  return {gw_prefix(gw) + "/state/zone/zone-" + std::to_string(zone), j.dump()};
}

inline std::pair<std::string, std::string> entry_msg(int gw, long n) {
  nlohmann::json j{{"v", 1},          {"id", "campus/" + gw_name(gw) + "/ev/" + std::to_string(n)},
                   {"kind", "entry"}, {"time", iso_now()},
                   {"seq", n},        {"door", "door-" + std::to_string(n % 4)},
                   {"reader", "r1"},  {"zone", "zone-" + std::to_string(n % 3)}};
  return {gw_prefix(gw) + "/event/zone-" + std::to_string(n % 3), j.dump()};
}

inline std::pair<std::string, std::string> status_msg(int gw) {
  return {
      gw_prefix(gw) + "/status",
      nlohmann::json{{"v", 1}, {"state", "online"}, {"site", "campus"}, {"gateway", gw_name(gw)}}
          .dump()};
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

inline void print_ms(const char* what, const std::vector<double>& ms) {
  std::printf("%s: n=%zu median=%.2f ms p99=%.2f ms max=%.2f ms\n", what, ms.size(),
              percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0));
}

}  // namespace vigil::bench
