// Where each site config's control socket is, remembered per operator so
// that the vigilctl front can send a query without loading the site config.
// Loading it (yaml-cpp, then every check) was most of the front's start
// (docs/design.md, "s21-query"). An entry holds the config file's identity
// as the full load saw it (the absolute path as typed, device, inode, size,
// mtime and ctime in nanoseconds) and the socket path that load gave. Any
// change to the file is a miss, and on a miss the front runs the full tool,
// which loads and checks the config (reporting its mistakes) and writes the
// entry again. The cache is one small file in the operator's own runtime
// or cache folder; one that anybody else could have written is ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace vigil::ctl {

// A config file as stat(2) saw it.
struct ConfigIdentity {
  std::string path;  // absolute, as typed (relative paths in it resolve from its folder)
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  friend bool operator==(const ConfigIdentity&, const ConfigIdentity&) = default;
};

// The identity of `config_path` now; nullopt when it cannot be stat'ed.
std::optional<ConfigIdentity> config_identity(const std::string& config_path);

// The file the entries live in: $XDG_RUNTIME_DIR/vigilctl-sockets, else
// $XDG_CACHE_HOME/vigilctl-sockets, else ~/.cache/vigilctl-sockets;
// nullopt when none of them is set.
std::optional<std::filesystem::path> socket_cache_file();

// The socket remembered for the config at `config_path` if the file is
// still the one that was loaded; nullopt on any doubt.
std::optional<std::string> cached_socket(const std::string& config_path);

// Records that the config `loaded` (its identity taken before it was read)
// names `socket_path`. A file changed in the last two seconds is not
// recorded: the kernel's file times move in coarse ticks, so a second edit
// in the same tick with the same size could otherwise look unchanged.
// Best effort: a cache that cannot be written only means the next run loads
// the config again.
void remember_socket(const ConfigIdentity& loaded, const std::string& socket_path);

}  // namespace vigil::ctl
