#include "vigil/sim/modbus_io_server.hpp"

#include <fcntl.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace vigil::sim {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "modbus sim: " + what);
}

int open_listener(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("socket");
  // Lets start() rebind the same port right after stop() left connections in TIME_WAIT.
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    throw_errno("bind/listen on 127.0.0.1:" + std::to_string(port));
  }
  return fd;
}

std::uint16_t bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) throw_errno("getsockname");
  return ntohs(addr.sin_port);
}

// A pty stands in for the RS-485 line. The client (libmodbus RTU) opens the
// slave path like any serial port; the server reads and writes the master fd.
// The server also keeps the slave open itself: with no slave open, reads on
// the master fail with EIO and poll() reports a hangup in a tight loop.
void open_pty(int& master, int& slave, std::string& path) {
  master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) throw_errno("posix_openpt");
  std::array<char, 128> name{};
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0 ||
      ::ptsname_r(master, name.data(), name.size()) != 0) {
    const int err = errno;
    ::close(master);
    errno = err;
    throw_errno("grantpt/unlockpt/ptsname");
  }
  path = name.data();
  slave = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    const int err = errno;
    ::close(master);
    errno = err;
    throw_errno("open " + path);
  }
  // Raw line: no echo, no CR/NL mapping, no flow control bytes. libmodbus sets
  // the same when the client connects; this covers the time before that.
  termios tios{};
  ::tcgetattr(slave, &tios);
  ::cfmakeraw(&tios);
  ::tcsetattr(slave, TCSANOW, &tios);
}

void drain(int fd) {
  std::array<std::uint8_t, 512> junk{};
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  while (::read(fd, junk.data(), junk.size()) > 0) {
  }
  ::fcntl(fd, F_SETFL, flags);
}

// Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF), low byte first on the wire.
std::uint16_t crc16(const std::uint8_t* data, std::size_t size) {
  std::uint16_t crc = 0xFFFF;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001)
                           : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

ModbusIoServer::ModbusIoServer(ModbusIoServerOptions options) : options_(options) {
  if (options_.coil_count < 1 || options_.input_count < 1) {
    throw std::invalid_argument("modbus sim: needs at least one coil and one input");
  }
  try {
    const bool tcp = options_.transport == ModbusSimTransport::tcp;
    // The context only frames and parses; the sockets and the pty are ours,
    // so modbus_close() is never called on it.
    ctx_ = tcp ? modbus_new_tcp("127.0.0.1", options_.port)
               : modbus_new_rtu("/dev/null", 115200, 'N', 8, 1);
    if (ctx_ == nullptr) throw_errno("modbus_new");
    modbus_set_slave(ctx_, tcp ? MODBUS_TCP_SLAVE : options_.unit_id);
    if (std::getenv("VIGIL_SIM_DEBUG")) modbus_set_debug(ctx_, 1);
    // Holding registers exist only where the watchdog lives, as on a module
    // whose register map has nothing else there.
    const int bitmap = (options_.coil_count + 15) / 16;
    const int first = std::min(options_.watchdog_timeout_register, options_.watchdog_safe_register);
    const int last =
        std::max(options_.watchdog_timeout_register, options_.watchdog_safe_register + bitmap - 1);
    const bool overlap =
        options_.watchdog_timeout_register >= options_.watchdog_safe_register &&
        options_.watchdog_timeout_register < options_.watchdog_safe_register + bitmap;
    if (first < 0 || last > 0xFFFF || overlap) {
      throw std::invalid_argument("modbus sim: watchdog registers overlap or out of range");
    }
    mapping_ = modbus_mapping_new_start_address(
        0, static_cast<unsigned>(options_.coil_count), 0,
        static_cast<unsigned>(options_.input_count), static_cast<unsigned>(first),
        static_cast<unsigned>(last - first + 1), 0,
        static_cast<unsigned>(options_.input_register_count));
    if (mapping_ == nullptr) throw_errno("modbus_mapping_new");
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw_errno("eventfd");
    if (!tcp) open_pty(pty_master_fd_, pty_slave_fd_, device_path_);
    port_ = options_.port;
    start();
  } catch (...) {
    release();
    throw;
  }
}

