// Signed MQTT commands as vigild decides them (docs/commands.md), on a real
// SQLite journal with real Ed25519 keys: each refusal code in the contract's
// order, the replay check across a restart (a new MqttCommands on the same
// database), and commands that run through the control socket's code path.
#include <gtest/gtest.h>

#include <fstream>

#include "vigil/app/mqtt_commands.hpp"
#include "vigil/config/load.hpp"
#include "vigil/core/base64.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::app {
namespace mqtt_commands_test {

using mqtt::CommandCode;

const std::string kGuardSeed(32, '\x11');
const std::string kAuditorSeed(32, '\x22');
const std::string kStrangerSeed(32, '\x33');

config::SiteConfig load_site(const testing::TempDir& dir) {
  const std::string yaml =
      "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
      "journal: { path: journal.db }\n"
      "zones:\n"
      "  - { id: lab-a }\n"
      "  - { id: lab-b }\n"
      "devices:\n"
      "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 1502 }\n"
      "doors:\n"
      "  - { id: a-door, from: outside, to: lab-a, lock: { device: io1, coil: 0 }, contact: { "
      "device: io1, input: 0 } }\n"
      "  - { id: b-door, from: outside, to: lab-b, lock: { device: io1, coil: 1 }, contact: { "
      "device: io1, input: 1 } }\n"
      "access_levels:\n"
      "  - { id: staff, zones: [lab-a, lab-b], schedule: always }\n"
      "operators:\n"
      "  - { user: ben, roles: [guard, supervisor], zones: [lab-a], public_key: \"" +
      core::base64_encode(mqtt::ed25519_public_key(kGuardSeed)) +
      "\" }\n"
      "  - { user: ada, roles: [auditor], zones: [\"*\"], public_key: \"" +
      core::base64_encode(mqtt::ed25519_public_key(kAuditorSeed)) +
      "\" }\n"
      "  - { user: cy, roles: [admin], zones: [\"*\"] }\n"
      "commands: { max_skew: 30s }\n";
  const auto path = dir.file("site.yaml");
  std::ofstream(path) << yaml;
  auto loaded = config::load_site_config(path);
  if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
  journal::Journal created(loaded.value().journal_path);  // the database exists
  return loaded.value();
}

const core::TimePoint kNow{std::chrono::milliseconds(1'790'000'000'000)};

struct Signed {
  std::string cmd = "lockdown-set";
  std::string op = "ben";
  std::string seed = kGuardSeed;
  std::string zone = "lab-a";
  std::string nonce = "0123456789abcdef0123456789abcdef";
  std::int64_t ts_ms = 1'790'000'000'000;
  std::string site = "hq";
  std::string incident;
  std::optional<std::string> note;
  std::string door;
  int seconds = 0;

