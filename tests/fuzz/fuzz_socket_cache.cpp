// The vigilctl front's socket cache file (daemon/ctl/src/socket_cache.cpp):
// whatever the file holds, reading it never crashes, and a socket is only
// ever answered for a line that names this config's exact identity. The
// input is written as the cache file; "@PATH@" and "@ID@" in it become the
// config's absolute path and its identity fields (device, inode, size, mtime,
// ctime), so the fuzzer can reach the matching entry too.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "vigil/ctl/socket_cache.hpp"

namespace {

struct Place {
  std::filesystem::path dir;
  std::filesystem::path config;
  Place() {
    char tmpl[] = "/tmp/vigil-fuzz-socket-cache-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    dir = tmpl;
    config = dir / "site.yaml";
    std::ofstream(config) << "site: {id: fuzz}\n";
    ::setenv("XDG_RUNTIME_DIR", dir.c_str(), 1);
  }
  ~Place() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Place place;
  const auto id = vigil::ctl::config_identity(place.config.string());
  if (!id) std::abort();
  std::string text(reinterpret_cast<const char*>(data), size);
  replace_all(text, "@PATH@", id->path);
  replace_all(text, "@ID@",
              std::to_string(id->device) + "\t" + std::to_string(id->inode) + "\t" +
                  std::to_string(id->size) + "\t" + std::to_string(id->mtime_ns) + "\t" +
                  std::to_string(id->ctime_ns));
  const auto file = place.dir / "vigilctl-sockets";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  ::chmod(file.c_str(), 0600);
  const auto socket = vigil::ctl::cached_socket(place.config.string());
  if (socket) {
    // Only a whole field of a line that begins with this config's identity.
    if (socket->empty() || socket->find_first_of("\t\n") != std::string::npos) __builtin_trap();
    const std::string prefix = id->path + "\t" + std::to_string(id->device) + "\t";
    if (text.find(prefix) == std::string::npos) __builtin_trap();
    if (text.find("\t" + *socket) == std::string::npos) __builtin_trap();
  }
  return 0;
}
