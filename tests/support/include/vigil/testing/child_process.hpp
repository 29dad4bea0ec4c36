// A child process owned by a test: started with fork/exec, stdout and stderr
// appended to a log file, killed and reaped by the destructor. The child gets
// PR_SET_PDEATHSIG(SIGKILL), so even a test process that crashes or is killed
// by a ctest timeout leaves nothing running. Note that the death signal fires
// when the *thread* that started the child exits: start children from the
// test's own thread, not from a short-lived worker thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::testing {

class ChildProcess {
 public:
  // argv[0] is the program's path (not searched in PATH). stdin is /dev/null;
  // stdout and stderr are appended to `log_path`, or go to /dev/null when it is
  // empty. The child inherits no other file descriptors. Throws
  // std::system_error when fork fails; an exec failure shows as exit code 127.
  explicit ChildProcess(std::vector<std::string> argv, std::filesystem::path log_path = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // False once the child has exited (it is reaped then).
  bool running();
  // The raw wait status once the child has exited and was reaped.
  std::optional<int> wait_status() const { return status_; }
  // Sends `sig` if the child still runs.
  void signal(int sig);
  // Waits up to `timeout` for the child to exit; true if it did.
  bool wait_exit(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL if it is still running after `grace`. Always reaps.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // SIGKILL and reap: an unclean death, as a power cut or OOM kill would be.
  void kill();

 private:
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace vigil::testing
