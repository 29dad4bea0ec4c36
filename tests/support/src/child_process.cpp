#include "vigil/testing/child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>
#include <thread>

namespace vigil::testing {
namespace {

// Everything the child needs is prepared before fork: between fork and exec a
// child of a multi-threaded process may only call async-signal-safe functions
// (no malloc), because another thread may have held the allocator's lock.
void close_inherited_fds() {
  if (::close_range(3, ~0U, 0) == 0) return;
  rlimit limit{};
  const rlim_t max_fd = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
  for (rlim_t fd = 3; fd < max_fd; ++fd) ::close(static_cast<int>(fd));
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::filesystem::path log_path) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

  const std::string out_path = log_path.empty() ? "/dev/null" : log_path.string();
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0) throw std::system_error(errno, std::generic_category(), "open " + out_path);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(out_fd);
    throw std::system_error(errno, std::generic_category(), "open /dev/null");
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the thread that started it, so a crashed test leaves no child.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the parent died before prctl
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    close_inherited_fds();  // e.g. the test's own MQTT sockets
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(out_fd);
  ::close(null_fd);
  if (pid < 0) throw std::system_error(fork_errno, std::generic_category(), "fork");
  pid_ = pid;
}

ChildProcess::~ChildProcess() {
  kill();
}

bool ChildProcess::reap(bool block) {
  if (status_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = status;
    return true;
  }
  if (r < 0) {
    status_ = -1;  // not our child any more (ECHILD): nothing left to reap
    return true;
  }
  return false;
}

bool ChildProcess::running() {
  return !reap(false);
}

void ChildProcess::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

bool ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  signal(SIGTERM);
  if (!wait_exit(grace)) kill();
}

void ChildProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(true);
}

}  // namespace vigil::testing
