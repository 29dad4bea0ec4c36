// vigild end to end: real broker, real Modbus server, sim GPIO chip, real
// SQLite journal, vigild as a child process.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <fstream>

#include "site_harness.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"
#include "vigil/wiegand/format.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::uint64_t> seqs(const std::vector<ReceivedMessage>& messages) {
  std::vector<std::uint64_t> out;
  for (const auto& m : messages) out.push_back(nlohmann::json::parse(m.payload).at("seq"));
  return out;
}

std::vector<std::uint64_t> seqs(const std::vector<core::Event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

TEST(Vigild, SwipeSetsTheLockCoilAndIsJournalled) {
  SiteHarness site;
  site.start_vigild();
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  // Unused grant: the lock closes again after the 2 s unlock time.
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 6s));
  // The coil is off on the module before vigild has handled the module's
  // answer. A stop now writes the coil again, and the pulse end's relock is
  // journalled only if its answer came first (a driver drops a write
  // superseded before it was confirmed: the journal records what the
  // hardware did). So stop once the pulse end's relock is journalled.
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_relocked).size() >= 2; }, 5s))
      << site.vigild_log();
  site.stop_vigild();

  const auto grants = site.events(core::EventKind::access_granted);
  ASSERT_EQ(grants.size(), 1u) << site.vigild_log();
  EXPECT_EQ(grants[0].person->str(), "p01");
  EXPECT_EQ(grants[0].door->str(), "lobby-main");
  EXPECT_EQ(core::to_string(*grants[0].card), "12:1001");
  EXPECT_EQ(site.events(core::EventKind::door_unlocked).size(), 1u);
  // Locked at start, relocked when the pulse ended, and again at the stop:
  // each one journalled once the module confirmed the coil, with its cause.
  std::vector<std::string> causes;
  for (const auto& e : site.events(core::EventKind::door_relocked))
    causes.push_back(core::attr_text(e.attrs, "cause").value_or("?"));
  EXPECT_EQ(causes, (std::vector<std::string>{"start", "pulse_end", "sigterm"}))
      << site.vigild_log();
}

// The same on a lock driven by a GPIO line: SiteIo answers each write with
// its id once the chip took the value.
TEST(Vigild, SwipeOnAGpioLockIsJournalledOnTheChipsConfirmation) {
  SiteHarness::Options options;
  options.gpio_lock = true;
  SiteHarness site({}, options);
  site.start_vigild();
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.chip().level(SiteHarness::kLockLine); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_relocked).size() >= 2; }, 6s))
      << site.vigild_log();
  EXPECT_FALSE(site.chip().level(SiteHarness::kLockLine));
  site.stop_vigild();

  const auto unlocked = site.events(core::EventKind::door_unlocked);
  ASSERT_EQ(unlocked.size(), 1u) << site.vigild_log();
  EXPECT_EQ(unlocked[0].person->str(), "p01");
  std::vector<std::string> causes;
  for (const auto& e : site.events(core::EventKind::door_relocked))
    causes.push_back(core::attr_text(e.attrs, "cause").value_or("?"));
  EXPECT_EQ(causes, (std::vector<std::string>{"start", "pulse_end", "sigterm"}))
      << site.vigild_log();
  EXPECT_TRUE(site.events(core::EventKind::output_failed).empty()) << site.vigild_log();
}

TEST(Vigild, DeniedSwipeLeavesTheDoorLockedAndRecordsTheReason) {
  SiteHarness site;
  site.start_vigild();
  site.swipe(12, 1002);  // enrolled, but no access level
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::access_denied).empty(); }, 5s))
      << site.vigild_log();
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil));
  EXPECT_EQ(site.events(core::EventKind::access_denied)[0].reason,
            core::DenyReason::no_access_level);
}

TEST(Vigild, CorruptWiegandFrameIsAReadErrorWithItsRawBitsNeverACard) {
  SiteHarness site;
  site.start_vigild();
  auto bits = wiegand::encode(*wiegand::find_format("H10301"), core::CardNumber{12, 1001});
  bits.back() = !bits.back();  // break the trailing odd parity
  site.send_bits(bits);
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::read_error).empty(); }, 5s))
      << site.vigild_log();
  const auto error = site.events(core::EventKind::read_error)[0];
  EXPECT_EQ(error.reader->str(), "lobby-in");
  EXPECT_NE(error.detail.find("odd_parity"), std::string::npos) << error.detail;
  EXPECT_NE(error.detail.find("bits=26"), std::string::npos) << error.detail;
  EXPECT_NE(error.detail.find(wiegand::bits_to_string(bits)), std::string::npos) << error.detail;
  EXPECT_TRUE(site.events(core::EventKind::access_granted).empty());
  EXPECT_TRUE(site.events(core::EventKind::access_denied).empty());
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil));
}

