// vigil-sim: the virtual site vigild talks to in the demo and the end-to-end
// tests. `vigil-sim SITE serve` (the default) serves every simulated device of
// the site config and takes hand commands on stdin (when it is a terminal)
// and on a control socket; `vigil-sim SITE swipe|open|close|force|rex|status`
// sends one hand command to that running instance; `--scenario FILE` plays a
// scenario and exits with its verdict. Exit codes: 0 ok, 1 runtime failure
// (nothing serving, a port taken), 2 bad site/scenario/usage, 3 a scenario
// expectation failed.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "console.hpp"
#include "control_socket.hpp"
#include "sim_site.hpp"
#include "vigil/config/duration.hpp"
#include "vigil/config/load.hpp"
#include "vigil/sim/scenario.hpp"
#include "vigil/sim/scenario_runner.hpp"

namespace vs = vigil::sim;

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitExpectationFailed = 3;

struct Settings {
  std::string site_path;
  std::string control;
  std::string scenario_path;
  bool then_idle = false;
  bool no_wait = false;
  std::string wait_timeout = "30s";
  std::string vigilctl = "vigilctl";  // for a scenario's ctl steps (searched in PATH)
};

// A scenario's `ctl` step: `vigilctl ARGS -c SITE`, which reaches the running
// vigild through its control socket. Its output goes to vigil-sim's.
void run_vigilctl(const Settings& s, const std::vector<std::string>& args) {
  std::vector<std::string> words{s.vigilctl};
  words.insert(words.end(), args.begin(), args.end());
  words.push_back("-c");
  words.push_back(s.site_path);
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid = -1;
  if (int rc = ::posix_spawnp(&pid, s.vigilctl.c_str(), nullptr, nullptr, argv.data(), environ);
      rc != 0) {
    throw std::runtime_error("cannot start " + s.vigilctl + ": " + std::strerror(rc));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("vigilctl failed (" +
                             (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                                : std::string("killed")) +
                             ")");
  }
}

// Next to the first sim GPIO socket, so one folder holds a site's sockets.
std::string default_control_path(const vigil::config::SiteConfig& site) {
  for (const auto& chip : site.gpio_chips) {
    if (chip.backend != "sim") continue;
    return (std::filesystem::path(chip.path).parent_path() /
            ("vigil-sim-" + site.site.id.str() + ".ctl"))
        .string();
  }
  return "/tmp/vigil-sim-" + site.site.id.str() + ".ctl";
}

int send_hand_command(const std::string& control, const std::string& command,
                      const std::string& site_path) {
  const auto reply = vs::send_control_command(control, command);
  if (!reply.reached) {
    std::cerr << "vigil-sim: nothing is serving " << site_path << " (no control socket at "
              << control << ")\nstart it first:  vigil-sim " << site_path << " serve\n";
    return kExitRuntime;
  }
  for (const auto& line : reply.lines) (reply.ok ? std::cout : std::cerr) << line << "\n";
  return reply.ok ? 0 : kExitRuntime;
}

// SIGINT/SIGTERM arrive through a signalfd polled by the main thread; every
// other thread starts with them blocked, so a signal never lands mid-write.
int block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return ::signalfd(-1, &set, SFD_CLOEXEC);
}

