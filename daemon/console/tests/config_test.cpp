// vigil-console's config: what a site writes, and what it is told when it
// writes it wrong (file, line, column and the field).
#include "vigil/console/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "vigil/console/password.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::console::config_test {

const std::string& cheap_hash() {
  static const std::string h = hash_password("secret", ScryptCost{16, 1, 1});
  return h;
}

std::string operators_yaml() {
  return "operators:\n  - { user: ben, name: Ben Guard, password: \"" + cheap_hash() +
         "\", key_file: keys/ben.key }\n";
}

TEST(ConsoleConfig, ReadsListenBrokerRootAndOperators) {
  const auto text =
      "listen: { host: 0.0.0.0, port: 8443 }\n"
      "broker: { host: mq.campus, port: 8883, topic_root: acme/vigil,\n"
      "          tls: { ca_file: ca.pem, verify_hostname: false } }\n"
      "logins: { max_failures: 3, lockout_s: 120 }\n" +
      operators_yaml();
  const auto loaded = parse_console_config(text, "/etc/vigil/console.yaml");
  ASSERT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
  const auto& c = loaded.value();
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 8443);
  EXPECT_EQ(c.broker.host, "mq.campus");
  EXPECT_EQ(c.broker.port, 8883);
  EXPECT_EQ(c.broker.ca_file, "/etc/vigil/ca.pem");
  EXPECT_FALSE(c.broker.verify_hostname);
  EXPECT_EQ(c.topic_root, "acme/vigil");
  EXPECT_EQ(c.max_failed_logins, 3);
  EXPECT_EQ(c.lockout, std::chrono::seconds(120));
  ASSERT_EQ(c.operators.size(), 1U);
  EXPECT_EQ(c.operators[0].user, "ben");
  EXPECT_EQ(c.operators[0].display_name, "Ben Guard");
  EXPECT_EQ(c.operators[0].key_file, "/etc/vigil/keys/ben.key");
}

TEST(ConsoleConfig, ListensOnLoopbackUnlessToldOtherwise) {
  const auto loaded = parse_console_config(operators_yaml(), "console.yaml");
  ASSERT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
  EXPECT_EQ(loaded.value().listen_host, "127.0.0.1");
  EXPECT_EQ(loaded.value().topic_root, "vigil");
  EXPECT_TRUE(loaded.value().broker.ca_file.empty());
  EXPECT_EQ(loaded.value().max_queue_messages, 2048U);
  EXPECT_EQ(loaded.value().max_queue_bytes, 16U * 1024 * 1024);
}

TEST(ConsoleConfig, ReadsTheBoundOfEachBrowsersQueue) {
  const auto loaded = parse_console_config(
      "listen: { max_queue_messages: 64, max_queue_kib: 1024 }\n" + operators_yaml(), "c.yaml");
  ASSERT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
  EXPECT_EQ(loaded.value().max_queue_messages, 64U);
  EXPECT_EQ(loaded.value().max_queue_bytes, 1024U * 1024);
}

