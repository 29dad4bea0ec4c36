#include "vigil/ctl/socket_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <vector>

namespace vigil::ctl {
namespace {

constexpr const char* kHeader = "vigilctl-sockets 1";
constexpr std::size_t kMaxEntries = 16;           // configs an operator switches between
constexpr std::size_t kMaxFileBytes = 64 * 1024;  // 16 entries of long paths fit easily
constexpr std::int64_t kSettledNs = 2'000'000'000;

struct Entry {
  ConfigIdentity config;
  std::string socket;
};

std::int64_t ns_of(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

bool plain_field(const std::string& s) {
  return !s.empty() && s.find_first_of("\t\n") == std::string::npos;
}

std::string format(const Entry& e) {
  const auto& c = e.config;
  return c.path + "\t" + std::to_string(c.device) + "\t" + std::to_string(c.inode) + "\t" +
         std::to_string(c.size) + "\t" + std::to_string(c.mtime_ns) + "\t" +
         std::to_string(c.ctime_ns) + "\t" + e.socket + "\n";
}

std::optional<Entry> parse(const std::string& line) {
  std::vector<std::string> f;
  std::size_t from = 0;
  while (f.size() < 7) {
    const auto tab = line.find('\t', from);
    f.push_back(line.substr(from, tab == std::string::npos ? std::string::npos : tab - from));
    if (tab == std::string::npos) break;
    from = tab + 1;
  }
  if (f.size() != 7 || !plain_field(f[0]) || !plain_field(f[6])) return std::nullopt;
  Entry e;
  e.config.path = f[0];
  e.socket = f[6];
  try {
    e.config.device = std::stoull(f[1]);
    e.config.inode = std::stoull(f[2]);
    e.config.size = std::stoll(f[3]);
    e.config.mtime_ns = std::stoll(f[4]);
    e.config.ctime_ns = std::stoll(f[5]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  // Only the very text format() writes: stoull alone would take "0123",
  // "+5" or "12junk" as a number (fuzz_socket_cache found a leading zero).
  if (format(e) != line + "\n") return std::nullopt;
  return e;
}

// Reads or writes (`io` is ::read or ::write) up to `size` bytes, retrying
// after a signal; the bytes moved, fewer at end of file or on an error.
template <typename Buffer, typename Io>
std::size_t transfer_all(int fd, Buffer* data, std::size_t size, Io io) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = io(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

// The entries of the cache file, or none when it is missing, unreadable,
// not ours alone (another user could have aimed us at their socket: an
// import would send them the operator's CSV) or not in this format.
std::vector<Entry> read_entries(const std::filesystem::path& file) {
  std::vector<Entry> out;
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st {};
  std::string text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
      (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 && st.st_nlink == 1 &&
      static_cast<std::size_t>(st.st_size) <= kMaxFileBytes) {
    text.resize(static_cast<std::size_t>(st.st_size));
    text.resize(transfer_all(fd, text.data(), text.size(), ::read));
  }
  ::close(fd);
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kHeader) return out;
  while (std::getline(lines, line) && out.size() < kMaxEntries) {
    if (auto e = parse(line)) out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

std::optional<ConfigIdentity> config_identity(const std::string& config_path) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(config_path, ec);
  if (ec) return std::nullopt;
  struct stat st {};
  if (::stat(absolute.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return ConfigIdentity{.path = absolute.string(),
                        .device = static_cast<std::uint64_t>(st.st_dev),
                        .inode = static_cast<std::uint64_t>(st.st_ino),
                        .size = static_cast<std::int64_t>(st.st_size),
                        .mtime_ns = ns_of(st.st_mtim),
                        .ctime_ns = ns_of(st.st_ctim)};
}

std::optional<std::filesystem::path> socket_cache_file() {
  auto set = [](const char* name) -> const char* {
    const char* v = std::getenv(name);
    return v != nullptr && v[0] == '/' ? v : nullptr;
  };
  if (const char* run = set("XDG_RUNTIME_DIR")) {
    return std::filesystem::path(run) / "vigilctl-sockets";
  }
  if (const char* cache = set("XDG_CACHE_HOME")) {
    return std::filesystem::path(cache) / "vigilctl-sockets";
  }
  if (const char* home = set("HOME")) {
    return std::filesystem::path(home) / ".cache" / "vigilctl-sockets";
  }
  return std::nullopt;
}

std::optional<std::string> cached_socket(const std::string& config_path) {
  const auto file = socket_cache_file();
  if (!file) return std::nullopt;
  const auto now = config_identity(config_path);
  if (!now) return std::nullopt;
  for (const auto& e : read_entries(*file)) {
    if (e.config == *now) return e.socket;
  }
  return std::nullopt;
}

void remember_socket(const ConfigIdentity& loaded, const std::string& socket_path) {
  if (!plain_field(loaded.path) || !plain_field(socket_path)) return;
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (ns_of(now) - loaded.mtime_ns < kSettledNs) return;
  const auto file = socket_cache_file();
  if (!file) return;
  std::vector<Entry> entries{{loaded, socket_path}};
  for (auto& e : read_entries(*file)) {
    if (e.config.path != loaded.path && entries.size() < kMaxEntries) {
      entries.push_back(std::move(e));
    }
  }
  std::error_code ec;
  if (!std::filesystem::exists(file->parent_path(), ec)) {
    std::filesystem::create_directories(file->parent_path(), ec);
    if (ec) return;
    ::chmod(file->parent_path().c_str(), 0700);
  }
  std::string text = std::string(kHeader) + "\n";
  for (const auto& e : entries) text += format(e);
  // A whole new file renamed over the old: a reader sees one or the other.
  const std::string temp = file->string() + "." + std::to_string(::getpid()) + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::size_t put = transfer_all(fd, text.data(), text.size(), ::write);
  const bool written = ::close(fd) == 0 && put == text.size();
  if (!written || ::rename(temp.c_str(), file->c_str()) != 0) ::unlink(temp.c_str());
}

}  // namespace vigil::ctl
