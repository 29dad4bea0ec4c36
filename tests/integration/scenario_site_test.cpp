// The rule-family scenarios of config/scenarios/ (README.md there), each
// played for real: a mosquitto on a free loopback port, vigil-sim serving
// the site and playing the scenario, vigild, the roster set up with
// vigilctl first; then the scenario's `expect` section is checked against
// the journal (vigilctl log query through vigild's socket) and the
// incidents mosquitto_sub (an independent MQTT peer) saw. One vigild start
// per file; waits are bounded waits for a condition, never fixed sleeps.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vigil/sim/scenario.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/ports.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace scenario_site_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSiteFolder = fs::path(VIGIL_SOURCE_DIR) / "config/scenarios";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("site.yaml has no '" + from + "'");
  text.replace(at, from.size(), to);
}

// The name vigild gives the peer of its control socket: the operator.
std::string unix_user() {
  const passwd* entry = ::getpwuid(::geteuid());
  return entry != nullptr ? entry->pw_name : "uid:" + std::to_string(::geteuid());
}

// What a play showed: the expectations nothing met, vigil-sim's verdict, logs.
struct Played {
  std::vector<config::Diagnostic> unmet;
  int sim_exit = -1;
  std::string logs;
};

class ScenarioPlay {
 public:
  explicit ScenarioPlay(const fs::path& scenario_path) {
    auto loaded = sim::load_scenario(scenario_path);
    if (!loaded) throw std::runtime_error(config::to_string(loaded.diagnostics()));
    scenario_ = std::move(loaded).value();
    for (const auto& entry : fs::directory_iterator(kSiteFolder)) {
      if (entry.is_regular_file())
        fs::copy_file(entry.path(), dir_.file(entry.path().filename().string()));
    }
    fs::create_directories(dir_.file("run"));
    std::string site = read_text(site_path());
    replace_once(site, "port: 15021", "port: " + std::to_string(free_tcp_port()));
    replace_once(site, "user: root", "user: \"" + user_ + "\"");
    std::ofstream(site_path()) << site;
    scenario_dir_ = fs::absolute(scenario_path).parent_path();
  }

  fs::path site_path() const { return dir_.file("site.yaml"); }

  Played play() {
    Played out;
    for (const auto& command : scenario_.setup) run_setup(command);
    // Line-buffered, so each message is in the file as it arrives.
    ChildProcess sub({"/usr/bin/stdbuf", "-oL", "/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p",
                      std::to_string(broker_.port()), "-q", "1", "-d", "-t",
                      "vigil/v1/+/+/incident/#", "-F", "msg: %t %p"},
                     dir_.file("mqtt.log"));
    if (!eventually(
            [&] { return read_text(dir_.file("mqtt.log")).find("SUBACK") != std::string::npos; },
            10s)) {
      throw std::runtime_error("mosquitto_sub did not subscribe:\n" +
                               read_text(dir_.file("mqtt.log")));
    }
    ChildProcess sim({VIGIL_SIM_PATH, site_path().string(), "--scenario", scenario_.file,
                      "--vigilctl", VIGILCTL_PATH, "--wait-timeout", "20s", "--then-idle"},
                     dir_.file("vigil-sim.log"));
    ChildProcess vigild(
        {VIGILD_PATH, "-c", site_path().string(), "--broker-port", std::to_string(broker_.port())},
        dir_.file("vigild.log"));
    // vigil-sim keeps serving after the scenario (--then-idle), so vigild
    // sees no device go away while the records are read.
    const auto budget =
        std::chrono::duration_cast<std::chrono::milliseconds>(scenario_.duration()) + 40s;
    eventually(
        [&] {
          return !sim.running() ||
                 read_text(dir_.file("vigil-sim.log")).find("scenario: done") != std::string::npos;
        },
        budget, 50ms);
    // The journal and the broker catch up within moments: look until every
    // expectation is met or 5 s have passed.
    eventually(
        [&] {
          out.unmet = sim::unmet_expectations(scenario_, journal(), incidents(), {{"user", user_}});
          return out.unmet.empty();
        },
        5s, 200ms);
    vigild.stop();
    sub.stop();
    sim.stop();  // SIGTERM: it exits with the scenario's verdict
    if (sim.wait_status() && WIFEXITED(*sim.wait_status())) {
      out.sim_exit = WEXITSTATUS(*sim.wait_status());
    }
    out.logs = "--- vigil-sim\n" + read_text(dir_.file("vigil-sim.log")) + "--- vigild\n" +
               read_text(dir_.file("vigild.log")) + "--- mosquitto_sub\n" +
               read_text(dir_.file("mqtt.log"));
    return out;
  }

 private:
  // vigilctl ARGS -c SITE (stdin from `input`); its exit code and output.
  std::pair<int, std::string> vigilctl(std::vector<std::string> args,
                                       const std::string& input = {}) {
    const auto log = dir_.file("vigilctl.log");
    fs::remove(log);
    std::vector<std::string> argv;
    if (!input.empty()) {
      std::ofstream(dir_.file("vigilctl.in")) << input << "\n";
      // sh only redirects stdin: the words reach vigilctl untouched.
      argv = {"/bin/sh",
              "-c",
              "in=$1; shift; exec \"$@\" < \"$in\"",
              "sh",
              dir_.file("vigilctl.in").string(),
              VIGILCTL_PATH};
    } else {
      argv = {VIGILCTL_PATH};
    }
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("-c");
    argv.push_back(site_path().string());
    ChildProcess ctl(std::move(argv), log);
    int rc = -1;
    if (ctl.wait_exit(30s) && WIFEXITED(*ctl.wait_status())) rc = WEXITSTATUS(*ctl.wait_status());
    return {rc, read_text(log)};
  }

