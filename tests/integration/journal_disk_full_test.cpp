// vigild on a journal whose filesystem fills up: a size-limited tmpfs holds
// the journal's database (events, outbox, incident cursor). Needs root to
// mount; skipped otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "site_harness.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

// A tmpfs of a given size on a unique directory, unmounted and removed at
// destruction.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const char* size) {
    std::string tmpl = "/tmp/vigil-diskfull-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    const std::string opts = std::string("size=") + size;
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) != 0) {
      error_ = std::strerror(errno);
      std::filesystem::remove(dir_);
      return;
    }
    mounted_ = true;
  }
  ~SmallFilesystem() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& dir() const { return dir_; }

  // Writes a ballast file until the filesystem has no byte left.
  void fill() {
    std::ofstream out(dir_ / "ballast", std::ios::binary);
    const std::vector<char> chunk(64 * 1024, 'x');
    while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) out.flush();
    out.clear();
    const std::vector<char> byte(1, 'x');
    while (out.write(byte.data(), 1) && out.flush()) {
    }
  }
  void grow(const char* size) {
    const std::string opts = std::string("size=") + size;
    if (mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, opts.c_str()) != 0) {
      throw std::runtime_error(std::string("remount: ") + std::strerror(errno));
    }
  }

 private:
  std::filesystem::path dir_;
  std::string error_;
  bool mounted_ = false;
};

std::vector<core::EventKind> kinds(const std::vector<core::Event>& events) {
  std::vector<core::EventKind> out;
  for (const auto& e : events) out.push_back(e.kind);
  return out;
}

bool says_state(const std::vector<ReceivedMessage>& messages, const char* state) {
  return !messages.empty() && nlohmann::json::parse(messages.back().payload).at("state") == state;
}

TEST(VigildDiskFull, DoorsKeepDecidingTheIncidentIsPublishedAndNoEventIsLostWhenSpaceReturns) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a size-limited tmpfs";
  SmallFilesystem fs("16m");
  if (!fs.mounted()) GTEST_SKIP() << "cannot mount tmpfs: " << fs.error();

  SiteHarness site(MosquittoOptions{}, SiteHarness::Options{.journal_dir = fs.dir()});
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  MqttTestSubscriber status(site.broker().uri(), "vigil/v1/test-site/gw1/status");
  site.start_vigild();
  ASSERT_TRUE(eventually([&] { return says_state(status.messages(), "online"); }, 5s));
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::daemon_started).empty(); }, 5s));
  const auto before = site.all_events().size();

  fs.fill();
  site.swipe(12, 1001);
  // The door decides and drives the lock from memory while nothing commits.
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(console.wait_for(1, 10s)) << site.vigild_log();
  const auto incident = nlohmann::json::parse(console.messages()[0].payload);
  EXPECT_EQ(console.messages()[0].topic, "vigil/v1/test-site/gw1/incident/critical/_site");
  EXPECT_EQ(incident.at("severity"), "critical");
  ASSERT_TRUE(eventually([&] { return says_state(status.messages(), "degraded"); }, 5s));
  EXPECT_EQ(nlohmann::json::parse(status.messages().back().payload).at("reason"),
            "journal_failing");
  EXPECT_EQ(site.all_events().size(), before) << "nothing can commit on a full disk";
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 6s));

  fs.grow("64m");
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::journal_recovered).empty(); }, 10s))
      << site.vigild_log();
  ASSERT_TRUE(eventually([&] { return says_state(status.messages(), "online"); }, 5s));
  site.stop_vigild();

  const auto events = site.all_events();
  std::vector<core::Event> after(events.begin() + static_cast<std::ptrdiff_t>(before),
                                 events.end());
  using K = core::EventKind;
  const auto k = kinds(after);
  // Everything decided while the disk was full is there, in order.
  auto pos = [&](K kind) { return std::find(k.begin(), k.end(), kind) - k.begin(); };
  ASSERT_LT(pos(K::access_granted), static_cast<std::ptrdiff_t>(k.size()));
  // The first failed commit was the grant's: journal_failing comes after it.
  EXPECT_LT(pos(K::access_granted), pos(K::journal_failing));
  EXPECT_LT(pos(K::access_granted), pos(K::door_unlocked));
  EXPECT_LT(pos(K::door_unlocked), pos(K::door_relocked));
  EXPECT_LT(pos(K::journal_failing), pos(K::journal_recovered));
  EXPECT_LT(pos(K::door_relocked), pos(K::journal_recovered));
  EXPECT_LT(pos(K::journal_recovered), pos(K::daemon_stopped));
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_EQ(events[i].seq, events[i - 1].seq + 1);
  EXPECT_TRUE(journal::Journal(site.journal_path()).verify().ok);
}

TEST(VigildDiskFull, PastTheMemoryBoundDoorsStillWorkAndTheJournalSaysWhatWasLeftOut) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a size-limited tmpfs";
  SmallFilesystem fs("16m");
  if (!fs.mounted()) GTEST_SKIP() << "cannot mount tmpfs: " << fs.error();

  constexpr int kSwipes = 4;
  SiteHarness site(
      MosquittoOptions{},
      SiteHarness::Options{.journal_dir = fs.dir(), .vigild_args = {"--journal-max-pending", "8"}});
  site.start_vigild();
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::daemon_started).empty(); }, 5s));

  fs.fill();
  for (int i = 0; i < kSwipes; ++i) {
    // Every swipe still opens the door, held in memory or past the bound.
    site.swipe(12, 1001);
    ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
        << site.vigild_log();
    ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 6s));
  }
  fs.grow("64m");
  auto reported_grants = [&] {
    std::int64_t n = 0;
    for (const auto& r : site.events(core::EventKind::journal_recovered))
      n += core::attr_int(r.attrs, "dropped.access_granted").value_or(0);
    return n;
  };
  auto journalled_grants = [&] {
    return static_cast<std::int64_t>(site.events(core::EventKind::access_granted).size());
  };
  // Every grant is either in the journal or counted in a journal_recovered
  // event; and some were counted, since 4 swipes make more than 8 events.
  // Polled gently: each look opens the journal from this process.
  ASSERT_TRUE(
      eventually([&] { return journalled_grants() + reported_grants() == kSwipes; }, 20s, 200ms))
      << site.vigild_log();
  site.stop_vigild();
  EXPECT_GT(reported_grants(), 0);
  EXPECT_LT(journalled_grants(), kSwipes);
  for (const auto& r : site.events(core::EventKind::journal_recovered)) {
    if (core::attr_int(r.attrs, "dropped").value_or(0) > 0) {
      EXPECT_TRUE(core::attr_text(r.attrs, "first_dropped").has_value());
    }
  }
  EXPECT_TRUE(journal::Journal(site.journal_path()).verify().ok);
}

}  // namespace
}  // namespace vigil::testing
