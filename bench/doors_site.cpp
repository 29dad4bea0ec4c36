#include "doors_site.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "vigil/journal/journal.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::bench {

using namespace std::chrono_literals;

DoorsSite::DoorsSite(DoorsSiteOptions options)
    : options_(std::move(options)),
      io_(sim::ModbusIoServerOptions{.coil_count = options_.doors,
                                     .input_count = 2 * options_.doors}) {
  io_.start();
  for (int i = 0; i < options_.extra_modules; ++i) {
    extra_.push_back(std::make_unique<sim::ModbusIoServer>());
  }
  journal_path_ = dir_.file("journal.db");
  write_config();
}

DoorsSite::~DoorsSite() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void DoorsSite::write_config() {
  config_path_ = dir_.file("site.yaml");
  std::ofstream out(config_path_);
  out << "site: { id: bench-site, gateway: gw1, time_zone: UTC }\n"
      << "journal: { path: journal.db }\n"
      << "broker: { host: 127.0.0.1, port: " << broker_.port()
      << ", keepalive: 2s, topic_root: vigil }\n"
      << "devices:\n"
      << "  - id: io1\n"
      << "    type: modbus_tcp\n"
      << "    host: 127.0.0.1\n"
      << "    port: " << io_.port() << "\n"
      << "    unit: 1\n"
      << "    poll: " << options_.poll << "\n"
      << "    timeout: 500ms\n"
      << "    coils: " << options_.doors << "\n"
      << "    inputs: " << 2 * options_.doors << "\n";
  if (!options_.watchdog.empty()) out << "    watchdog: { timeout: " << options_.watchdog << " }\n";
  for (std::size_t i = 0; i < extra_.size(); ++i) {
    out << "  - { id: io" << i + 2
        << ", type: modbus_tcp, host: 127.0.0.1, port: " << extra_[i]->port()
        << ", unit: 1, poll: " << options_.poll << ", timeout: 500ms, coils: 8, inputs: 8 }\n";
  }
  out << "zones:\n"
      << "  - { id: lobby, name: Lobby }\n"
      << "doors:\n";
  for (int i = 0; i < options_.doors; ++i) {
    out << "  - id: door-" << i << "\n"
        << "    from: outside\n"
        << "    to: lobby\n"
        << "    lock: { device: io1, coil: " << i << " }\n"
        << "    contact: { device: io1, input: " << i << " }\n"
        << "    rex: { device: io1, input: " << options_.doors + i << " }\n"
        << "    unlock_time: " << options_.unlock_time << "\n"
        << "    held_open_time: 60s\n"
        << "    contact_debounce: 20ms\n"
        << "    rex_debounce: 50ms\n";
  }
}

void DoorsSite::start_vigild() {
  if (pid_ > 0) throw std::logic_error("vigild already running");
  const std::string log = dir_.file("vigild.log").string();
  const std::string config = config_path_.string();
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Dies with the bench, even if the bench is killed.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::execl(VIGILD_PATH, VIGILD_PATH, "-c", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ++starts_;
  const auto answered_before = io_.requests_answered();
  const bool up = testing::eventually(
      [&] {
        return io_.requests_answered() > answered_before + 2 &&
               events(core::EventKind::daemon_started).size() >= static_cast<std::size_t>(starts_);
      },
      15s);
  if (!up) throw std::runtime_error("vigild did not come up; log:\n" + vigild_log());
}

bool DoorsSite::wait_vigild_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(100us);
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return false;
}

bool DoorsSite::unlock_by_rex(const std::vector<int>& doors) {
  for (const int d : doors) io_.set_input(options_.doors + d, true);
  const bool on = testing::eventually(
      [&] {
        for (const int d : doors)
          if (!io_.coil(d)) return false;
        return true;
      },
      5s, 1ms);
  for (const int d : doors) io_.set_input(options_.doors + d, false);
  return on;
}

std::vector<core::Event> DoorsSite::events(core::EventKind kind, std::uint64_t after_seq) const {
  if (!std::filesystem::exists(journal_path_)) return {};
  journal::Journal journal(journal_path_);
  journal::Filter filter;
  filter.kinds = {kind};
  filter.after_seq = after_seq;
  return journal.query(filter);
}

std::uint64_t DoorsSite::requests_answered() const {
  std::uint64_t total = io_.requests_answered();
  for (const auto& m : extra_) total += m->requests_answered();
  return total;
}

std::uint64_t DoorsSite::last_seq() const {
  if (!std::filesystem::exists(journal_path_)) return 0;
  journal::Journal journal(journal_path_);
  const auto all = journal.query({});
  return all.empty() ? 0 : all.back().seq;
}

std::string DoorsSite::vigild_log() const {
  std::ifstream in(dir_.file("vigild.log"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace vigil::bench