  void run_setup(const sim::SetupCommand& command) {
    auto args = command.args;
    for (auto& a : args) {
      // Files named in setup are relative to the scenario's folder, else the site's.
      if (fs::exists(scenario_dir_ / a) && !fs::is_directory(scenario_dir_ / a)) {
        a = (scenario_dir_ / a).string();
      } else if (fs::exists(dir_.path() / a) && !fs::is_directory(dir_.path() / a)) {
        a = (dir_.path() / a).string();
      }
    }
    auto [rc, text] = vigilctl(args, command.input);
    if (rc != 0) {
      throw std::runtime_error(scenario_.file + ":" + std::to_string(command.line) + ":" +
                               std::to_string(command.col) + ": setup failed (" +
                               std::to_string(rc) + "):\n" + text);
    }
  }

  std::vector<sim::Record> journal() {
    auto [rc, text] = vigilctl({"log", "query", "--format", "json", "--utc"});
    std::vector<sim::Record> out;
    const auto start = text.find('[');
    if (rc != 0 || start == std::string::npos) return out;
    auto rows = nlohmann::json::parse(text.substr(start), nullptr, false);
    if (!rows.is_array()) return out;
    for (const auto& row : rows) {
      sim::Record r;
      for (const auto& [key, value] : row.items()) {
        if (key == "attrs" && value.is_string()) {
          sim::add_attrs(r, value.get<std::string>());
        } else {
          r[key] = value.is_string() ? value.get<std::string>() : value.dump();
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  // mosquitto_sub's "msg: TOPIC PAYLOAD" lines: the payload's fields, with
  // severity and zone read from the topic (.../incident/<severity>/<zone>).
  std::vector<sim::Record> incidents() {
    std::vector<sim::Record> out;
    std::istringstream lines(read_text(dir_.file("mqtt.log")));
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("msg: ")) continue;
      const auto space = line.find(' ', 5);
      if (space == std::string::npos) continue;
      const std::string topic = line.substr(5, space - 5);
      auto payload = nlohmann::json::parse(line.substr(space + 1), nullptr, false);
      if (!payload.is_object()) continue;
      sim::Record r;
      for (const auto& [key, value] : payload.items()) {
        r[key] = value.is_string() ? value.get<std::string>() : value.dump();
      }
      const auto incident = topic.find("/incident/");
      if (incident != std::string::npos) {
        const auto levels = topic.substr(incident + 10);
        const auto slash = levels.find('/');
        r["severity"] = levels.substr(0, slash);
        r["zone"] = slash == std::string::npos ? "" : levels.substr(slash + 1);
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  sim::Scenario scenario_;
  fs::path scenario_dir_;
  std::string user_ = unix_user();
  TempDir dir_{"vigil-scenario"};
  MosquittoProcess broker_;
};

class ScenarioSite : public ::testing::TestWithParam<const char*> {};

TEST_P(ScenarioSite, PlaysWithEveryLockJournalAndMqttExpectationMet) {
  ScenarioPlay play(kSiteFolder / GetParam());
  const auto started = std::chrono::steady_clock::now();
  const auto played = play.play();
  EXPECT_EQ(played.sim_exit, 0) << played.logs;
  EXPECT_TRUE(played.unmet.empty()) << config::to_string(played.unmet) << "\n" << played.logs;
  // 3 to 8 s each on a 2-core machine at load 12-20 (docs/design.md); the
  // bound catches a run that waited out its timeouts, not a slow machine.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << played.logs;
}

INSTANTIATE_TEST_SUITE_P(RuleFamilies, ScenarioSite,
                         ::testing::Values("keypad_pin.yaml", "escorted_visit.yaml", "trip.yaml",
                                           "watch_flag.yaml", "lockdown.yaml"),
                         [](const auto& info) {
                           std::string name = info.param;
                           name = name.substr(0, name.find('.'));
                           std::erase(name, '_');
                           return name;
                         });

TEST(ScenarioSiteRunner, AnUnmetExpectationFailsTheRunWithItsFileAndLine) {
  const auto file =
      fs::path(VIGIL_SOURCE_DIR) / "tests/integration/scenarios/wrong_expectation.yaml";
  ScenarioPlay play(file);
  const auto played = play.play();
  EXPECT_EQ(played.sim_exit, 0) << played.logs;  // the doors did what it said
  ASSERT_EQ(played.unmet.size(), 2u) << config::to_string(played.unmet) << played.logs;
  const auto text = config::to_string(played.unmet);
  EXPECT_NE(
      text.find(file.string() + ":13:7: journal row not seen: kind=access_granted person=p04"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("closest: kind=access_denied person=p04"), std::string::npos) << text;
  EXPECT_NE(
      text.find(file.string() + ":15:7: MQTT incident not seen: kind=credential_used_while_abroad "
                                "severity=warning"),
      std::string::npos)
      << text;
}

}  // namespace scenario_site_test
}  // namespace vigil::testing
