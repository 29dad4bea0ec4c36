#include "vigil/ctl/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "control_route.hpp"
#include "vigil/ctl/socket_cache.hpp"

namespace vigil::ctl {
namespace {

// The largest reply read: a month of a busy site's rows as JSON.
constexpr std::size_t kMaxReplyBytes = std::size_t{1} << 30;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string connect_error(const std::string& path, int error) {
  return "cannot reach vigild at " + path + ": " + std::strerror(error);
}

// A connected socket, or -1 with errno set.
int connect_to(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

const std::set<std::string>& served() {
  static const std::set<std::string> commands{"status",
                                              "key show",
                                              "log query",
                                              "person import",
                                              "person revoke",
                                              "person disable",
                                              "person enable",
                                              "person show",
                                              "person list",
                                              "flag set",
                                              "flag clear",
                                              "flag list",
                                              "trip add",
                                              "trip list",
                                              "trip return",
                                              "trip import",
                                              "visit add",
                                              "visit end",
                                              "visit list",
                                              "visit show",
                                              "visit import",
                                              "audit",
                                              "audit sample",
                                              "incident list",
                                              "incident show",
                                              "incident form",
                                              "incident ack",
                                              "incident resolve",
                                              "incident escalate",
                                              "incident report",
                                              "lockdown set",
                                              "lockdown release",
                                              "lockdown list",
                                              "muster",
                                              "alarm arm",
                                              "alarm disarm",
                                              "alarm status",
                                              "fire reset",
                                              "fire release",
                                              "door unlock",
                                              "config reload",
                                              "log export",
                                              "log archive",
                                              "inspection start",
                                              "inspection record",
                                              "inspection close",
                                              "inspection show",
                                              "deficiency fix",
                                              "inspect"};
  return commands;
}

bool takes_value(const std::string& word) {
  return word == "-c" || word == "--config" || word == "--socket" || word == "-j" ||
         word == "--journal" || word == "--db";
}

// Removes `names` (and its value) from words; returns the last value given.
std::optional<std::string> take_option(std::vector<std::string>& words,
                                       std::initializer_list<const char*> names) {
  std::optional<std::string> value;
  for (std::size_t i = 0; i < words.size();) {
    bool matched = false;
    for (const char* name : names) {
      const std::string n = name;
      if (words[i] == n && i + 1 < words.size()) {
        value = words[i + 1];
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(i),
                    words.begin() + static_cast<std::ptrdiff_t>(i + 2));
        matched = true;
      } else if (words[i].starts_with(n + "=")) {
        value = words[i].substr(n.size() + 1);
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(i));
        matched = true;
      }
      if (matched) break;
    }
    if (!matched) ++i;
  }
  return value;
}

bool has_option(const std::vector<std::string>& words, std::initializer_list<const char*> names) {
  for (const auto& w : words)
    for (const char* name : names)
      if (w == name || w.starts_with(std::string(name) + "=")) return true;
  return false;
}

// The files of a `log export` reply: DATA and DATA.manifest.json, written
// at the operator's --out. Any other name in the reply is ignored.
bool write_returned_files(const std::filesystem::path& out_path,
                          const std::map<std::string, std::string>& files, std::ostream& err) {
  const std::string base = out_path.filename().string();
  for (const auto& [name, bytes] : files) {
    if (name != base && name != base + ".manifest.json") continue;
    const auto target = out_path.parent_path() / name;
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    if (!(file << bytes) || !file.flush()) {
      err << "vigilctl: cannot write " << target.string() << "\n";
      return false;
    }
  }
  return true;
}

// One request and its reply on a connected socket.
std::variant<ControlReply, std::string> exchange(const Fd& fd, const ControlRequest& request,
                                                 std::chrono::milliseconds timeout) {
  const std::string bytes = format_request(request);
  for (std::size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = ::send(fd.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "sending to vigild failed: " + std::string(std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buffer[65536];
  while (reply.size() < kMaxReplyBytes) {
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return std::string("vigild did not answer in time");
    const ssize_t n = ::recv(fd.get(), buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "reading vigild's reply failed: " + std::string(std::strerror(errno));
    if (n == 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
    if (reply.back() == '\n') break;
  }
  if (reply.empty()) return std::string("vigild closed the connection without a reply");
  return parse_reply(reply);
}

}  // namespace

std::variant<ControlReply, std::string> call_control(const std::string& socket_path,
                                                     const ControlRequest& request,
                                                     std::chrono::milliseconds timeout) {
  Fd fd(connect_to(socket_path));
  if (fd.get() < 0) return connect_error(socket_path, errno);
  return exchange(fd, request, timeout);
}

bool control_socket_answers(const std::string& socket_path) {
  Fd fd(connect_to(socket_path));
  return fd.get() >= 0;
}

std::string command_path(const std::vector<std::string>& words) {
  std::vector<std::string> bare;
  for (std::size_t i = 0; i < words.size() && bare.size() < 2; ++i) {
    if (takes_value(words[i])) {
      ++i;
      continue;
    }
    if (!words[i].starts_with("-")) bare.push_back(words[i]);
  }
  if (bare.empty()) return "";
  const std::string& first = bare[0];
  if (first == "status" || first == "report" ||
      (first == "audit" && (bare.size() < 2 || bare[1] != "sample"))) {
    return first;
  }
  return bare.size() < 2 ? first : first + " " + bare[1];
}

bool served_by_daemon(const std::string& path) {
  return served().contains(path) || path == "report";  // docs/reports.md
}

std::optional<int> route_through_daemon(std::vector<std::string> words,
                                        const SocketOfConfig& socket_of, std::ostream& out,
                                        std::ostream& err) {
  const auto socket = take_option(words, {"--socket"});
  const std::string path = command_path(words);
  if (!socket) {
    // The offline/admin paths: a database file named outright, or no way
    // to find the daemon. --archive-dir names a folder here as -j names a file.
    if (has_option(words, {"-j", "--journal", "--db", "--archive-dir"}) ||
        !served_by_daemon(path)) {
      return std::nullopt;
    }
  } else if (has_option(words, {"-j", "--journal", "--db", "--archive-dir"})) {
    err << "vigilctl: --socket asks vigild; --journal/--db/--archive-dir read files here. Give "
           "one.\n";
    return 2;
  } else if (!served_by_daemon(path)) {
    err << "vigilctl: '" << path << "' runs here, not through vigild (drop --socket)\n";
    return 2;
  }
  std::string socket_path;
  auto config = take_option(words, {"-c", "--config"});
  if (socket) {
    socket_path = *socket;
  } else {
    if (!config) return std::nullopt;
    auto found = socket_of(*config);
    if (!found) return std::nullopt;  // the local path reports the mistakes
    socket_path = std::move(*found);
  }
  // One connection: it is both the test that vigild runs and the request's
  // (a separate probe cost vigild a whole malformed request per command).
  Fd fd(connect_to(socket_path));
  if (fd.get() < 0) {
    if (!socket) return std::nullopt;  // vigild not running: the local path
    err << "vigilctl: " << connect_error(socket_path, errno) << "\n";
    return 2;
  }
  ControlRequest request;
  if (path == "person import" || path == "trip import" || path == "visit import") {
    // vigild's user may not read the operator's files: send the bytes.
    const auto file = std::find_if(words.begin() + 2, words.end(),
                                   [](const std::string& w) { return !w.starts_with("-"); });
    if (file != words.end()) {
      std::ifstream in(*file, std::ios::binary);
      if (!in) {
        err << *file << ": cannot read the file\n";
        return 1;
      }
      std::ostringstream bytes;
      bytes << in.rdbuf();
      const std::string name = std::filesystem::path(*file).filename().string();
      request.files[name] = bytes.str();
      *file = name;
    }
  }
  // log export: vigild writes the files (it holds the key) and sends them
  // back; they land where --out says, under the names asked for only.
  std::optional<std::filesystem::path> out_path;
  if (path == "log export") {
    if (auto given = take_option(words, {"--out"})) {
      out_path = *given;
      words.push_back("--out");
      words.push_back(out_path->filename().string());
    }
  }
  request.argv = std::move(words);
  auto reply = exchange(fd, request, std::chrono::seconds(120));
  if (auto* error = std::get_if<std::string>(&reply)) {
    err << "vigilctl: " << *error << "\n";
    return 2;
  }
  const auto& r = std::get<ControlReply>(reply);
  if (out_path && !write_returned_files(*out_path, r.files, err)) return 1;
  out << r.out;
  err << r.err;
  return r.rc;
}

std::optional<int> run_through_daemon_cached(std::vector<std::string> words, std::ostream& out,
                                             std::ostream& err) {
  return route_through_daemon(std::move(words), cached_socket, out, err);
}

}  // namespace vigil::ctl
