// vigilctl: the command an operator types. Commands vigild serves go
// through its control socket from this small program, which links only the
// socket client and the socket cache (no config reader, yaml-cpp, SQLite,
// OpenSSL, Paho or CLI11; static, so no dynamic loader either): its start
// is most of a query's cost on the client side. It finds the socket of
// `--config SITE` in the cache the full tool keeps (socket_cache.hpp).
// Everything else (a cache miss, --help, offline paths on a file, config
// check, watch, ...) is the full tool, vigilctl-local, beside it: exec'd
// with the same arguments, so exit codes, output and errors are its own.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "vigil/ctl/control_client.hpp"

namespace {

// vigilctl-local in the folder this program was started from (symlinks
// resolved, so a link to vigilctl in PATH still finds it).
std::string local_tool(const char* argv0) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv0, ec);
  return (self.parent_path() / "vigilctl-local").string();
}

}  // namespace

int main(int argc, char** argv) {
  if (auto rc =
          vigil::ctl::run_through_daemon_cached({argv + 1, argv + argc}, std::cout, std::cerr)) {
    return *rc;
  }
  std::cout.flush();
  const std::string tool = local_tool(argv[0]);
  // argv[0] as typed: usage lines and messages name `vigilctl`.
  std::vector<char*> args{argv[0]};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::execv(tool.c_str(), args.data());
  std::cerr << "vigilctl: cannot run " << tool << ": " << std::strerror(errno) << "\n";
  return 127;
}