TEST(ConsoleConfig, ReadsTheMeetingStoreReplyTimeoutAndChairs) {
  const auto text = "meeting: { db: data/meeting.db }\ncommands: { reply_timeout_s: 4 }\n" +
                    operators_yaml() + "  - { user: ann, password: \"" + cheap_hash() +
                    "\", key_file: ann.key, meeting_chair: true }\n";
  const auto loaded = parse_console_config(text, "/etc/vigil/console.yaml");
  ASSERT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
  const auto& c = loaded.value();
  EXPECT_EQ(c.meeting_db, "/etc/vigil/data/meeting.db");
  EXPECT_EQ(c.reply_timeout, std::chrono::seconds(4));
  EXPECT_FALSE(c.operators[0].meeting_chair);
  EXPECT_TRUE(c.operators[1].meeting_chair);

  const auto defaults = parse_console_config(operators_yaml(), "/etc/vigil/console.yaml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.value().meeting_db, "/etc/vigil/vigil-console-meeting.db");
  EXPECT_EQ(defaults.value().reply_timeout, std::chrono::seconds(10));
}

TEST(ConsoleConfig, NamesFileLineColumnAndFieldOfEachMistake) {
  struct Case {
    std::string yaml;
    std::string expected;  // the whole first diagnostic
  };
  const std::string good = "\"" + cheap_hash() + "\"";
  const std::vector<Case> cases = {
      {"listen: { port: 70000 }\n" + operators_yaml(),
       "c.yaml:1:17: 'listen.port': expected a whole number from 0 to 65535, got '70000'"},
      {"listen: { prot: 80 }\n" + operators_yaml(), "c.yaml:1:11: 'listen': unknown key 'prot'"},
      {"listen: { max_queue_kib: 1 }\n" + operators_yaml(),
       "c.yaml:1:26: 'listen.max_queue_kib': expected a whole number from 64 to 1048576, got '1'"},
      {"operators:\n  - { user: ben, password: nope, key_file: k }\n",
       "c.yaml:2:28: 'operators.password': not a scrypt hash line (make one with `vigil-console "
       "passwd`)"},
      {"operators:\n  - { user: ben, password: " + good +
           ", key_file: a }\n  - { user: ben, password: " + good + ", key_file: b }\n",
       "c.yaml:3:13: 'operators.user': 'ben' is listed twice"},
      {"operators:\n  - { user: ben, password: " + good + " }\n",
       "c.yaml:2:5: 'operators': 'key_file' is required"},
      {"broker: { topic_root: a/+/b }\n" + operators_yaml(),
       "c.yaml:1:23: 'broker.topic_root': not a usable topic prefix: 'a/+/b'"},
      {"broker: { tls: { ca_file: ca.pem, cert_file: c.pem } }\n" + operators_yaml(),
       "c.yaml:1:16: 'broker.tls': 'cert_file' and 'key_file' go together"},
      {"listen: [1, 2\n", "c.yaml:2:1: not valid YAML: end of sequence flow not found"},
      {"commands: { reply_timeout_s: 0 }\n" + operators_yaml(),
       "c.yaml:1:30: 'commands.reply_timeout_s': expected a whole number from 1 to 300, got '0'"},
      {"meeting: { file: m.db }\n" + operators_yaml(),
       "c.yaml:1:12: 'meeting': unknown key 'file'"},
      {"operators:\n  - { user: ben, password: " + good + ", key_file: a, meeting_chair: yes }\n",
       "c.yaml:2:" + std::to_string(58 + good.size()) +
           ": 'operators.meeting_chair': expected true or false, got 'yes'"},
      {"listen: { port: 80 }\n", "c.yaml: 'operators': required (nobody could log in)"},
  };
  for (const auto& c : cases) {
    const auto loaded = parse_console_config(c.yaml, "c.yaml");
    ASSERT_FALSE(loaded.ok()) << c.yaml;
    EXPECT_EQ(config::to_string(loaded.diagnostics().front()), c.expected) << c.yaml;
  }
}

TEST(ConsoleConfig, ReadsTheBrokerPasswordFromItsFile) {
  vigil::testing::TempDir dir("console-config");
  std::ofstream(dir.path() / "mqtt.pass") << "s3cret\n";
  std::ofstream(dir.path() / "console.yaml")
      << "broker: { username: console, password_file: mqtt.pass }\n"
      << operators_yaml();
  const auto loaded = load_console_config(dir.path() / "console.yaml");
  ASSERT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
  EXPECT_EQ(loaded.value().broker.username, "console");
  EXPECT_EQ(loaded.value().broker.password, "s3cret");
}

TEST(ConsoleConfig, AMissingFileIsADiagnosticNotACrash) {
  const auto loaded = load_console_config("/nonexistent/console.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(config::to_string(loaded.diagnostics().front()),
            "/nonexistent/console.yaml: cannot read the file");
}

TEST(ConsolePassword, AcceptsTheRightPasswordOnly) {
  const auto hash = hash_password("correct horse", ScryptCost{16, 1, 1});
  EXPECT_TRUE(hash.starts_with("scrypt$16$1$1$"));
  EXPECT_TRUE(verify_password("correct horse", hash));
  EXPECT_FALSE(verify_password("correct horse ", hash));
  EXPECT_FALSE(verify_password("", hash));
  EXPECT_NE(hash_password("correct horse", ScryptCost{16, 1, 1}), hash) << "salted";
}

TEST(ConsolePassword, RefusesLinesItDidNotWrite) {
  const auto hash = hash_password("pw", ScryptCost{16, 1, 1});
  for (const std::string& bad :
       {std::string(""), std::string("scrypt$16$1$1$$"), std::string("bcrypt$16$1$1$a$b"),
        "scrypt$15$1$1$" + hash.substr(14), "scrypt$4294967296$1$1$" + hash.substr(14),
        hash.substr(0, hash.size() - 4), hash + "$x"}) {
    EXPECT_FALSE(is_password_hash(bad)) << bad;
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
  }
}

}  // namespace vigil::console::config_test
