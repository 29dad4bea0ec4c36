// The demo site, served for real: a daemon-side SimGpioChip and a libmodbus
// client see what vigil-sim's hand commands and scenario steps do.
#include "sim_site.hpp"

#include <gtest/gtest.h>
#include <modbus.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "control_socket.hpp"
#include "vigil/config/load.hpp"
#include "vigil/gpio/sim_gpio_chip.hpp"
#include "vigil/wiegand/decoder.hpp"

namespace vigil::sim {
namespace {

using namespace std::chrono_literals;

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::uint16_t free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// config/demo/site.yaml with its Modbus port moved to a free one and its
// relative socket path anchored in a temp dir.
class DemoSite : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/vigil-sim-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::ifstream in(std::string(VIGIL_SOURCE_DIR) + "/config/demo/site.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string yaml = text.str();
    port_ = free_tcp_port();
    const auto at = yaml.find("port: 15020");
    ASSERT_NE(at, std::string::npos) << "the demo site's Modbus port moved; update this test";
    yaml.replace(at, 11, "port: " + std::to_string(port_));
    auto loaded = config::load_site_config_from_string(yaml, dir_ / "site.yaml");
    ASSERT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
    config_ = std::move(loaded).value();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  config::SiteConfig config_;
  Console console_;
};

TEST_F(DemoSite, ASwipeReachesTheDaemonAsADecodableWiegandFrame) {
  SimSite site(config_, console_);
  gpio::SimGpioChip chip(
      gpio::SimGpioChip::Options{(dir_ / "run/gpio0.sock").string(), 10ms, 50ms});
  std::mutex mutex;
  wiegand::WiegandDecoder decoder({*wiegand::find_format("H10301")});
  chip.on_edge([&](const gpio::EdgeEvent& e) {
    std::lock_guard lock(mutex);
    decoder.on_edge(
        e.line == 4 ? wiegand::WiegandDecoder::Line::d0 : wiegand::WiegandDecoder::Line::d1,
        e.rising, e.timestamp);
  });
  chip.request_input(4);  // server-in D0
  chip.request_input(5);  // server-in D1
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));

  site.swipe("server-in", core::CardNumber{12, 1002}, "");
  std::optional<wiegand::WiegandResult> result;
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    result = decoder.poll(monotonic_now());
    return result.has_value();
  }));
  const auto* card = std::get_if<wiegand::WiegandCard>(&*result);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->card, (core::CardNumber{12, 1002}));
  EXPECT_EQ(card->format, "H10301");
}

TEST_F(DemoSite, DoorsAreDrivenAndLocksReadOverModbus) {
  SimSite site(config_, console_);
  modbus_t* client = modbus_new_tcp("127.0.0.1", port_);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(modbus_connect(client), 0);

  site.set_contact("server-room-door", true);
  std::uint8_t inputs[8] = {};
  ASSERT_EQ(modbus_read_input_bits(client, 0, 8, inputs), 8);
  EXPECT_EQ(inputs[2], 1);  // server-room-door contact
  site.set_rex("lobby-main", true);
  ASSERT_EQ(modbus_read_input_bits(client, 0, 8, inputs), 8);
  EXPECT_EQ(inputs[3], 1);  // lobby-main REX

  EXPECT_FALSE(site.lock_energised("lobby-main"));
  ASSERT_EQ(modbus_write_bit(client, 0, 1), 1);  // the daemon unlocks lobby-main
  EXPECT_TRUE(eventually([&] { return site.lock_energised("lobby-main"); }));
  modbus_close(client);
  modbus_free(client);
}