ModbusIoServer::~ModbusIoServer() {
  stop();
  release();
}

void ModbusIoServer::release() {
  close_fd(listen_fd_);
  close_fd(pty_master_fd_);
  close_fd(pty_slave_fd_);
  close_fd(wake_fd_);
  if (mapping_ != nullptr) modbus_mapping_free(mapping_);
  if (ctx_ != nullptr) modbus_free(ctx_);
  mapping_ = nullptr;
  ctx_ = nullptr;
}

void ModbusIoServer::start() {
  if (thread_.joinable()) return;
  if (options_.transport == ModbusSimTransport::tcp) {
    listen_fd_ = open_listener(port_);
    port_ = bound_port(listen_fd_);
  } else {
    drain(pty_master_fd_);  // requests sent to a powered-off module are lost
  }
  {
    // Power-on state: relays released. Inputs are the physical world and stay.
    std::lock_guard lock(mapping_mutex_);
    std::fill_n(mapping_->tab_bits, mapping_->nb_bits, 0);
  }
  std::uint64_t counter = 0;
  while (::read(wake_fd_, &counter, sizeof counter) > 0) {
  }
  last_request_ = std::chrono::steady_clock::now();  // the watchdog timer starts at power-on
  tripped_ = false;
  stopping_ = false;
  thread_ = std::thread([this] { serve(); });
}

void ModbusIoServer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  close_connections();
  close_fd(listen_fd_);
}

bool ModbusIoServer::running() const {
  return thread_.joinable() && !stopping_;
}

void ModbusIoServer::check_index(int index, int count, const char* what) const {
  if (index < 0 || index >= count) {
    throw std::out_of_range(std::string("modbus sim: ") + what + " " + std::to_string(index) +
                            " out of range");
  }
}

bool ModbusIoServer::coil(int index) const {
  check_index(index, options_.coil_count, "coil");
  std::lock_guard lock(mapping_mutex_);
  return mapping_->tab_bits[index] != 0;
}

std::vector<bool> ModbusIoServer::coils() const {
  std::lock_guard lock(mapping_mutex_);
  return std::vector<bool>(mapping_->tab_bits, mapping_->tab_bits + mapping_->nb_bits);
}

bool ModbusIoServer::input(int index) const {
  check_index(index, options_.input_count, "input");
  std::lock_guard lock(mapping_mutex_);
  return mapping_->tab_input_bits[index] != 0;
}

std::vector<bool> ModbusIoServer::inputs() const {
  std::lock_guard lock(mapping_mutex_);
  return std::vector<bool>(mapping_->tab_input_bits,
                           mapping_->tab_input_bits + mapping_->nb_input_bits);
}

void ModbusIoServer::set_input(int index, bool value) {
  check_index(index, options_.input_count, "input");
  std::lock_guard lock(mapping_mutex_);
  mapping_->tab_input_bits[index] = value ? 1 : 0;
}

void ModbusIoServer::set_input_register(int index, std::uint16_t value) {
  check_index(index, options_.input_register_count, "input register");
  std::lock_guard lock(mapping_mutex_);
  mapping_->tab_input_registers[index] = value;
}

void ModbusIoServer::on_coil_change(std::function<void(int index, bool value)> callback) {
  std::lock_guard lock(mapping_mutex_);
  on_coil_change_ = std::move(callback);
}

void ModbusIoServer::close_connections() {
  for (int& fd : connections_) close_fd(fd);
  connections_.clear();
}

void ModbusIoServer::serve() {
  const bool tcp = options_.transport == ModbusSimTransport::tcp;
  std::vector<pollfd> fds;
  while (!stopping_) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({tcp ? listen_fd_ : pty_master_fd_, POLLIN, 0});
    for (int fd : connections_) fds.push_back({fd, POLLIN, 0});
    check_watchdog();
    if (::poll(fds.data(), fds.size(), poll_timeout_ms()) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0 || stopping_) return;

    if (fds[1].revents != 0) {
      if (!tcp) {
        handle_request(pty_master_fd_);
      } else if (const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC); fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        connections_.push_back(fd);
      }
    }
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0 || handle_request(fds[i].fd)) continue;
      auto it = std::find(connections_.begin(), connections_.end(), fds[i].fd);
      close_fd(*it);
      connections_.erase(it);
    }
  }
}

