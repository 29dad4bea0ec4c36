#include "control_socket.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>

#include "vigil/sim/unix_listener.hpp"

namespace vigil::sim {
namespace {

void write_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace

ControlServer::ControlServer(std::string path, Handler handler)
    : path_(std::move(path)), handler_(std::move(handler)) {
  listen_fd_ = listen_unix(path_);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
    throw std::runtime_error("control socket " + path_ + ": eventfd failed");
  }
  thread_ = std::thread([this] { run(); });
}

ControlServer::~ControlServer() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
  ::unlink(path_.c_str());
}

void ControlServer::run() {
  for (;;) {
    std::array<pollfd, 2> fds{pollfd{wake_fd_, POLLIN, 0}, pollfd{listen_fd_, POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serve(fd);
    ::close(fd);
  }
}

void ControlServer::serve(int fd) {
  // A client that connects and says nothing must not block the next one.
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string line;
  std::array<char, 512> buf{};
  while (line.find('\n') == std::string::npos && line.size() < 4096) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf.data(), static_cast<std::size_t>(n));
  }
  line = line.substr(0, line.find('\n'));
  const auto [ok, lines] = handler_(line);
  std::string reply = ok ? "ok\n" : "error\n";
  for (const auto& l : lines) reply += l + "\n";
  write_all(fd, reply);
}

ControlReply send_control_command(const std::string& path, const std::string& command) {
  ControlReply reply;
  const int fd = connect_unix(path);
  if (fd < 0) return reply;
  reply.reached = true;
  write_all(fd, command + "\n");
  ::shutdown(fd, SHUT_WR);
  std::string text;
  std::array<char, 4096> buf{};
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto lines = split_lines(text);
  if (!lines.empty()) {
    reply.ok = lines.front() == "ok";
    lines.erase(lines.begin());
  }
  reply.lines = std::move(lines);
  return reply;
}

}  // namespace vigil::sim
