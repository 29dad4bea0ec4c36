// The watchdog against real processes: a master that is SIGKILLed (no clean
// stop, no "locks off") and an independent Modbus TCP master in Python.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "recorder.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::modbus {
namespace {

using namespace testing;
using sim::ModbusIoServer;

// A child process with its stdout on a pipe; killed and reaped on scope exit.
class Child {
 public:
  explicit Child(std::vector<std::string> argv) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait_exit();
    }
    if (out_ >= 0) ::close(out_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }

  // Reads stdout until `line` appears or the deadline passes.
  bool wait_line(const std::string& line, std::chrono::milliseconds deadline = 10s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (output_.find(line + "\n") == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[256];
      const auto n = ::read(out_, buffer, sizeof buffer);
      if (n <= 0) return false;
      output_.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reaps the child (blocking); the wait status.
  int wait_exit() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

  void kill9() { ::kill(pid_, SIGKILL); }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
};

TEST(ModbusWatchdogProcess, KillingTheMasterWithSigkillDropsTheCoilWithinTheWatchdog) {
  ModbusIoServer server;
  Child master({VIGIL_WATCHDOG_MASTER, std::to_string(server.port()), "300", "2"});
  ASSERT_TRUE(master.started());
  ASSERT_TRUE(master.wait_line("ready")) << master.output();
  ASSERT_TRUE(server.coil(2));
  ASSERT_EQ(server.watchdog().timeout, 300ms);

  // Alive and polling: many watchdog periods pass without a trip.
  const auto answered = server.requests_answered();
  ASSERT_TRUE(eventually([&] { return server.requests_answered() >= answered + 100; }, 10s));
  EXPECT_EQ(server.watchdog_trips(), 0u);
  EXPECT_TRUE(server.coil(2));

  master.kill9();
  const auto killed = std::chrono::steady_clock::now();
  const int status = master.wait_exit();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_TRUE(eventually([&] { return !server.coil(2); }, 5s));
  RecordProperty("kill_to_coil_off_ms",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - killed)
                                      .count()));
  EXPECT_EQ(server.watchdog_trips(), 1u);
}

TEST(ModbusWatchdogProcess, IndependentPythonMasterArmsTheSimulatedWatchdog) {
  if (::system("python3 -c pass >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  ModbusIoServer server;
  Child peer({"python3", VIGIL_SOURCE_DIR "/drivers/modbus/tests/modbus_peer.py",
              std::to_string(server.port()), "250"});
  ASSERT_TRUE(peer.started());
  ASSERT_TRUE(peer.wait_line("ok")) << peer.output();
  const int status = peer.wait_exit();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(server.watchdog().timeout, 250ms);

  // The peer left coil 2 on and went silent: the module takes the safe values.
  ASSERT_TRUE(eventually([&] { return server.watchdog().tripped; }, 5s));
  EXPECT_FALSE(server.coil(2));
  EXPECT_TRUE(server.coil(0));  // safe on, as the peer configured
  EXPECT_EQ(server.watchdog_trips(), 1u);
}

}  // namespace
}  // namespace vigil::modbus