TEST_F(DemoSite, StatusShowsTheModulesWatchdogArmedThenTripped) {
  SimSite site(config_, console_);
  auto watchdog_line = [&] {
    for (const auto& line : site.status())
      if (line.rfind("io1: watchdog", 0) == 0) return line;
    return std::string();
  };
  EXPECT_EQ(watchdog_line(), "io1: watchdog disarmed, 0 trip(s)");

  modbus_t* client = modbus_new_tcp("127.0.0.1", port_);
  ASSERT_EQ(modbus_connect(client), 0);
  ASSERT_EQ(modbus_write_bit(client, 0, 1), 1);  // lobby-main unlocked
  ASSERT_EQ(modbus_write_register(client, 4096, 500), 1);
  EXPECT_EQ(watchdog_line(), "io1: watchdog 500 ms, armed, 0 trip(s)");
  // The daemon falls silent: the module locks the door by itself.
  EXPECT_TRUE(eventually([&] { return !site.lock_energised("lobby-main"); }));
  EXPECT_EQ(watchdog_line(),
            "io1: watchdog 500 ms, TRIPPED (coils at their safe values), 1 trip(s)");
  modbus_close(client);
  modbus_free(client);
}

TEST_F(DemoSite, WaitsUntilTheDaemonAttachesToEveryDevice) {
  SimSite site(config_, console_);
  std::atomic<bool> stop{false};
  EXPECT_FALSE(site.wait_for_daemon(50ms, stop));
  gpio::SimGpioChip chip(
      gpio::SimGpioChip::Options{(dir_ / "run/gpio0.sock").string(), 10ms, 50ms});
  chip.start();
  modbus_t* client = modbus_new_tcp("127.0.0.1", port_);
  ASSERT_EQ(modbus_connect(client), 0);
  std::uint8_t coils[8] = {};
  ASSERT_EQ(modbus_read_bits(client, 0, 8, coils), 8);
  EXPECT_TRUE(site.wait_for_daemon(5s, stop));
  modbus_close(client);
  modbus_free(client);
}

TEST_F(DemoSite, HandCommandsArriveOverTheControlSocket) {
  SimSite site(config_, console_);
  const auto path = (dir_ / "run/ctl").string();
  ControlServer control(path, [&](const std::string& line) {
    auto reply = run_command(site, split_words(line));
    return std::make_pair(reply.ok, reply.lines);
  });
  auto reply = send_control_command(path, "open lobby-main");
  EXPECT_TRUE(reply.reached);
  EXPECT_TRUE(reply.ok);
  reply = send_control_command(path, "open lobby-mian");
  EXPECT_FALSE(reply.ok);
  ASSERT_FALSE(reply.lines.empty());
  EXPECT_NE(reply.lines[0].find("unknown door 'lobby-mian' (doors: lobby-main"), std::string::npos);
  reply = send_control_command(path, "status");
  ASSERT_TRUE(reply.ok);
  EXPECT_EQ(reply.lines[0], "lobby-main: lock LOCKED, contact OPEN");
  EXPECT_FALSE(send_control_command((dir_ / "nothing").string(), "status").reached);
}

TEST_F(DemoSite, StoppingRemovesTheSocketFiles) {
  const auto socket = dir_ / "run/gpio0.sock";
  {
    SimSite site(config_, console_);
    EXPECT_TRUE(std::filesystem::exists(socket));
  }
  EXPECT_FALSE(std::filesystem::exists(socket));
}

TEST_F(DemoSite, MistypedHandCommandsAreRepliesNotCrashes) {
  SimSite site(config_, console_);
  for (const char* line : {"swipe lobby-in 1001", "swipe nowhere 12:1", "rex offices-door 5",
                           "teleport lobby-main", "open", ""}) {
    const auto reply = run_command(site, split_words(line));
    EXPECT_FALSE(reply.ok) << line;
    EXPECT_FALSE(reply.lines.empty()) << line;
  }
  EXPECT_TRUE(run_command(site, split_words("rex offices-door 1ms")).ok);
}

TEST(HandCommands, SplitOnAnyWhitespace) {
  EXPECT_EQ(split_words("  swipe\tlobby-in  12:1001 \r"),
            (std::vector<std::string>{"swipe", "lobby-in", "12:1001"}));
}

}  // namespace
}  // namespace vigil::sim
