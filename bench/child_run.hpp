// A command run to its end with its stdout to /dev/null, and what the
// benches measure of it: whether it exited 0, its wall time and, from
// wait4's rusage, its CPU time (user + system) and peak RSS. Shared by
// bench_person_import and bench_query.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace vigil::bench {

struct ChildRun {
  bool ok = false;  // exited with status 0
  double wall_s = 0, cpu_s = 0, peak_mib = 0;
};

// argv[0] is a path, or a name looked up in PATH.
inline ChildRun run_child(const std::vector<std::string>& argv) {
  // Built before fork: the child only execs.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ChildRun r;
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  r.cpu_s = secs(usage.ru_utime) + secs(usage.ru_stime);
  r.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return r;
}

}  // namespace vigil::bench
