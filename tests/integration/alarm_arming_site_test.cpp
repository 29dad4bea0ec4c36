// Alarm zones armed by schedule and by occupancy in the real vigild (issue 9
// item 4): a real mosquitto, the libmodbus I/O module and the sim GPIO chip's
// readers. The schedule is minute-grained local time; the test gives the site
// a time zone of its own ($TZDIR, a TZif file written here) whose offset puts
// a local minute boundary two or three seconds ahead, so nothing waits for
// the wall clock.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace arming_site {

using namespace std::chrono_literals;

constexpr std::uint32_t kFacility = 12;
constexpr std::uint64_t kAnna = 1001;
constexpr int kPirInput = 3;

// A fixed-offset zone as a slim TZif v2 file (RFC 8536): no transitions,
// one type, the rule in the footer. `offset` east of UTC, in seconds.
void write_fixed_zone(const std::filesystem::path& file, std::int32_t offset) {
  auto be32 = [](std::int64_t v) {
    std::string b;
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((v >> shift) & 0xff);
    return b;
  };
  std::string header = "TZif2" + std::string(15, '\0');
  for (std::uint32_t c : {0u, 0u, 0u, 0u, 1u, 4u}) header += be32(c);
  const std::string block = be32(offset) + std::string("\0\0", 2) + std::string("TST\0", 4);
  const std::int32_t west = -offset;  // POSIX TZ counts west of UTC
  const std::int32_t a = west < 0 ? -west : west;
  std::ostringstream footer;
  footer << "TST" << (west < 0 ? "-" : "") << a / 3600 << ":" << (a / 60) % 60 << ":" << a % 60;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << header << block << header << block << "\n"
                                        << footer.str() << "\n";
}

// The offset that makes local time 12:00:00 at `at` (whole seconds).
std::int32_t offset_for_noon_at(std::chrono::system_clock::time_point at) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch());
  std::int64_t offset = (12 * 3600 - secs.count() % 86400) % 86400;
  if (offset > 12 * 3600) offset -= 86400;
  if (offset <= -12 * 3600) offset += 86400;
  return static_cast<std::int32_t>(offset);
}

struct TzDir {
  explicit TzDir(const std::filesystem::path& dir) { ::setenv("TZDIR", dir.c_str(), 1); }
  ~TzDir() { ::unsetenv("TZDIR"); }
  TzDir(const TzDir&) = delete;
  TzDir& operator=(const TzDir&) = delete;
};

// lobby arms when it empties; its PIR is on the entry route (the reader is
// past it). store-a is disarmed 12:00-12:01 local, store-b 11:00-12:00: at
// local noon store-a disarms and store-b arms, by schedule.
const char* kArmingConfig =
    "alarm_zones:\n"
    "  - id: lobby\n"
    "    exit_delay: 300ms\n"
    "    entry_delay: 400ms\n"
    "    auto_arm_when_empty: true\n"
    "    sensors:\n"
    "      - { name: lobby-pir, kind: motion, entry_route: true, point: { device: io1, input: 3 } "
    "}\n"
    "  - id: store-a\n"
    "    exit_delay: 0s\n"
    "    arm_schedule:\n"
    "      - { days: [mon, tue, wed, thu, fri, sat, sun], from: \"12:00\", to: \"12:01\" }\n"
    "    sensors:\n"
    "      - { name: store-a-pir, kind: motion, point: { device: io1, input: 4 } }\n"
    "  - id: store-b\n"
    "    exit_delay: 0s\n"
    "    arm_schedule:\n"
    "      - { days: [mon, tue, wed, thu, fri, sat, sun], from: \"11:00\", to: \"12:00\" }\n"
    "    sensors:\n"
    "      - { name: store-b-pir, kind: motion, point: { device: io1, input: 5 } }\n";

std::vector<core::Event> zone_events(const SiteHarness& site, core::EventKind kind,
                                     const std::string& zone) {
  std::vector<core::Event> out;
  for (auto& e : site.events(kind))
    if (e.zone && e.zone->str() == zone) out.push_back(std::move(e));
  return out;
}

bool has_intrusion(const MqttTestSubscriber& sub) {
  for (const auto& m : sub.messages()) {
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.value("kind", "") == "intrusion") return true;
  }
  return false;
}

