#include "vigil/sim/sim_chip_server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "vigil/gpio/sim_protocol.hpp"
#include "vigil/sim/unix_listener.hpp"

namespace vigil::sim {

namespace proto = gpio::sim_protocol;

std::chrono::nanoseconds monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

SimChipServer::SimChipServer(std::string socket_path, std::uint32_t line_count,
                             const std::map<std::uint32_t, bool>& driven)
    : socket_path_(std::move(socket_path)),
      levels_(line_count, false),
      driven_(line_count, false),
      requests_(line_count) {
  for (const auto& [line, level] : driven) {
    if (line >= line_count)
      throw std::out_of_range("sim gpio chip: no line " + std::to_string(line));
    levels_[line] = level;
    driven_[line] = true;
  }
  listen_fd_ = listen_unix(socket_path_);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    ::close(listen_fd_);
    ::unlink(socket_path_.c_str());
    throw std::runtime_error("sim gpio chip " + socket_path_ + ": eventfd failed");
  }
  thread_ = std::thread([this] { run(); });
}

SimChipServer::~SimChipServer() {
  stop();
}

void SimChipServer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  {
    std::lock_guard lock(mutex_);
    if (client_fd_ >= 0) ::close(client_fd_);
    client_fd_ = -1;
  }
  ::close(listen_fd_);
  ::close(wake_fd_);
  ::unlink(socket_path_.c_str());
}

void SimChipServer::on_output_change(OutputHandler handler) {
  std::lock_guard lock(mutex_);
  output_handler_ = std::move(handler);
}

std::optional<std::chrono::nanoseconds> SimChipServer::set_input(std::uint32_t line, bool level) {
  return drive(line, level);
}

std::optional<std::chrono::nanoseconds> SimChipServer::float_input(std::uint32_t line) {
  return drive(line, std::nullopt);
}

std::optional<std::chrono::nanoseconds> SimChipServer::drive(std::uint32_t line,
                                                             std::optional<bool> level) {
  if (line >= levels_.size()) {
    throw std::out_of_range("sim gpio chip " + socket_path_ + ": no line " + std::to_string(line));
  }
  std::lock_guard lock(mutex_);
  const bool before = physical_locked(line);
  driven_[line] = level.has_value();
  if (level) levels_[line] = *level;
  if (physical_locked(line) == before) return std::nullopt;
  // Stamped under the lock and right before the write, so edges on the wire
  // are in timestamp order and carry the time they were emitted.
  const auto now = monotonic_now();
  const LineRequest& r = requests_[line];
  if (client_fd_ >= 0 && r.requested && !r.output) {
    send_locked(proto::encode(
        proto::Edge{line, logical_locked(line), static_cast<std::uint64_t>(now.count())}));
  }
  return now;
}

void SimChipServer::drive_frame(std::span<const TimedLevel> changes) {
  for (const auto& c : changes) {
    if (c.line >= levels_.size()) {
      throw std::out_of_range("sim gpio chip " + socket_path_ + ": no line " +
                              std::to_string(c.line));
    }
  }
  std::lock_guard lock(mutex_);
  std::vector<std::uint8_t> bytes;
  for (const auto& c : changes) {
    const bool before = physical_locked(c.line);
    driven_[c.line] = true;
    levels_[c.line] = c.level;
    if (physical_locked(c.line) == before) continue;
    const LineRequest& r = requests_[c.line];
    if (client_fd_ < 0 || !r.requested || r.output) continue;
    const auto edge = proto::encode(
        proto::Edge{c.line, logical_locked(c.line), static_cast<std::uint64_t>(c.at.count())});
    bytes.insert(bytes.end(), edge.begin(), edge.end());
  }
  if (!bytes.empty()) send_locked(bytes);
}

bool SimChipServer::physical_locked(std::uint32_t line) const {
  if (driven_[line]) return levels_[line];
  switch (static_cast<proto::WireBias>(requests_[line].bias)) {
    case proto::WireBias::pull_up:
      return true;
    case proto::WireBias::pull_down:
      return false;
    default:
      return levels_[line];  // as is: a floating line keeps what it last read
  }
}