// Serves one request from `fd`; false when the TCP peer is gone.
bool ModbusIoServer::handle_request(int fd) {
  const bool tcp = options_.transport == ModbusSimTransport::tcp;
  std::array<std::uint8_t, MODBUS_MAX_ADU_LENGTH> request{};
  modbus_set_socket(ctx_, fd);
  const int length = modbus_receive(ctx_, request.data());
  if (length == 0) return true;  // addressed to another unit on the line
  if (length < 0) {
    if (tcp) return false;  // peer closed, or a frame too broken to resync on a stream
    modbus_flush(ctx_);     // rtu: drop the rest of the noise, wait for the next frame
    return true;
  }
  if (offline_) return true;
  // Any request the module hears feeds (and after a trip, re-arms) the watchdog.
  last_request_ = std::chrono::steady_clock::now();
  tripped_ = false;

  if (corrupt_) {
    // An echo of the request with one byte flipped: the right length, the
    // right function code, and still a frame the client must reject.
    std::uint8_t* flip = tcp ? &request[1] : &request[static_cast<std::size_t>(length) - 1];
    *flip ^= 0xFF;
    [[maybe_unused]] const auto n =
        tcp ? ::send(fd, request.data(), static_cast<std::size_t>(length), MSG_NOSIGNAL)
            : ::write(fd, request.data(), static_cast<std::size_t>(length));
    return true;
  }

  if (malformed_) {
    // A proper frame with the right length: from the next unit up on RTU (so
    // the CRC is recomputed and only the address is wrong), with a changed
    // transaction id on TCP.
    if (tcp) {
      request[1] ^= 0x5A;
    } else {
      request[0] = static_cast<std::uint8_t>(request[0] % 247 + 1);
      const std::uint16_t crc = crc16(request.data(), static_cast<std::size_t>(length) - 2);
      request[static_cast<std::size_t>(length) - 2] = static_cast<std::uint8_t>(crc & 0xFF);
      request[static_cast<std::size_t>(length) - 1] = static_cast<std::uint8_t>(crc >> 8);
    }
    [[maybe_unused]] const auto n =
        tcp ? ::send(fd, request.data(), static_cast<std::size_t>(length), MSG_NOSIGNAL)
            : ::write(fd, request.data(), static_cast<std::size_t>(length));
    return true;
  }

  const int function = request[static_cast<std::size_t>(modbus_get_header_length(ctx_))];
  if (read_exception_ && function >= MODBUS_FC_READ_COILS &&
      function <= MODBUS_FC_READ_INPUT_REGISTERS) {
    if (modbus_reply_exception(ctx_, request.data(), MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE) <
            0 &&
        tcp) {
      return false;
    }
    ++answered_;
    return true;
  }
  const bool coil_write =
      function == MODBUS_FC_WRITE_SINGLE_COIL || function == MODBUS_FC_WRITE_MULTIPLE_COILS;
  if (coil_write && coil_write_fault_ == CoilWriteFault::no_answer) return true;
  if (coil_write && coil_write_fault_ == CoilWriteFault::exception) {
    if (modbus_reply_exception(ctx_, request.data(), MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE) <
            0 &&
        tcp) {
      return false;
    }
    ++answered_;
    return true;
  }

  std::vector<std::pair<int, bool>> changed;
  std::function<void(int, bool)> callback;
  {
    std::lock_guard lock(mapping_mutex_);
    const std::vector<std::uint8_t> before(mapping_->tab_bits,
                                           mapping_->tab_bits + mapping_->nb_bits);
    if (modbus_reply(ctx_, request.data(), length, mapping_) < 0 && tcp) return false;
    for (int i = 0; i < mapping_->nb_bits; ++i) {
      if (mapping_->tab_bits[i] != before[static_cast<std::size_t>(i)]) {
        changed.emplace_back(i, mapping_->tab_bits[i] != 0);
      }
    }
    callback = on_coil_change_;
  }
  ++answered_;
  if (callback) {
    for (const auto& [index, value] : changed) callback(index, value);
  }
  return true;
}

}  // namespace vigil::sim
