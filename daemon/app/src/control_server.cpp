#include "vigil/app/control_server.hpp"

#include <poll.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "vigil/app/clocks.hpp"

namespace vigil::app {
namespace {

std::runtime_error socket_error(const std::string& what, const std::string& path) {
  return std::runtime_error("control socket " + path + ": " + what + ": " + std::strerror(errno));
}

sockaddr_un address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    throw std::runtime_error("control socket path too long (" + std::to_string(path.size()) +
                             " bytes, at most " + std::to_string(sizeof(addr.sun_path) - 1) +
                             "): " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// A socket file left by a vigild that died is replaced; a live one (another
// vigild on the same journal) or a file that is not a socket is not.
void clear_stale_socket(const std::string& path, const sockaddr_un& addr) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode)) {
    throw std::runtime_error("control socket " + path + ": exists and is not a socket");
  }
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const bool live =
      probe >= 0 && ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  if (probe >= 0) ::close(probe);
  if (live) throw std::runtime_error("control socket " + path + ": another process serves it");
  ::unlink(path.c_str());
}

Peer peer_of(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  Peer peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    peer.uid = static_cast<std::uint32_t>(-1);
    peer.user = "uid:unknown";
    return peer;
  }
  peer.uid = cred.uid;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(cred.uid, &entry, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && found->pw_name != nullptr) {
    peer.user = found->pw_name;
  } else {
    peer.user = "uid:" + std::to_string(cred.uid);  // never matches an operator's user name
  }
  return peer;
}

void send_all(int fd, const std::string& bytes) {
  for (std::size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client left; nothing to tell it
    sent += static_cast<std::size_t>(n);
  }
}

enum class ReadResult { line, too_large, cut_short, timed_out };

// Reads up to the first '\n' (at most kMaxRequestBytes + 1 bytes), within
// `timeout` for the whole request.
ReadResult read_request(int fd, std::string& line, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReadResult::timed_out;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ReadResult::timed_out;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ReadResult::cut_short;
    const auto end = std::find(buffer, buffer + n, '\n');
    line.append(buffer, end);
    if (line.size() > ctl::kMaxRequestBytes) return ReadResult::too_large;
    if (end != buffer + n) return ReadResult::line;
  }
}

}  // namespace

ControlServer::ControlServer(const config::SiteConfig& config, AuditSink audit,
                             ControlServerOptions options)
    : config_(&config),
      audit_(std::move(audit)),
      options_(options),
      commands_(config, options_.door_unlocker, options_.config_reloader, options_.operators) {}

ControlServer::~ControlServer() {
  stop();
}

void ControlServer::start() {
  const std::string& path = config_->control_socket;
  const sockaddr_un addr = address_of(path);
  if (const auto dir = std::filesystem::path(path).parent_path(); !dir.empty()) {
    std::filesystem::create_directories(dir);
  }
  clear_stale_socket(path, addr);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw socket_error("socket", path);
  // Owner and group only: the group is how a site lets its operators'
  // accounts reach the socket; the operator table decides what they may do.
  ::fchmod(listen_fd_, 0660);
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const auto error = socket_error("bind", path);
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw error;
  }
  ::chmod(path.c_str(), 0660);
  if (::listen(listen_fd_, 16) != 0) throw socket_error("listen", path);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw socket_error("eventfd", path);
  thread_ = std::thread([this] { serve(); });
  spdlog::info("control socket {} ({} operator(s))", path, config_->operators.size());
}

void ControlServer::stop() {
  if (!thread_.joinable()) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof(one));
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
  ::unlink(config_->control_socket.c_str());
}

ControlServerStats ControlServer::stats() const {
  return {served_.load(), malformed_.load()};
}

void ControlServer::serve() {
  while (true) {
    pollfd fds[2]{{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("control socket: poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // the client gave up, or fds ran out: keep serving
    try {
      handle(fd);
    } catch (const std::exception& e) {
      spdlog::error("control socket: {}", e.what());
    }
    ::close(fd);
  }
}

void ControlServer::handle(int fd) {
  // Where one request's time goes, at --log-level debug (docs/benchmarks.md).
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto us_since = [](Clock::time_point from) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - from).count();
  };
  const Peer peer = peer_of(fd);
  const auto t_peer = us_since(t0);
  std::string line;
  const ReadResult read = read_request(fd, line, options_.read_timeout);
  const auto t_read = us_since(t0);
  auto malformed = [&](const std::string& why) {
    ++malformed_;
    spdlog::warn("control socket: malformed request from {} (uid {}): {}", peer.user, peer.uid,
                 why);
    send_all(fd, ctl::format_reply({2, "", "vigild: bad request: " + why + "\n"}));
  };
  if (read == ReadResult::too_large) {
    return malformed("larger than " + std::to_string(ctl::kMaxRequestBytes) + " bytes");
  }
  if (read == ReadResult::cut_short) return malformed("cut short (no end of line)");
  if (read == ReadResult::timed_out) return malformed("not complete in time");
  auto parsed = ctl::parse_request(line);
  if (auto* why = std::get_if<std::string>(&parsed)) return malformed(*why);
  const auto t_parse = us_since(t0);

  ControlOutcome outcome = commands_.run(peer, std::get<ctl::ControlRequest>(parsed), wall_now());
  ++served_;
  const auto t_run = us_since(t0);
  // The record first: nothing leaves vigild that the chain does not show.
  const bool durable = audit_(outcome.audit);
  const auto t_audit = us_since(t0);
  if (!durable) {
    spdlog::error("control socket: audit record for {} not durable; reply withheld", peer.user);
    send_all(fd,
             ctl::format_reply(
                 {1, "", "vigild: the audit record could not be journalled; nothing returned\n"}));
    return;
  }
  send_all(fd, ctl::format_reply(outcome.reply));
  spdlog::debug(
      "control socket: {} served in {} us (peer {} us, read {} us, parse {} us, run {} us, audit "
      "durable {} us, reply {} us)",
      peer.user, us_since(t0), t_peer, t_read - t_peer, t_parse - t_read, t_run - t_parse,
      t_audit - t_run, us_since(t0) - t_audit);
}

}  // namespace vigil::app
