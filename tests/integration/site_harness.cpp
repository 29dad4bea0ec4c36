#include "site_harness.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "vigil/core/pin_hash.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/wait.hpp"
#include "vigil/wiegand/format.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::testing {

using namespace std::chrono_literals;

SiteHarness::SiteHarness(MosquittoOptions broker_options)
    : SiteHarness(broker_options, Options{}) {}

SiteHarness::SiteHarness(MosquittoOptions broker_options, Options options)
    : options_(std::move(options)),
      broker_(broker_options),
      io_(sim::ModbusIoServerOptions{.input_register_count = options_.supervised_loop ? 4 : 0}) {
  if (options_.supervised_loop) io_.set_input_register(0, 1000);
  io_.start();
  chip_ = std::make_unique<sim::SimChipServer>(dir_.file("gpio0.sock").string());
  reader_ = std::make_unique<sim::WiegandReaderSim>(*chip_, 0, 1);
  if (options_.exit_reader) exit_reader_ = std::make_unique<sim::WiegandReaderSim>(*chip_, 2, 3);
  journal_path_ =
      options_.journal_dir.empty() ? dir_.file("journal.db") : options_.journal_dir / "journal.db";
  write_config();
  enrol_people();
}

SiteHarness::~SiteHarness() {
  if (vigild_) vigild_->kill();
}

void SiteHarness::write_config() {
  config_path_ = dir_.file("site.yaml");
  std::ofstream out(config_path_);
  out << "site: { id: test-site, gateway: gw1, time_zone: " << options_.time_zone
      << ", module_library: " << VIGIL_MODULES_DIR << " }\n"
      << "journal: { path: " << journal_path_.string()
      << (options_.journal_extra.empty() ? "" : ", " + options_.journal_extra) << " }\n"
      << "broker: { host: 127.0.0.1, port: " << broker_.port()
      << ", keepalive: 2s, topic_root: vigil" << options_.broker_extra << " }\n"
      << "incidents: { repeated_denials: { count: 3, within: 60s } }\n"
      << "devices:\n"
      << "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: " << io_.port()
      << ", unit: 1, poll: 20ms, timeout: 200ms"
      << (options_.supervised_loop
              ? ", module: generic-8in-8out, supervised_inputs: [{ register: loop0, wiring: "
                "dual_eol, series: 1000, parallel: 1000, dwell: 50ms }]"
              : ", coils: 8, inputs: 8")
      << (options_.watchdog.empty() ? "" : ", watchdog: { timeout: " + options_.watchdog + " }")
      << " }\n"
      << "  - { id: gpio0, type: sim_gpio, socket: gpio0.sock }\n"
      << "zones:\n"
      << "  - { id: lobby, name: Lobby }\n"
      << "doors:\n"
      << "  - id: lobby-main\n"
      << "    from: outside\n"
      << "    to: lobby\n"
      << (options_.gpio_lock
              ? "    lock: { device: gpio0, line: " + std::to_string(kLockLine) + " }\n"
              : std::string("    lock: { device: io1, coil: 0 }\n"))
      << "    contact: { device: io1, input: 0 }\n"
      << "    rex: { device: io1, input: 1 }\n"
      << "    unlock_time: " << options_.unlock_time << "\n"
      << "    held_open_time: 3s\n"
      << (options_.card_and_pin ? "    mode: card_and_pin\n" : "")
      << (options_.contact_debounce.empty()
              ? std::string{}
              : "    contact_debounce: " + options_.contact_debounce + "\n")
      << options_.door_extra << "readers:\n"
      << "  - id: lobby-in\n"
      << "    door: lobby-main\n"
      << "    direction: in\n"
      << "    wiegand: { chip: gpio0, d0: 0, d1: 1, formats: [H10301] }\n"
      << (options_.exit_reader ? "  - id: lobby-out\n"
                                 "    door: lobby-main\n"
                                 "    direction: out\n"
                                 "    wiegand: { chip: gpio0, d0: 2, d1: 3, formats: [H10301] }\n"
                               : "")
      << "access_levels:\n"
      << "  - { id: everyone, zones: [lobby" << (options_.exit_reader ? ", outside" : "")
      << "], schedule: always }\n"
      // vigilctl reaches the running vigild through its control socket as
      // the test's own user: an operator with every role but guard.
      << "operators:\n"
      << "  - { user: \"" << test_user() << "\", roles: [" << options_.operator_roles
      << "], zones: [\"*\"] }\n"
      << options_.extra_operators << (options_.card_and_pin ? "pin: { entry_time: 3s }\n" : "")
      << options_.extra_config;
}

std::string SiteHarness::test_user() {
  const passwd* entry = ::getpwuid(::geteuid());
  return entry != nullptr ? entry->pw_name : "uid:" + std::to_string(::geteuid());
}