bool SimChipServer::logical_locked(std::uint32_t line) const {
  return physical_locked(line) != requests_[line].active_low;
}

bool SimChipServer::level(std::uint32_t line) const {
  std::lock_guard lock(mutex_);
  return line < levels_.size() && physical_locked(line);
}

bool SimChipServer::client_connected() const {
  std::lock_guard lock(mutex_);
  return client_fd_ >= 0;
}

bool SimChipServer::wait_for_client(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!client_connected()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

bool SimChipServer::inject_bytes(std::span<const std::uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  return client_fd_ >= 0 && send_locked(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

bool SimChipServer::send_locked(const std::vector<std::uint8_t>& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(client_fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Only the server thread closes the fd (it may be polling it); shutting
      // it down makes that poll see the hang-up.
      ::shutdown(client_fd_, SHUT_RDWR);
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void SimChipServer::run() {
  proto::FrameDecoder decoder;
  std::array<std::uint8_t, 4096> buf{};
  while (!stopping_) {
    const int client = client_fd_;  // only this thread changes it
    std::array<pollfd, 3> fds{pollfd{wake_fd_, POLLIN, 0}, pollfd{listen_fd_, POLLIN, 0},
                              pollfd{client, POLLIN, 0}};
    const nfds_t count = client >= 0 ? 3 : 2;
    if (::poll(fds.data(), count, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    if (fds[1].revents & POLLIN) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        // A daemon that stops reading must not stall the sim's door and reader traffic.
        timeval timeout{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        std::lock_guard lock(mutex_);
        if (client_fd_ >= 0) ::close(client_fd_);  // newest daemon wins
        client_fd_ = fd;
        decoder.reset();
        // A new daemon requests its lines afresh; levels stay as wired.
        for (std::uint32_t i = 0; i < levels_.size(); ++i) {
          if (!driven_[i]) levels_[i] = physical_locked(i);
          requests_[i] = LineRequest{};
        }
        send_locked(proto::encode(
            proto::Hello{proto::kVersion, static_cast<std::uint32_t>(levels_.size())}));
      }
      continue;  // the client fd may have changed
    }
    if (count < 3 || fds[2].revents == 0) continue;
    const ssize_t n = ::read(client, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::lock_guard lock(mutex_);
      ::close(client_fd_);
      client_fd_ = -1;
      continue;
    }
    const auto before = decoder.corrupt_frames();
    decoder.push(std::span(buf.data(), static_cast<std::size_t>(n)));
    while (auto message = decoder.next()) handle(*message);
    corrupt_ += decoder.corrupt_frames() - before;
  }
}

void SimChipServer::handle(const proto::Message& message) {
  OutputHandler handler;
  std::uint32_t line = 0;
  bool changed = false;
  bool value = false;
  {
    std::lock_guard lock(mutex_);
    if (const auto* set = std::get_if<proto::Set>(&message); set && set->line < levels_.size()) {
      line = set->line;
      const bool before = physical_locked(line);
      levels_[line] = set->value != requests_[line].active_low;
      driven_[line] = true;
      changed = physical_locked(line) != before;
    } else if (const auto* r = std::get_if<proto::Request>(&message);
               r && r->line < levels_.size()) {
      line = r->line;
      const bool before = physical_locked(line);
      const bool output = r->direction == proto::Direction::output;
      requests_[line] =
          LineRequest{true, output, r->active_low, static_cast<std::uint8_t>(r->bias)};
      if (output) {
        levels_[line] = r->initial != r->active_low;
        driven_[line] = true;
        changed = physical_locked(line) != before;
      } else {
        // The reply a kernel chip gives by reading the line after the
        // request: its level now, with the wiring applied.
        send_locked(proto::encode(proto::Level{
            line, logical_locked(line), static_cast<std::uint64_t>(monotonic_now().count())}));
      }
    } else {
      ++corrupt_;  // the daemon only sends set and request frames for lines we have
      return;
    }
    if (changed) {
      handler = output_handler_;
      value = physical_locked(line);
    }
  }
  if (handler) handler(line, value);
}

}  // namespace vigil::sim