  std::string payload() const {
    mqtt::CommandBody b;
    b.id = "c-" + nonce.substr(0, 8);
    b.operator_name = op;
    b.cmd = cmd;
    b.site = site;
    b.gateway = "gw1";
    b.ts_ms = ts_ms;
    b.nonce = nonce;
    b.incident = incident;
    b.note = note;
    b.door = door;
    b.seconds = seconds;
    if (cmd != "fire-reset" && incident.empty() && door.empty()) b.zone = zone;
    return mqtt::format_signed_command(mqtt::format_command_body(b), seed);
  }
};

std::string nonce_n(int n) {
  char text[33];
  std::snprintf(text, sizeof text, "%032x", n);
  return text;
}

TEST(MqttCommands, RefusesEachBadCommandWithTheFirstFailingCheckAndJournalsIt) {
  testing::TempDir dir("vigil-mqtt-cmd");
  const auto config = load_site(dir);
  MqttCommands commands(config);
  struct Case {
    const char* what;
    std::string topic_name;
    std::string payload;
    bool retained;
    CommandCode code;
  };
  Signed good;
  Signed wrong_key = good;
  wrong_key.seed = kStrangerSeed;
  Signed stranger = good;
  stranger.op = "zed";
  Signed no_key = good;
  no_key.op = "cy";
  Signed other_site = good;
  other_site.site = "elsewhere";
  Signed stale = good;
  stale.ts_ms -= 31'000;
  Signed auditor = good;
  auditor.op = "ada";
  auditor.seed = kAuditorSeed;
  Signed out_of_scope = good;
  out_of_scope.zone = "lab-b";
  int n = 0;
  for (Signed* s : {&wrong_key, &stranger, &no_key, &other_site, &stale, &auditor, &out_of_scope})
    s->nonce = nonce_n(++n);
  // A body signed, then one byte changed after signing.
  std::string tampered = good.payload();
  tampered.replace(tampered.find("lab-a"), 5, "lab-b");
  const std::vector<Case> cases{
      {"not JSON", "lockdown-set", "{nope", false, CommandCode::bad_request},
      {"retained", "lockdown-set", good.payload(), true, CommandCode::bad_request},
      {"unknown operator", "lockdown-set", stranger.payload(), false,
       CommandCode::unknown_operator},
      {"operator without key", "lockdown-set", no_key.payload(), false,
       CommandCode::unknown_operator},
      {"wrong key", "lockdown-set", wrong_key.payload(), false, CommandCode::bad_signature},
      {"tampered body", "lockdown-set", tampered, false, CommandCode::bad_signature},
      {"other site", "lockdown-set", other_site.payload(), false, CommandCode::wrong_target},
      {"topic differs", "lockdown-release", good.payload(), false, CommandCode::wrong_target},
      {"31 s old", "lockdown-set", stale.payload(), false, CommandCode::stale},
      {"auditor", "lockdown-set", auditor.payload(), false, CommandCode::role},
      {"zone outside scope", "lockdown-set", out_of_scope.payload(), false, CommandCode::scope},
  };
  for (const auto& c : cases) {
    const auto outcome = commands.handle({c.topic_name, c.payload, c.retained}, kNow);
    EXPECT_EQ(outcome.record.kind, core::EventKind::command_refused) << c.what;
    EXPECT_EQ(core::attr_text(outcome.record.attrs, "code"), mqtt::to_string(c.code)) << c.what;
    if (std::string(c.what) == "not JSON") {
      EXPECT_FALSE(outcome.reply) << "no id, no reply";
    } else {
      ASSERT_TRUE(outcome.reply) << c.what;
      EXPECT_EQ(outcome.reply->code, c.code) << c.what << ": " << outcome.reply->message;
    }
  }
}

TEST(MqttCommands, RunsALockdownAsTheControlSocketWouldAndRefusesItsReplayAfterARestart) {
  testing::TempDir dir("vigil-mqtt-cmd");
  const auto config = load_site(dir);
  Signed set;
  set.nonce = nonce_n(100);
  {
    MqttCommands commands(config);
    const auto outcome = commands.handle({"lockdown-set", set.payload(), false}, kNow);
    EXPECT_EQ(outcome.record.kind, core::EventKind::command_accepted);
    ASSERT_TRUE(outcome.reply);
    EXPECT_EQ(outcome.reply->code, CommandCode::ok) << outcome.reply->message;
    EXPECT_EQ(outcome.reply->operator_name, "ben");
    EXPECT_EQ(core::attr_text(outcome.record.attrs, "command"), "lockdown set");
    EXPECT_EQ(core::attr_text(outcome.record.attrs, "zone"), "lab-a");
    EXPECT_EQ(core::attr_text(outcome.record.attrs, "nonce"), set.nonce);
    const auto lockdowns =
        journal::Journal(config.journal_path).query({.kinds = {core::EventKind::lockdown_set}});
    ASSERT_EQ(lockdowns.size(), 1u);
    EXPECT_EQ(core::attr_text(lockdowns[0].attrs, "operator"), "ben");
  }
  MqttCommands restarted(config);
  const auto again = restarted.handle({"lockdown-set", set.payload(), false}, kNow);
  ASSERT_TRUE(again.reply);
  EXPECT_EQ(again.reply->code, CommandCode::replay);

  // A command that runs but fails is answered `failed`, with why.
  Signed ack;
  ack.cmd = "incident-ack";
  ack.incident = "999";
  ack.nonce = nonce_n(101);
  const auto failed = restarted.handle({"incident-ack", ack.payload(), false}, kNow);
  ASSERT_TRUE(failed.reply);
  EXPECT_EQ(failed.reply->code, CommandCode::failed);
  EXPECT_FALSE(failed.reply->message.empty());
}

TEST(MqttCommands, AnOperatorAReloadReplacedIsJudgedByTheNewListFromTheNextCommand) {
  testing::TempDir dir("vigil-mqtt-cmd");
  const auto config = load_site(dir);
  auto operators = std::make_shared<OperatorList>(config.operators);
  MqttCommands commands(config, {}, operators);
  Signed set;
  set.nonce = nonce_n(200);
  const auto before = commands.handle({"lockdown-set", set.payload(), false}, kNow);
  ASSERT_TRUE(before.reply);
  EXPECT_EQ(before.reply->code, CommandCode::ok) << before.reply->message;

  // The reload keeps ben's key but makes him an auditor: the control
  // socket's table refuses him a lockdown now.
  auto list = config.operators;
  list[0].roles = {config::Role::auditor};
  operators->replace(list);
  set.nonce = nonce_n(201);
  const auto demoted = commands.handle({"lockdown-set", set.payload(), false}, kNow);
  ASSERT_TRUE(demoted.reply);
  EXPECT_EQ(demoted.reply->code, CommandCode::role) << demoted.reply->message;

  // The next reload removes him: his signature names nobody.
  list.erase(list.begin());
  operators->replace(list);
  set.nonce = nonce_n(202);
  const auto removed = commands.handle({"lockdown-set", set.payload(), false}, kNow);
  ASSERT_TRUE(removed.reply);
  EXPECT_EQ(removed.reply->code, CommandCode::unknown_operator) << removed.reply->message;
}

TEST(MqttCommands, DoorUnlockRunsOnTheDoorLoopInScopeAndSaysWhyItWasRefused) {
  testing::TempDir dir("vigil-mqtt-cmd");
  const auto config = load_site(dir);
  std::vector<std::string> asked;
  DoorUnlockAnswer answer{true, "door 'a-door' unlocked for 7 s by ben"};
  MqttCommands commands(config, [&](const std::string& door, int seconds, const std::string& op) {
    asked.push_back(door + " " + std::to_string(seconds) + " " + op);
    return answer;
  });
  Signed unlock;
  unlock.cmd = "door-unlock";
  unlock.door = "a-door";
  unlock.seconds = 7;
  unlock.nonce = nonce_n(300);
  auto outcome = commands.handle({"door-unlock", unlock.payload(), false}, kNow);
  ASSERT_TRUE(outcome.reply);
  EXPECT_EQ(outcome.reply->code, CommandCode::ok) << outcome.reply->message;
  EXPECT_EQ(outcome.reply->message, answer.message);
  EXPECT_EQ(core::attr_text(outcome.record.attrs, "command"), "door unlock");
  EXPECT_EQ(core::attr_text(outcome.record.attrs, "door"), "a-door");
  EXPECT_EQ(asked, std::vector<std::string>{"a-door 7 ben"});

  // The door loop refuses (a lockdown): `failed`, with its reason.
  answer = {false, "zone 'lab-a' is in lockdown"};
  unlock.nonce = nonce_n(301);
  outcome = commands.handle({"door-unlock", unlock.payload(), false}, kNow);
  ASSERT_TRUE(outcome.reply);
  EXPECT_EQ(outcome.reply->code, CommandCode::failed);
  EXPECT_EQ(outcome.reply->message, "zone 'lab-a' is in lockdown");

  // b-door leads into lab-b, outside ben's zones: never reaches the door loop.
  unlock.door = "b-door";
  unlock.nonce = nonce_n(302);
  outcome = commands.handle({"door-unlock", unlock.payload(), false}, kNow);
  ASSERT_TRUE(outcome.reply);
  EXPECT_EQ(outcome.reply->code, CommandCode::scope);
  EXPECT_EQ(asked.size(), 2u);
}

TEST(MqttCommands, TheDocsWorkedExampleVerifies) {
  // docs/commands.md, "Worked example": signed there by Python's cryptography.
  const std::string body =
      R"({"v":1,"id":"c-20261129-0001","operator":"ben","cmd":"lockdown-set","site":"hq",)"
      R"("gateway":"gw1","ts":1796000000000,"nonce":"00112233445566778899aabbccddeeff",)"
      R"("args":{"zone":"lab-a"}})";
  const auto key = core::base64_decode("A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=");
  const auto sig = core::base64_decode(
      "F9Ysc+rkjY2jiMtLFy0nVqJ6kjMdlV4jCFVsMaggH8yli/WV0vb3h+iYYHaC2pjQ+blv+Nkx++X0+bEGiOTrBw==");
  std::string seed;
  for (char c = 0; c < 32; ++c) seed.push_back(c);
  ASSERT_TRUE(key && sig);
  EXPECT_EQ(mqtt::ed25519_public_key(seed), *key);
  EXPECT_TRUE(mqtt::ed25519_verify(*key, body, *sig));
  EXPECT_EQ(mqtt::ed25519_sign(seed, body), *sig);  // Ed25519 is deterministic
  EXPECT_FALSE(mqtt::ed25519_verify(*key, body + " ", *sig));
}

TEST(MqttCommands, ReplyCarriesTheContractsFields) {
  mqtt::CommandReply r{"c-1", "lockdown-set", std::string("ben"), CommandCode::ok, "done", 42};
  EXPECT_EQ(mqtt::format_command_reply(r),
            R"({"cmd":"lockdown-set","code":"ok","id":"c-1","message":"done","ok":true,)"
            R"("operator":"ben","seq":42,"v":1})");
}

}  // namespace mqtt_commands_test
}  // namespace vigil::app
