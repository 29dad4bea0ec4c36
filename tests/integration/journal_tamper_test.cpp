// vigild and a journal someone rewrote: a clean stop leaves a signed
// checkpoint (file and retained MQTT message) that verifies with the gateway's
// public key; started again on a journal with its tail cut, vigild still opens
// doors, tells the console with a critical journal_integrity incident, and a
// forced door afterwards gets an incident id the console has never seen.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "site_harness.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace journal_tamper_test {

using namespace std::chrono_literals;

void force_door(SiteHarness& site, std::size_t forced_before) {
  site.set_contact(true);
  ASSERT_TRUE(eventually(
      [&] { return site.events(core::EventKind::door_forced).size() == forced_before + 1; }, 5s))
      << site.vigild_log();
  site.set_contact(false);
}

// vigilctl as a child process: exit code and everything it printed.
std::pair<int, std::string> vigilctl(const SiteHarness& site, std::vector<std::string> args) {
  const auto log = site.config_path().parent_path() / "vigilctl.log";
  std::filesystem::remove(log);
  args.insert(args.begin(), VIGILCTL_PATH);
  ChildProcess ctl(args, log);
  int rc = -1;
  if (ctl.wait_exit(std::chrono::seconds(30)) && WIFEXITED(*ctl.wait_status())) {
    rc = WEXITSTATUS(*ctl.wait_status());
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {rc, text.str()};
}

// The first incident of that kind the console has received, if any.
std::optional<ReceivedMessage> first_of_kind(const MqttTestSubscriber& console,
                                             std::string_view kind) {
  for (const auto& m : console.messages()) {
    if (nlohmann::json::parse(m.payload).at("kind") == kind) return m;
  }
  return std::nullopt;
}

std::set<std::string> ids(const std::vector<ReceivedMessage>& messages) {
  std::set<std::string> out;
  for (const auto& m : messages) out.insert(nlohmann::json::parse(m.payload).at("id"));
  return out;
}

TEST(JournalTamper, ACleanStopLeavesASignedCheckpointInTheFileAndRetainedOnMqtt) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  force_door(site, 0);
  // Connected to the broker (the incident arrived) before the stop: a stop
  // with the broker away leaves the checkpoint in the file only, and the
  // next start publishes it.
  ASSERT_TRUE(console.wait_for(1, 10s)) << site.vigild_log();
  site.stop_vigild();

  const auto db = site.journal_path();
  const auto key = journal::read_public_key(journal::public_key_path(db));
  ASSERT_TRUE(key) << site.vigild_log();
  const auto file = journal::read_checkpoint_file(journal::checkpoint_path(db));
  ASSERT_TRUE(file);
  journal::Journal journal(db);
  EXPECT_EQ(journal::check_checkpoint(journal, *file, *key).problem,
            journal::CheckpointProblem::none);
  // The checkpoint signs the head with daemon_stopped in it; its own row follows.
  EXPECT_EQ(file->seq + 1, journal.last_seq());
  EXPECT_EQ(site.events(core::EventKind::checkpoint).size(), 1u);

  MqttTestSubscriber late(site.broker().uri(), "vigil/v1/test-site/gw1/checkpoint");
  ASSERT_TRUE(late.wait_for(1, 5s));
  const auto m = late.messages()[0];
  EXPECT_TRUE(m.retained);
  const auto published = journal::checkpoint_from_json(m.payload);
  ASSERT_TRUE(published);
  EXPECT_EQ(journal::checkpoint_to_json(*published), journal::checkpoint_to_json(*file));
  EXPECT_TRUE(journal::signature_valid(*published, *key));

  // An inspector checks the journal against the broker's copy.
  const auto [rc, output] =
      vigilctl(site, {"log", "verify", "-c", site.config_path().string(), "--broker",
                      "127.0.0.1:" + std::to_string(site.broker().port())});
  EXPECT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("checkpoint seq " + std::to_string(file->seq) + " ok"), std::string::npos)
      << output;
}

TEST(JournalTamper, VigildOnACutJournalKeepsDoorsWorkingRaisesAnIncidentAndNeverReusesAnId) {
  SiteHarness site;
  MqttTestSubscriber console(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  force_door(site, 0);
  ASSERT_TRUE(console.wait_for(1, 5s)) << site.vigild_log();
  site.stop_vigild();
  const std::set<std::string> seen = ids(console.messages());
  std::set<std::string> sent_before;
  for (const auto& m : console.messages()) sent_before.insert(m.payload);
  const auto forced_seq = site.events(core::EventKind::door_forced).at(0).seq;

  // Cut everything from the forced door on: its seq will be handed out again.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(site.journal_path().c_str(), &raw), SQLITE_OK);
  const std::string cut = "DELETE FROM events WHERE seq >= " + std::to_string(forced_seq);
  ASSERT_EQ(sqlite3_exec(raw, cut.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);

  console.clear();
  site.start_vigild();
  // The forced door's incident may come again first: the broker acknowledged
  // it, but vigild stopped before it deleted the outbox row. A console drops
  // that resend by its id, which is why a new incident must never reuse one.
  ASSERT_TRUE(
      eventually([&] { return first_of_kind(console, "journal_integrity").has_value(); }, 10s))
      << site.vigild_log();
  const auto alarm = *first_of_kind(console, "journal_integrity");
  EXPECT_EQ(alarm.topic, "vigil/v1/test-site/gw1/incident/critical/_site");
  const auto alarm_json = nlohmann::json::parse(alarm.payload);
  EXPECT_EQ(alarm_json.at("severity"), "critical");
  EXPECT_NE(alarm_json.at("summary").get<std::string>().find("tail_cut"), std::string::npos)
      << alarm.payload;

  // Doors still decide.
  site.swipe(12, 1001);
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 5s))
      << site.vigild_log();
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 6s));

  // The new forced door: an incident whose id the console has not seen.
  force_door(site, 0);
  std::optional<ReceivedMessage> forced;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& m : console.messages()) {
          const auto json = nlohmann::json::parse(m.payload);
          if (json.at("kind") == "door_forced" && !sent_before.contains(m.payload)) forced = m;
        }
        return forced.has_value();
      },
      5s))
      << site.vigild_log();
  const auto forced_json = nlohmann::json::parse(forced->payload);
  EXPECT_EQ(seen.count(forced_json.at("id")), 0u)
      << forced_json.at("id") << " was used before the cut";
  // Any other door_forced message is the first run's, resent byte for byte.
  for (const auto& m : console.messages()) {
    if (nlohmann::json::parse(m.payload).at("kind") == "door_forced" &&
        m.payload != forced->payload) {
      EXPECT_TRUE(sent_before.contains(m.payload)) << m.payload;
    }
  }
  site.stop_vigild();

  // The break is recorded once: the next start does not raise it again.
  site.start_vigild();
  site.stop_vigild();
  EXPECT_EQ(site.events(core::EventKind::daemon_started).size(), 3u);  // one row cut
  EXPECT_EQ(site.events(core::EventKind::journal_integrity).size(), 1u) << site.vigild_log();
}

}  // namespace journal_tamper_test
}  // namespace vigil::testing
