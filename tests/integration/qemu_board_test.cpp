// The firmware core on an emulated MCU: the mps2-an385 image
// (firmware-bridge/firmware/board/mps2_an385) under qemu-system-arm, its
// UART0 on a pty that vigild opens as a door_board device, its UART1 a bench
// console that presents cards and cuts the link. Skips when qemu-system-arm
// or arm-none-eabi-g++ is missing. QEMU is a ChildProcess: killed and reaped
// on every path (and by PR_SET_PDEATHSIG if this test dies).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "vigil/core/attr.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace qemu_board_test {

using namespace std::chrono_literals;

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::filesystem::path p = std::filesystem::path(dir) / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return {};
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bench console on the board's UART1: lines in, lines out.
class Console {
 public:
  explicit Console(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open the console " + path);
    termios t{};
    ::tcgetattr(fd_, &t);
    ::cfmakeraw(&t);
    ::tcsetattr(fd_, TCSANOW, &t);
  }
  ~Console() { ::close(fd_); }
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  void send(const std::string& line) {
    const std::string s = line + "\n";
    if (::write(fd_, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
      throw std::runtime_error("console write failed");
  }
  // Everything the board printed so far.
  const std::string& text() {
    char buf[256];
    for (ssize_t n; (n = ::read(fd_, buf, sizeof buf)) > 0;) text_.append(buf, n);
    return text_;
  }
  std::size_t count(const std::string& line) {
    const std::string& t = text();
    std::size_t n = 0;
    for (auto at = t.find(line + "\n"); at != std::string::npos; at = t.find(line + "\n", at + 1))
      ++n;
    return n;
  }

 private:
  int fd_ = -1;
  std::string text_;
};

TEST(QemuDoorBoard, AnswersTheHandshakeAndGrantsACachedCardOnlineAndOffline) {
  const std::string qemu = find_program("qemu-system-arm");
  if (qemu.empty()) GTEST_SKIP() << "qemu-system-arm is not installed";
  if (std::string(VIGIL_MPS2_BOARD_ELF).empty() || !std::filesystem::exists(VIGIL_MPS2_BOARD_ELF))
    GTEST_SKIP() << "arm-none-eabi-gcc is not installed (no mps2-an385 image)";

  TempDir dir("vigil-qemu");
  ChildProcess board({qemu, "-M", "mps2-an385", "-nographic", "-monitor", "none", "-serial", "pty",
                      "-serial", "pty", "-kernel", VIGIL_MPS2_BOARD_ELF},
                     dir.file("qemu.log"));
  std::smatch m;
  std::string log;
  const std::regex ptys(
      R"(redirected to (\S+) \(label serial0\)[\s\S]*redirected to (\S+) \(label serial1\))");
  ASSERT_TRUE(eventually(
      [&] {
        log = read_text(dir.file("qemu.log"));
        return std::regex_search(log, m, ptys);
      },
      10s))
      << log;
  const std::string link_pty = m[1];
  Console console(m[2]);

  MosquittoProcess broker;
  const auto journal_path = dir.file("journal.db");
  const auto config = dir.file("site.yaml");
  std::ofstream(config)
      << "site: { id: test-site, gateway: gw1, time_zone: UTC }\n"
      << "journal: { path: " << journal_path.string() << " }\n"
      << "broker: { host: 127.0.0.1, port: " << broker.port() << ", keepalive: 2s }\n"
      << "devices:\n"
      << "  - { id: board1, type: door_board, serial: " << link_pty
      << ", baud: 115200, readers: 1, inputs: 1, relays: 1 }\n"
      << "zones:\n  - { id: lab, name: Lab }\n"
      << "doors:\n  - { id: lab-door, from: outside, to: lab, lock: { device: board1, coil: 0 },"
      << " contact: { device: board1, input: 0 }, unlock_time: 1s }\n"
      << "readers:\n  - { id: lab-in, door: lab-door, direction: in, "
      << "board: { device: board1, reader: 0 } }\n"
      << "access_levels:\n  - { id: everyone, zones: [lab], schedule: always }\n";
  journal::Roster(journal_path, "test-harness")
      .import(
          journal::RosterFile{
              .people = {core::Person{
                  core::PersonId("p01"), "Anna", true, {core::AccessLevelId("everyone")}}},
              .credentials = {core::Credential{{12, 1001}, core::PersonId("p01"), true, {}, {}}},
              .name = "harness",
              .sha256 = journal::sha256_hex("harness"),
              .replace = false},
          std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now()));
  ChildProcess vigild({VIGILD_PATH, "-c", config.string(), "--log-level", "debug"},
                      dir.file("vigild.log"));
  const auto vigild_log = [&] { return read_text(dir.file("vigild.log")); };
  const auto granted = [&] {
    journal::Filter f;
    f.kinds = {core::EventKind::access_granted};
    return journal::Journal(journal_path).query(f);
  };

  // Handshake, then the credential cache and the time from vigild.
  ASSERT_TRUE(eventually([&] { return console.count("up") == 1; }, 10s))
      << console.text() << vigild_log();
  ASSERT_TRUE(eventually([&] { return console.text().find("cache ") != std::string::npos; }, 5s))
      << console.text();

  // Online: the board hands the read up, vigild grants and pulses the strike.
  console.send("s 12 1001");
  ASSERT_TRUE(eventually([&] { return console.count("relay 0 1") == 1; }, 5s))
      << console.text() << vigild_log();
  ASSERT_TRUE(eventually([&] { return console.count("relay 0 0") == 1; }, 5s)) << console.text();
  ASSERT_TRUE(eventually([&] { return granted().size() == 1; }, 5s)) << vigild_log();
  EXPECT_FALSE(core::attr_bool(granted()[0].attrs, "offline").value_or(false));

  // Offline: the cable is cut; the board grants the cached card itself and
  // hands the decision up when the link returns.
  console.send("c 1");
  ASSERT_TRUE(eventually([&] { return console.count("down") == 1; }, 5s)) << console.text();
  console.send("s 12 1001");
  ASSERT_TRUE(eventually([&] { return console.count("relay 0 1") == 2; }, 5s)) << console.text();
  console.send("c 0");
  ASSERT_TRUE(eventually([&] { return granted().size() == 2; }, 10s)) << vigild_log();
  const auto offline = granted()[1];
  EXPECT_TRUE(core::attr_bool(offline.attrs, "offline").value_or(false));
  EXPECT_EQ(offline.person->str(), "p01");
}

}  // namespace qemu_board_test
}  // namespace vigil::testing
