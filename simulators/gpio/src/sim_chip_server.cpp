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

SimChipServer::SimChipServer(std::string socket_path, std::uint32_t line_count)
    : socket_path_(std::move(socket_path)), levels_(line_count, false) {
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
  if (line >= levels_.size()) {
    throw std::out_of_range("sim gpio chip " + socket_path_ + ": no line " + std::to_string(line));
  }
  std::lock_guard lock(mutex_);
  if (levels_[line] == level) return std::nullopt;
  levels_[line] = level;
  // Stamped under the lock and right before the write, so edges on the wire
  // are in timestamp order and carry the time they were emitted.
  const auto now = monotonic_now();
  if (client_fd_ >= 0) {
    send_locked(proto::encode(proto::Edge{line, level, static_cast<std::uint64_t>(now.count())}));
  }
  return now;
}

bool SimChipServer::level(std::uint32_t line) const {
  std::lock_guard lock(mutex_);
  return line < levels_.size() && levels_[line];
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
        std::vector<std::uint8_t> hello;
        proto::encode(proto::Hello{proto::kVersion, static_cast<std::uint32_t>(levels_.size())},
                      hello);
        for (std::uint32_t i = 0; i < levels_.size(); ++i) {
          proto::encode(proto::Level{i, levels_[i]}, hello);
        }
        send_locked(hello);
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
    while (auto message = decoder.next()) {
      const auto* set = std::get_if<proto::Set>(&*message);
      if (set == nullptr || set->line >= levels_.size()) {
        ++corrupt_;  // the daemon only ever sends set frames for lines we have
        continue;
      }
      OutputHandler handler;
      {
        std::lock_guard lock(mutex_);
        if (levels_[set->line] == set->value) continue;
        levels_[set->line] = set->value;
        handler = output_handler_;
      }
      if (handler) handler(set->line, set->value);
    }
    corrupt_ += decoder.corrupt_frames() - before;
  }
}

}  // namespace vigil::sim
