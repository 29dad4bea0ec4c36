#include "vigil/sim/rtu_line.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <system_error>
#include <thread>

#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::sim {
namespace rtu_line_impl {
[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "rtu line: " + what);
}
}  // namespace rtu_line_impl
namespace {

void make_raw(int fd) {
  termios tios{};
  ::tcgetattr(fd, &tios);
  ::cfmakeraw(&tios);
  ::tcsetattr(fd, TCSANOW, &tios);
}

void write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the line drops what nobody can take
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

RtuLine::RtuLine(const std::vector<ModbusIoServer*>& modules, int wire_baud)
    : wire_baud_(wire_baud) {
  auto cleanup = [this] {
    for (int fd : module_fds_) ::close(fd);
    for (int fd : {master_fd_, slave_fd_, wake_fd_})
      if (fd >= 0) ::close(fd);
  };
  try {
    master_fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_fd_ < 0) rtu_line_impl::throw_errno("posix_openpt");
    std::array<char, 128> name{};
    if (::grantpt(master_fd_) != 0 || ::unlockpt(master_fd_) != 0 ||
        ::ptsname_r(master_fd_, name.data(), name.size()) != 0) {
      rtu_line_impl::throw_errno("grantpt/unlockpt/ptsname");
    }
    device_path_ = name.data();
    ::fcntl(master_fd_, F_SETFL, ::fcntl(master_fd_, F_GETFL) | O_NONBLOCK);
    slave_fd_ = ::open(device_path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave_fd_ < 0) rtu_line_impl::throw_errno("open " + device_path_);
    make_raw(slave_fd_);
    for (ModbusIoServer* m : modules) {
      // Non-blocking: a powered-off module's full buffer must not stall the line.
      const int fd = ::open(m->device_path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) rtu_line_impl::throw_errno("open " + m->device_path());
      make_raw(fd);
      module_fds_.push_back(fd);
      module_units_.push_back(m->unit_id());
    }
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) rtu_line_impl::throw_errno("eventfd");
  } catch (...) {
    cleanup();
    throw;
  }
  thread_ = std::thread([this] { relay(); });
}

RtuLine::~RtuLine() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  for (int fd : module_fds_) ::close(fd);
  for (int fd : {master_fd_, slave_fd_, wake_fd_}) ::close(fd);
}

void RtuLine::relay() {
  std::vector<pollfd> fds;
  fds.push_back({wake_fd_, POLLIN, 0});
  fds.push_back({master_fd_, POLLIN, 0});
  for (int fd : module_fds_) fds.push_back({fd, POLLIN, 0});
  std::array<std::uint8_t, 512> buffer{};
  // Holds `n` bytes for their time on a real line at wire_baud_.
  auto pace = [this](ssize_t n) {
    if (wire_baud_ > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(n * 10 * 1'000'000 / wire_baud_));
    }
  };
  // The frame in progress goes where its first byte (the unit id) says; a
  // chunk after an answer, or after a silence of more than 1.5 ms, starts a
  // new frame.
  auto last_byte = std::chrono::steady_clock::time_point{};
  int target = -1;
  bool answered = true;
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    if ((fds[1].revents & POLLIN) != 0) {
      const auto n = ::read(master_fd_, buffer.data(), buffer.size());
      if (n > 0) {
        from_master_ += static_cast<std::uint64_t>(n);
        const auto arrived = std::chrono::steady_clock::now();
        if (answered || arrived - last_byte > std::chrono::microseconds(1500)) {
          answered = false;
          ++frames_;
          target = -1;
          for (std::size_t m = 0; m < module_units_.size(); ++m) {
            if (module_units_[m] == buffer[0]) target = module_fds_[m];
          }
        }
        pace(n);
        // The gap to the next chunk counts from when this one left the wire.
        last_byte = std::chrono::steady_clock::now();
        if (target >= 0) write_all(target, buffer.data(), static_cast<std::size_t>(n));
      }
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) == 0) continue;
      const auto n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n <= 0) continue;
      answered = true;
      to_master_ += static_cast<std::uint64_t>(n);
      pace(n);
      write_all(master_fd_, buffer.data(), static_cast<std::size_t>(n));
    }
  }
}

}  // namespace vigil::sim