TEST(Vigild, RefusesToStartOnABadConfigNamingFileLineAndColumn) {
  TempDir dir;
  const auto config = dir.file("bad.yaml");
  std::ofstream(config) << "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
                        << "journal: { path: journal.db }\n"
                        << "zones:\n"
                        << "  - { id: lobby, name: Lobby, colour: red }\n";
  ChildProcess vigild({VIGILD_PATH, "-c", config.string()}, dir.file("vigild.log"));
  ASSERT_TRUE(vigild.wait_exit(10s));
  ASSERT_TRUE(WIFEXITED(*vigild.wait_status()));
  EXPECT_EQ(WEXITSTATUS(*vigild.wait_status()), 2);
  std::ifstream in(dir.file("vigild.log"));
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find(config.string() + ":4:"), std::string::npos) << log;
  EXPECT_NE(log.find("colour"), std::string::npos) << log;
  EXPECT_NE(log.find("refusing to start"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(dir.file("journal.db")));
}

TEST(Vigild, ForcedDoorReachesAnMqttSubscriber) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  site.set_contact(true);
  ASSERT_TRUE(console.wait_for(1, 5s)) << site.vigild_log();
  const auto m = console.messages()[0];
  EXPECT_EQ(m.topic, "vigil/v1/test-site/gw1/incident/major/lobby");
  const auto payload = nlohmann::json::parse(m.payload);
  EXPECT_EQ(payload.at("kind"), "door_forced");
  EXPECT_EQ(payload.at("door"), "lobby-main");
  EXPECT_EQ(payload.at("v"), 1);
}

TEST(Vigild, IncidentsDuringABrokerOutageArriveOnceInOrder) {
  SiteHarness site(MosquittoOptions{.persistence = true});
  // A console with a persistent session: the broker keeps its subscription
  // across the restart and queues what vigild publishes until it is back.
  MqttTestSubscriber console(
      site.broker().uri(), site.incident_filter(),
      SubscriberOptions{
          .client_id = "console-outage", .clean_session = false, .auto_reconnect = true});
  site.start_vigild();
  site.broker().stop();
  for (int i = 1; i <= 3; ++i) {
    site.set_contact(true);
    ASSERT_TRUE(eventually(
        [&] {
          return site.events(core::EventKind::door_forced).size() == static_cast<std::size_t>(i);
        },
        5s));
    site.set_contact(false);
    ASSERT_TRUE(eventually(
        [&] {
          return site.events(core::EventKind::door_closed).size() == static_cast<std::size_t>(i);
        },
        5s));
  }
  site.broker().start();
  ASSERT_TRUE(console.wait_for(3, 20s)) << site.vigild_log() << site.broker().log();
  // Give a duplicate the chance to show up before counting.
  EXPECT_FALSE(console.wait_for(4, 2s));
  EXPECT_EQ(seqs(console.messages()), seqs(site.events(core::EventKind::door_forced)));
}

TEST(Vigild, SigkillAndRestartLoseNoCommittedEventOrPendingIncident) {
  SiteHarness site(MosquittoOptions{.persistence = true});
  MqttTestSubscriber console(
      site.broker().uri(), site.incident_filter(),
      SubscriberOptions{
          .client_id = "console-kill", .clean_session = false, .auto_reconnect = true});
  site.start_vigild();
  site.broker().stop();  // incidents stay pending in the outbox
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s));
  site.set_contact(true);
  ASSERT_TRUE(eventually([&] { return site.events(core::EventKind::entry).size() == 1; }, 5s));
  site.set_contact(false);
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_closed).size() == 1; }, 5s));
  // Relocked once the relock delay passed after the close (start + this one).
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_relocked).size() == 2; }, 5s));
  site.set_contact(true);  // the grant was used up: forced
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_forced).size() == 1; }, 5s));
  site.set_contact(false);
  ASSERT_TRUE(
      eventually([&] { return site.events(core::EventKind::door_closed).size() == 2; }, 5s));
  const auto before = site.all_events();

  site.kill_vigild();
  site.start_vigild();
  site.broker().start();

  ASSERT_TRUE(console.wait_for(1, 20s)) << site.vigild_log();
  EXPECT_EQ(seqs(console.messages()), seqs(site.events(core::EventKind::door_forced)));
  const auto after = site.all_events();
  ASSERT_GT(after.size(), before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].seq, before[i].seq);
    EXPECT_EQ(after[i].kind, before[i].kind);
  }
  EXPECT_TRUE(journal::Journal(site.journal_path()).verify().ok);
  EXPECT_EQ(site.events(core::EventKind::daemon_started).size(), 2u);
}

}  // namespace
}  // namespace vigil::testing