// One pass through the door: the card, the door opens (entry), it closes.
void pass(SiteHarness& site, bool out, std::size_t entries_before) {
  if (out)
    site.swipe_out(kFacility, kAnna);
  else
    site.swipe(kFacility, kAnna);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 3s))
      << site.vigild_log();
  site.set_contact(true);
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::entry).size() > entries_before; }, 3s))
      << site.vigild_log();
  site.set_contact(false);
}

TEST(AlarmArming, ZoneArmsWhenEmptyMotionIsAnIntrusionAfterEntryDelayScheduleArmsAndDisarms) {
  TempDir zones("vigil-tz");
  // Local noon a little after vigild is up: it learns the schedule first.
  // The zone is written again just before vigild starts, so the broker's and
  // the simulators' start (seconds under ASan on a loaded machine: stop 21's
  // rehearsal) does not eat the margin.
  auto noon_soon = [] {
    return std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now()) + 3s;
  };
  auto noon = noon_soon();
  write_fixed_zone(zones.file("Test/Arming"), offset_for_noon_at(noon));
  TzDir tzdir(zones.path());
  SiteHarness::Options options;
  options.extra_config = kArmingConfig;
  options.exit_reader = true;
  options.time_zone = "Test/Arming";
  SiteHarness site({}, options);
  MqttTestSubscriber sub(site.broker().uri(), site.incident_filter());
  noon = noon_soon();
  write_fixed_zone(zones.file("Test/Arming"), offset_for_noon_at(noon));
  site.start_vigild();
  // store-a armed by hand before noon; its window then disarms it.
  auto [rc, out] = site_vigilctl(site, {"alarm", "arm", "store-a"});
  ASSERT_EQ(rc, 0) << out;

  // Occupancy: Anna walks in and out; the lobby arms once it is empty.
  ASSERT_NO_FATAL_FAILURE(pass(site, false, 0));
  EXPECT_TRUE(zone_events(site, core::EventKind::alarm_arming, "lobby").empty());
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 3s));
  ASSERT_NO_FATAL_FAILURE(pass(site, true, 1));
  ASSERT_TRUE(eventually(
      [&] { return !zone_events(site, core::EventKind::alarm_armed, "lobby").empty(); }, 3s))
      << site.vigild_log();
  const auto arming = zone_events(site, core::EventKind::alarm_arming, "lobby");
  ASSERT_EQ(arming.size(), 1u);
  EXPECT_EQ(core::attr_text(arming[0].attrs, "by"), "occupancy");
  const auto armed = zone_events(site, core::EventKind::alarm_armed, "lobby");
  // After the exit delay (the wall stamps of a monotonic deadline: within 1 ms).
  EXPECT_GE(armed[0].time - arming[0].time, 299ms);

  // Motion on the entry route: the entry delay, then the intrusion.
  site.io().set_input(kPirInput, true);
  ASSERT_TRUE(eventually([&] { return has_intrusion(sub); }, 3s)) << site.vigild_log();
  const auto delay = zone_events(site, core::EventKind::alarm_entry_delay, "lobby");
  const auto intrusion = zone_events(site, core::EventKind::alarm_intrusion, "lobby");
  ASSERT_EQ(delay.size(), 1u);
  ASSERT_EQ(intrusion.size(), 1u);
  EXPECT_EQ(core::attr_text(intrusion[0].attrs, "cause"), "entry_delay_expired");
  EXPECT_EQ(core::attr_text(delay[0].attrs, "sensor"), "lobby-pir");
  EXPECT_GE(intrusion[0].time - delay[0].time, 399ms);

  // Local noon: store-b's window ends (armed), store-a's starts (disarmed).
  ASSERT_TRUE(eventually(
      [&] {
        return !zone_events(site, core::EventKind::alarm_armed, "store-b").empty() &&
               !zone_events(site, core::EventKind::alarm_disarmed, "store-a").empty();
      },
      5s))
      << site.vigild_log();
  const auto b = zone_events(site, core::EventKind::alarm_arming, "store-b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(core::attr_text(b[0].attrs, "by"), "schedule");
  EXPECT_GE(b[0].time,
            core::TimePoint(std::chrono::duration_cast<core::Duration>(noon.time_since_epoch())));
  const auto a = zone_events(site, core::EventKind::alarm_disarmed, "store-a");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(core::attr_text(a[0].attrs, "by"), "schedule");
  EXPECT_EQ(core::attr_text(a[0].attrs, "previous"), "armed");
}

}  // namespace arming_site
}  // namespace vigil::testing
