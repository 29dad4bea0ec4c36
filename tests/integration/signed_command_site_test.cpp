// Signed MQTT commands end to end (docs/commands.md): a real mosquitto, a
// real vigild, commands signed by our C++ code and by an independent Python
// signer (the `cryptography` module, published by mosquitto_pub with MQTT 5
// Response Topic and Correlation Data, read back by mosquitto_sub). Each
// accepted kind acts as vigilctl's would; each refusal code is answered on
// reply/<id> and journalled; a replayed command is refused, also after a
// vigild restart. One vigild, restarted once: many checks per start.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "run_vigilctl.hpp"
#include "site_harness.hpp"
#include "vigil/core/base64.hpp"
#include "vigil/mqtt/signed_command.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace signed_command_site {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kGina(32, '\x01');  // guard, lobby
const std::string kAldo(32, '\x02');  // auditor, everywhere
const std::string kOtto(32, '\x03');  // guard, no zones
const std::string kSue(32, '\x04');   // supervisor, everywhere

std::string key_of(const std::string& seed) {
  return core::base64_encode(mqtt::ed25519_public_key(seed));
}

std::string operators() {
  return "  - { user: gina, roles: [guard], zones: [lobby], public_key: \"" + key_of(kGina) +
         "\" }\n"
         "  - { user: aldo, roles: [auditor], zones: [\"*\"], public_key: \"" +
         key_of(kAldo) +
         "\" }\n"
         "  - { user: otto, roles: [guard], zones: [], public_key: \"" +
         key_of(kOtto) +
         "\" }\n"
         "  - { user: sue, roles: [supervisor], zones: [\"*\"], public_key: \"" +
         key_of(kSue) + "\" }\n";
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Publishes at QoS 1 with mosquitto_pub (a console's publish).
void publish(SiteHarness& site, const std::string& topic, const std::string& payload) {
  ChildProcess pub({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p",
                    std::to_string(site.broker().port()), "-q", "1", "-t", topic, "-m", payload},
                   site.config_path().parent_path() / "mosquitto_pub.log");
  pub.wait_exit(10s);
}

class Console {
 public:
  explicit Console(SiteHarness& site)
      : site_(site), replies_(site.broker().uri(), "vigil/v1/test-site/gw1/reply/#") {}

  // A signed payload; the nonce from a counter, the time now + offset.
  std::string sign(const std::string& cmd, const std::string& op, const std::string& seed,
                   json args, std::int64_t offset_ms = 0, const std::string& signed_cmd = {}) {
    mqtt::CommandBody b;
    b.id = "t-" + std::to_string(++count_);
    b.operator_name = op;
    b.cmd = signed_cmd.empty() ? cmd : signed_cmd;
    b.site = "test-site";
    b.gateway = "gw1";
    b.ts_ms = now_ms() + offset_ms;
    char nonce[33];
    std::snprintf(nonce, sizeof nonce, "%032x", 0x5eed0000 + count_);
    b.nonce = nonce;
    if (args.contains("incident")) b.incident = args["incident"];
    if (args.contains("note")) b.note = args["note"].get<std::string>();
    if (args.contains("zone")) b.zone = args["zone"];
    if (args.contains("door")) b.door = args["door"];
    if (args.contains("seconds")) b.seconds = args["seconds"];
    last_id_ = b.id;
    return mqtt::format_signed_command(mqtt::format_command_body(b), seed);
  }

  // Publishes and waits for the reply to `id`.
  std::optional<json> send(const std::string& cmd, const std::string& payload,
                           const std::string& id) {
    publish(site_, "vigil/v1/test-site/gw1/cmd/" + cmd, payload);
    return reply_to(id);
  }
  std::optional<json> send(const std::string& cmd, const std::string& op, const std::string& seed,
                           json args) {
    const std::string payload = sign(cmd, op, seed, std::move(args));
    return send(cmd, payload, last_id_);
  }

  std::optional<json> reply_to(const std::string& id) {
    std::optional<json> found;
    eventually(
        [&] {
          for (const auto& m : replies_.messages()) {
            if (m.topic == "vigil/v1/test-site/gw1/reply/" + id) found = json::parse(m.payload);
          }
          return found.has_value();
        },
        10s);
    return found;
  }

  // vigild's command link subscribes after its start: probe with a command
  // from an operator the site does not know until one is answered.
  bool wait_listening() {
    return eventually(
        [&] {
          const std::string payload = sign("fire-reset", "probe", kGina, json::object());
          publish(site_, "vigil/v1/test-site/gw1/cmd/fire-reset", payload);
          const std::string id = last_id_;
          return eventually(
              [&] {
                for (const auto& m : replies_.messages()) {
                  if (m.topic.ends_with("/reply/" + id)) return true;
                }
                return false;
              },
              300ms);
        },
        15s);
  }

  const std::string& last_id() const { return last_id_; }

 private:
  SiteHarness& site_;
  MqttTestSubscriber replies_;
  int count_ = 0;
  std::string last_id_;
};

std::vector<core::Event> records(const SiteHarness& site, const std::string& id) {
  std::vector<core::Event> out;
  for (auto kind : {core::EventKind::command_accepted, core::EventKind::command_refused}) {
    for (auto& e : site.events(kind)) {
      if (core::attr_text(e.attrs, "id") == id) out.push_back(e);
    }
  }
  return out;
}

TEST(SignedCommandSite, EachCommandIsCheckedAnsweredAndJournalledAndAReplayIsRefusedAfterRestart) {
  SiteHarness::Options options;
  options.extra_operators = operators();
  SiteHarness site({}, options);
  MqttTestSubscriber incidents(site.broker().uri(), site.incident_filter());
  site.start_vigild();
  Console console(site);
  ASSERT_TRUE(console.wait_listening())
      << site.events(core::EventKind::command_refused).size() << " refused\n"
      << site.vigild_log() << site.broker().log();

  // lockdown-set by a guard in scope: accepted, acted on, journalled.
  const std::string lockdown = console.sign("lockdown-set", "gina", kGina, {{"zone", "lobby"}});
  const std::string lockdown_id = console.last_id();
  auto reply = console.send("lockdown-set", lockdown, lockdown_id);
  ASSERT_TRUE(reply) << site.vigild_log();
  EXPECT_EQ((*reply)["code"], "ok") << *reply;
  EXPECT_EQ((*reply)["ok"], true);
  EXPECT_EQ((*reply)["operator"], "gina");
  ASSERT_TRUE((*reply)["seq"].is_number());
  const auto set = site.events(core::EventKind::lockdown_set);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(core::attr_text(set[0].attrs, "operator"), "gina");
  auto rows = records(site, lockdown_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, core::EventKind::command_accepted);
  EXPECT_EQ(rows[0].seq, (*reply)["seq"].get<std::uint64_t>());
  EXPECT_EQ(core::attr_text(rows[0].attrs, "zone"), "lobby");
  EXPECT_EQ(core::attr_text(rows[0].attrs, "cmd"), "lockdown-set");

  // Refusals, each with its code, in the contract's order.
  struct Refusal {
    const char* what;
    std::string cmd, op, seed;
    json args;
    std::int64_t offset_ms;
    const char* code;
  };
  const std::vector<Refusal> refusals{
      {"guards may not release", "lockdown-release", "gina", kGina, {{"zone", "lobby"}}, 0, "role"},
      {"auditors may not lock down", "lockdown-set", "aldo", kAldo, {{"zone", "lobby"}}, 0, "role"},
      {"lobby is outside otto's zones",
       "lockdown-set",
       "otto",
       kOtto,
       {{"zone", "lobby"}},
       0,
       "scope"},
      {"signed with another's key",
       "lockdown-set",
       "gina",
       kAldo,
       {{"zone", "lobby"}},
       0,
       "bad_signature"},
      {"a minute old", "lockdown-set", "gina", kGina, {{"zone", "lobby"}}, -60'000, "stale"},
      {"unknown operator",
       "lockdown-set",
       "mallory",
       kGina,
       {{"zone", "lobby"}},
       0,
       "unknown_operator"},
      {"unknown incident", "incident-ack", "gina", kGina, {{"incident", "999999"}}, 0, "failed"},
  };
  for (const auto& r : refusals) {
    const std::string payload = console.sign(r.cmd, r.op, r.seed, r.args, r.offset_ms);
    const std::string id = console.last_id();
    const auto answer = console.send(r.cmd, payload, id);
    ASSERT_TRUE(answer) << r.what;
    EXPECT_EQ((*answer)["code"], r.code) << r.what << ": " << *answer;
    EXPECT_EQ((*answer)["ok"], false) << r.what;
    const auto journalled = records(site, id);
    ASSERT_EQ(journalled.size(), 1u) << r.what;
    EXPECT_EQ(journalled[0].kind, core::EventKind::command_refused) << r.what;
    EXPECT_EQ(core::attr_text(journalled[0].attrs, "code"), r.code) << r.what;
  }

  // door-unlock while the lobby is locked down: refused by the door loop.
  reply = console.send("door-unlock", "gina", kGina, {{"door", "lobby-main"}, {"seconds", 2}});
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "failed") << *reply;
  EXPECT_NE((*reply)["message"].get<std::string>().find("lockdown"), std::string::npos) << *reply;
  EXPECT_FALSE(site.io().coil(SiteHarness::kLockCoil));

  // The incident lifecycle: a forced door, acknowledged and resolved by MQTT.
  site.set_contact(true);
  ASSERT_TRUE(incidents.wait_for(1, 10s)) << site.vigild_log();
  const auto incident = json::parse(incidents.messages().front().payload);
  const auto seq = std::to_string(incident["seq"].get<std::uint64_t>());
  reply = console.send("incident-ack", "gina", kGina, {{"incident", seq}});
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "ok") << *reply;
  reply = console.send("incident-resolve", "gina", kGina,
                       {{"incident", seq}, {"note", "door checked, latch fixed"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "ok") << *reply;
  const auto resolved = site.events(core::EventKind::incident_resolved);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(core::attr_text(resolved[0].attrs, "operator"), "gina");
  EXPECT_EQ(core::attr_text(resolved[0].attrs, "note"), "door checked, latch fixed");

  // The independent signer: Python's cryptography and mosquitto_pub -V 5 with
  // a Response Topic; the same reply comes there with the Correlation Data.
  const auto sub_log = site.config_path().parent_path() / "mosquitto_sub.log";
  ChildProcess sub({"/usr/bin/stdbuf",
                    "-oL",
                    "/usr/bin/mosquitto_sub",
                    "-V",
                    "5",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    std::to_string(site.broker().port()),
                    "-q",
                    "1",
                    "-t",
                    "vigil/v1/test-site/gw1/reply/console-sue",
                    "-C",
                    "1",
                    "-W",
                    "20",
                    "-F",
                    "%t|%D|%p",
                    "-d"},
                   sub_log);
  ASSERT_TRUE(eventually(
      [&] {
        std::ifstream in(sub_log);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        return text.find("SUBACK") != std::string::npos;
      },
      10s));
  ChildProcess python({"/usr/bin/python3",
                       VIGIL_SIGN_COMMAND_PY,
                       "--port",
                       std::to_string(site.broker().port()),
                       "--seed-b64",
                       core::base64_encode(kSue),
                       "--operator",
                       "sue",
                       "--cmd",
                       "lockdown-release",
                       "--site",
                       "test-site",
                       "--gateway",
                       "gw1",
                       "--id",
                       "py-1",
                       "--args",
                       R"({"zone": "lobby"})",
                       "--response-topic",
                       "vigil/v1/test-site/gw1/reply/console-sue",
                       "--correlation",
                       "corr-42"},
                      site.config_path().parent_path() / "sign_command.log");
  ASSERT_TRUE(python.wait_exit(15s));
  reply = console.reply_to("py-1");
  ASSERT_TRUE(reply) << site.vigild_log();
  EXPECT_EQ((*reply)["code"], "ok") << *reply;
  ASSERT_TRUE(sub.wait_exit(15s));
  {
    std::ifstream in(sub_log);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto at = text.find("vigil/v1/test-site/gw1/reply/console-sue|corr-42|");
    ASSERT_NE(at, std::string::npos) << text;
    const auto line = text.substr(at, text.find('\n', at) - at);
    const auto direct = json::parse(line.substr(line.find('{')));
    EXPECT_EQ(direct, *reply);
  }
  EXPECT_EQ(site.events(core::EventKind::lockdown_released).size(), 1u);

  // door unlock through vigilctl (the test's user, a supervisor), then as a
  // signed command: the coil releases for the seconds asked, then relocks,
  // and the journal says who (door_unlocked cause=remote).
  site.set_contact(false);
  // The relock journalled after the unlock of seq `after`.
  auto relocked_after = [&](std::uint64_t after) {
    for (auto& e : site.events(core::EventKind::door_relocked)) {
      if (e.seq > after) return true;
    }
    return false;
  };
  EXPECT_NE(site_vigilctl(site, {"door", "unlock", "lobby-main", "--seconds", "0"}).first, 0);
  std::pair<int, std::string> ctl;
  ASSERT_TRUE(eventually(
      [&] {  // the lockdown's release reaches the door loop
        ctl = site_vigilctl(site, {"door", "unlock", "lobby-main", "--seconds", "1"});
        return ctl.first == 0;
      },
      10s))
      << ctl.second << site.vigild_log();
  EXPECT_NE(ctl.second.find("unlocked for 1 s"), std::string::npos) << ctl.second;
  auto remote_unlocks = [&] {
    std::vector<core::Event> out;
    for (auto& e : site.events(core::EventKind::door_unlocked)) {
      if (core::attr_text(e.attrs, "cause") == "remote") out.push_back(e);
    }
    return out;
  };
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 3s));
  ASSERT_TRUE(eventually([&] { return remote_unlocks().size() == 1; }, 5s)) << site.vigild_log();
  EXPECT_EQ(core::attr_text(remote_unlocks()[0].attrs, "operator"), SiteHarness::test_user());
  EXPECT_EQ(core::attr_int(remote_unlocks()[0].attrs, "seconds"), 1);
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 4s));
  ASSERT_TRUE(eventually([&] { return relocked_after(remote_unlocks()[0].seq); }, 5s))
      << site.vigild_log();

  reply = console.send("door-unlock", "gina", kGina, {{"door", "lobby-main"}, {"seconds", 1}});
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "ok") << *reply;
  ASSERT_TRUE(eventually([&] { return site.io().coil(SiteHarness::kLockCoil); }, 3s));
  ASSERT_TRUE(eventually([&] { return remote_unlocks().size() == 2; }, 5s)) << site.vigild_log();
  EXPECT_EQ(core::attr_text(remote_unlocks()[1].attrs, "operator"), "gina");
  rows = records(site, console.last_id());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(core::attr_text(rows[0].attrs, "door"), "lobby-main");
  ASSERT_TRUE(eventually([&] { return !site.io().coil(SiteHarness::kLockCoil); }, 4s));
  ASSERT_TRUE(eventually([&] { return relocked_after(remote_unlocks()[1].seq); }, 5s))
      << site.vigild_log();

  // Replays: the same bytes again, now and after a restart.
  reply = console.send("lockdown-set", lockdown, lockdown_id);
  ASSERT_TRUE(eventually([&] { return records(site, lockdown_id).size() == 2; }, 10s));
  site.stop_vigild();
  site.start_vigild();
  ASSERT_TRUE(console.wait_listening()) << site.vigild_log();
  publish(site, "vigil/v1/test-site/gw1/cmd/lockdown-set", lockdown);
  ASSERT_TRUE(eventually([&] { return records(site, lockdown_id).size() == 3; }, 10s))
      << site.vigild_log();
  rows = records(site, lockdown_id);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(core::attr_text(rows[i].attrs, "code"), "replay");
  }
  EXPECT_EQ(site.events(core::EventKind::lockdown_set).size(), 1u);
  site.stop_vigild();
}

}  // namespace signed_command_site
}  // namespace vigil::testing