int serve(const Settings& s, vigil::config::SiteConfig site, std::optional<vs::Scenario> scenario) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int signal_fd = block_signals();
  const int done_fd = ::eventfd(0, EFD_CLOEXEC);
  vs::Console console;
  const std::string control = s.control.empty() ? default_control_path(site) : s.control;
  const std::string site_name = site.site.id.str();

  std::unique_ptr<vs::SimSite> sim;
  std::unique_ptr<vs::ControlServer> control_server;
  try {
    sim = std::make_unique<vs::SimSite>(std::move(site), console);
    control_server = std::make_unique<vs::ControlServer>(control, [&](const std::string& line) {
      console.print("control: " + line);
      auto reply = vs::run_command(*sim, vs::split_words(line));
      return std::make_pair(reply.ok, reply.lines);
    });
  } catch (const std::exception& e) {
    std::cerr << "vigil-sim: " << e.what() << "\n";
    return kExitRuntime;
  }
  console.plain("vigil-sim: site " + site_name + " (" + s.site_path + ")");
  for (const auto& line : sim->describe()) console.plain("  " + line);
  console.plain("  hand commands: vigil-sim " + s.site_path +
                " swipe|keys|open|close|force|rex|status"
                " (control socket " +
                control + ")");
  const bool interactive = ::isatty(STDIN_FILENO) == 1;
  if (interactive) console.plain("  or type them here (help); Ctrl-C or Ctrl-D stops");

  std::atomic<bool> stopping{false};
  vs::ScenarioRunner runner(
      *sim, [&](const std::string& line) { console.print(line); },
      [&s](const std::vector<std::string>& args) { run_vigilctl(s, args); });
  vs::ScenarioOutcome outcome;
  std::thread player;
  if (scenario) {
    const auto timeout =
        vigil::config::parse_duration(s.wait_timeout).value_or(std::chrono::seconds(30));
    player = std::thread([&, timeout] {  // timeout by value: this block ends first
      if (!s.no_wait &&
          !sim->wait_for_daemon(std::chrono::duration_cast<std::chrono::milliseconds>(timeout),
                                stopping)) {
        if (!stopping) console.print("scenario: vigild did not attach within " + s.wait_timeout);
        outcome.stopped = true;
      } else {
        console.print("scenario: " + (scenario->name.empty() ? scenario->file : scenario->name) +
                      " starts (" + vigil::config::format_duration(scenario->duration()) + ")");
        if (!scenario->expect.empty() || !scenario->setup.empty()) {
          console.print(
              "scenario: its setup (" + std::to_string(scenario->setup.size()) +
              " commands) and journal/MQTT expectations (" +
              std::to_string(scenario->expect.journal.size() + scenario->expect.mqtt.size()) +
              ") are the scenario test runner's; not run or checked here");
        }
        outcome = runner.run(*scenario);
        console.print("scenario: done, " + std::to_string(outcome.actions_run) + " actions, " +
                      std::to_string(outcome.expectations_failed) + " expectations failed, " +
                      std::to_string(outcome.actions_failed) + " actions refused");
      }
      const std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(done_fd, &one, sizeof one);
    });
  }

  bool stdin_open = interactive;
  std::string pending;
  for (;;) {
    std::array<pollfd, 3> fds{pollfd{signal_fd, POLLIN, 0}, pollfd{done_fd, POLLIN, 0},
                              pollfd{stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) {
      console.print("vigil-sim: stopping");
      break;
    }
    if (fds[1].revents != 0) {
      std::uint64_t n = 0;
      [[maybe_unused]] auto r = ::read(done_fd, &n, sizeof n);
      if (!s.then_idle || outcome.stopped) break;
      console.print("vigil-sim: scenario over, still serving (Ctrl-C stops)");
    }
    if (fds[2].revents != 0) {
      std::array<char, 1024> buf{};
      const ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
      if (n <= 0) break;  // Ctrl-D
      pending.append(buf.data(), static_cast<std::size_t>(n));
      for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
        const auto words = vs::split_words(std::string_view(pending).substr(0, nl));
        pending.erase(0, nl + 1);
        if (words.empty()) continue;
        if (words[0] == "quit" || words[0] == "exit") {
          stdin_open = false;
          break;
        }
        const auto reply = vs::run_command(*sim, words);
        for (const auto& line : reply.lines) console.plain((reply.ok ? "" : "error: ") + line);
      }
      if (!stdin_open) break;
    }
  }
  stopping = true;
  runner.stop();
  if (player.joinable()) player.join();
  control_server.reset();
  sim.reset();  // stops the servers and removes their socket files
  ::close(done_fd);
  ::close(signal_fd);
  if (!scenario) return 0;
  if (outcome.stopped) return kExitRuntime;
  return outcome.passed() ? 0 : kExitExpectationFailed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "vigil-sim: a virtual site for vigild (Modbus I/O modules, sim GPIO chips,\n"
      "Wiegand readers and doors, all read from the site config)"};
  app.fallthrough();
  Settings s;
  app.add_option("site", s.site_path, "site config, e.g. config/demo/site.yaml")->required();
  app.add_option("--control", s.control,
                 "control socket (default: vigil-sim-SITE.ctl next to the first sim GPIO socket)");
  app.add_option("--scenario", s.scenario_path, "play this scenario file, then exit");
  app.add_flag("--then-idle", s.then_idle, "keep serving after the scenario");
  app.add_flag("--no-wait", s.no_wait, "start the scenario without waiting for vigild to attach");
  app.add_option("--wait-timeout", s.wait_timeout, "how long to wait for vigild (default 30s)");
  app.add_option("--vigilctl", s.vigilctl,
                 "vigilctl for the scenario's ctl steps (default: vigilctl in PATH)");
  app.add_subcommand("serve", "serve the site until Ctrl-C (the default)");
  app.add_subcommand("check", "check the site config and --scenario, then exit");
  std::string reader, card, format, door, hold;
  auto* swipe = app.add_subcommand("swipe", "present a card at a reader: swipe lobby-in 12:1001");
  swipe->add_option("reader", reader)->required();
  swipe->add_option("card", card, "facility:number")->required();
  swipe->add_option("--format", format, "Wiegand format (default: the reader's first)");
  std::string typed;
  auto* keys = app.add_subcommand("keys", "type on a reader's keypad: keys lobby-in 1234#");
  keys->add_option("reader", reader)->required();
  keys->add_option("keys", typed, "digits, * (clear) and # (submit)")->required();
  for (const char* verb : {"open", "close", "force"}) {
    app.add_subcommand(verb, std::string(verb) + " a door's contact")
        ->add_option("door", door)
        ->required();
  }
  auto* rex = app.add_subcommand("rex", "press a door's request-to-exit button");
  rex->add_option("door", door)->required();
  rex->add_option("--hold", hold, "how long it is held (default 300ms)");
  app.add_subcommand("status", "show locks, doors and whether vigild is attached");
  std::string board, fault, count;
  auto* board_cmd = app.add_subcommand(
      "board",
      "a door board's line fault: board board1 cut|restore|reboot|drop N|flip N|garbage N");
  board_cmd->add_option("board", board)->required();
  board_cmd->add_option("fault", fault)->required();
  board_cmd->add_option("count", count, "bytes (drop, garbage) or bits (flip)");
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  auto loaded = vigil::config::load_site_config(s.site_path);
  if (!loaded) {
    std::cerr << vigil::config::to_string(loaded.diagnostics()) << "\n";
    return kExitBadInput;
  }
  vigil::config::SiteConfig site = std::move(loaded).value();
  const std::string verb =
      app.get_subcommands().empty() ? "serve" : app.get_subcommands()[0]->get_name();
  const std::string control = s.control.empty() ? default_control_path(site) : s.control;

  if (verb == "swipe") {
    return send_hand_command(control,
                             "swipe " + reader + " " + card + (format.empty() ? "" : " " + format),
                             s.site_path);
  }
  if (verb == "open" || verb == "close" || verb == "force" || verb == "rex") {
    return send_hand_command(control, verb + " " + door + (hold.empty() ? "" : " " + hold),
                             s.site_path);
  }
  if (verb == "keys")
    return send_hand_command(control, "keys " + reader + " " + typed, s.site_path);
  if (verb == "status") return send_hand_command(control, "status", s.site_path);
  if (verb == "board") {
    return send_hand_command(
        control, "board " + board + " " + fault + (count.empty() ? "" : " " + count), s.site_path);
  }

  std::optional<vs::Scenario> scenario;
  if (!s.scenario_path.empty()) {
    auto parsed = vs::load_scenario(s.scenario_path);
    if (!parsed) {
      std::cerr << vigil::config::to_string(parsed.diagnostics()) << "\n";
      return kExitBadInput;
    }
    const auto problems = vs::validate_scenario(parsed.value(), site);
    if (!problems.empty()) {
      std::cerr << vigil::config::to_string(problems) << "\n";
      return kExitBadInput;
    }
    scenario = std::move(parsed).value();
  }
  if (!vigil::config::parse_duration(s.wait_timeout)) {
    std::cerr << "vigil-sim: --wait-timeout: expected a duration such as 30s\n";
    return kExitBadInput;
  }
  if (verb == "check") {
    std::cout << s.site_path << ": ok" << (scenario ? ", " + s.scenario_path + ": ok" : "") << "\n";
    return 0;
  }
  return serve(s, std::move(site), std::move(scenario));
}