void SiteHarness::enrol_people() {
  std::vector<core::Person> people{
      core::Person{core::PersonId("p01"), "Anna", true, {core::AccessLevelId("everyone")}},
      core::Person{core::PersonId("p02"), "Ben", true, {}}};
  std::vector<core::Credential> credentials{
      core::Credential{{12, 1001}, core::PersonId("p01"), true, {}, {}},
      core::Credential{{12, 1002}, core::PersonId("p02"), true, {}, {}}};
  for (std::size_t i = 0; i < options_.extra_people; ++i) {
    core::PersonId id("p" + std::to_string(100000 + i));
    people.push_back(
        core::Person{id, "Person " + std::to_string(i), true, {core::AccessLevelId("everyone")}});
    credentials.push_back(core::Credential{
        {static_cast<std::uint32_t>(100 + i / 65536), i % 65536}, id, true, {}, {}});
  }
  journal::Roster roster(journal_path_, "test-harness");
  roster.import(journal::RosterFile{.people = std::move(people),
                                    .credentials = std::move(credentials),
                                    .name = "harness",
                                    .sha256 = journal::sha256_hex("harness"),
                                    .replace = false},
                std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now()));
  if (options_.card_and_pin) {
    // The lowest count the parser accepts: the test is about the flow, not the hash.
    roster.set_pin(core::PersonId("p01"), core::hash_pin(*core::PinCode::from_digits("1234"), 1000),
                   std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now()));
  }
}

void SiteHarness::start_vigild() {
  std::vector<std::string> args{VIGILD_PATH, "-c", config_path_.string()};
  args.insert(args.end(), options_.vigild_args.begin(), options_.vigild_args.end());
  vigild_ = std::make_unique<ChildProcess>(std::move(args), dir_.file("vigild.log"));
  ++starts_;
  const auto answered_before = io_.requests_answered();
  const bool up = eventually(
      [&] {
        return chip_->client_connected() && io_.requests_answered() > answered_before + 2 &&
               events(core::EventKind::daemon_started).size() >= static_cast<std::size_t>(starts_);
      },
      15s);
  if (!up) throw std::runtime_error("vigild did not come up; log:\n" + vigild_log());
}

void SiteHarness::reconfigure(Options options) {
  options_ = std::move(options);
  write_config();
}

void SiteHarness::stop_vigild() {
  if (vigild_) vigild_->stop();
}

void SiteHarness::kill_vigild() {
  if (vigild_) vigild_->kill();
}

void SiteHarness::signal_vigild(int sig) {
  if (vigild_) vigild_->signal(sig);
}

bool SiteHarness::vigild_running() {
  return vigild_ && vigild_->running();
}

std::optional<core::Event> SiteHarness::swipe_and_decide(std::uint32_t facility,
                                                         std::uint64_t number) {
  auto decisions = [&] {
    return events(core::EventKind::access_granted).size() +
           events(core::EventKind::access_denied).size();
  };
  const auto before = decisions();
  swipe(facility, number);
  if (!eventually([&] { return decisions() > before; }, std::chrono::seconds(5))) {
    return std::nullopt;
  }
  std::optional<core::Event> last;
  for (const auto& e : all_events()) {
    if (e.kind == core::EventKind::access_granted || e.kind == core::EventKind::access_denied) {
      last = e;
    }
  }
  return last;
}

void SiteHarness::swipe(std::uint32_t facility, std::uint64_t number) {
  const auto format = wiegand::find_format("H10301");
  reader_->send(wiegand::encode(*format, core::CardNumber{facility, number}));
}

void SiteHarness::swipe_out(std::uint32_t facility, std::uint64_t number) {
  const auto format = wiegand::find_format("H10301");
  exit_reader_->send(wiegand::encode(*format, core::CardNumber{facility, number}));
}

void SiteHarness::keys(std::string_view typed) {
  for (char c : typed) {
    const unsigned code = c == '*' ? 10u : c == '#' ? 11u : static_cast<unsigned>(c - '0');
    // A pause before each key, as a hand makes: each burst closes as its own
    // frame, apart from the card just swiped too.
    std::this_thread::sleep_for(100ms);
    reader_->send(
        wiegand::encode_key(*core::keypad_key_from_code(code), wiegand::KeyBurst::eight_bit));
  }
}

void SiteHarness::send_bits(const std::vector<bool>& bits) {
  reader_->send(bits);
}

pid_t SiteHarness::vigild_pid() const {
  return vigild_ ? vigild_->pid() : -1;
}

void SiteHarness::set_contact(bool open) {
  io_.set_input(kContactInput, open);
}

std::vector<core::Event> SiteHarness::events(core::EventKind kind) const {
  if (!std::filesystem::exists(journal_path_)) return {};
  journal::Journal journal(journal_path_);
  journal::Filter filter;
  filter.kinds = {kind};
  return journal.query(filter);
}

std::vector<core::Event> SiteHarness::all_events() const {
  journal::Journal journal(journal_path_);
  return journal.query({});
}

std::string SiteHarness::vigild_log() const {
  std::ifstream in(dir_.file("vigild.log"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace vigil::testing
