#include "vigil/gpio/sim_gpio_chip.hpp"

#include "sim_gpio_loop.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace vigil::gpio {
namespace {

namespace proto = sim_protocol;

bool send_all(int fd, const std::vector<std::uint8_t>& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

proto::Request request_frame(std::uint32_t line, proto::Direction direction,
                             const LineSettings& settings, bool initial) {
  return proto::Request{line, direction, settings.active_low,
                        static_cast<proto::WireBias>(settings.bias), initial};
}

std::chrono::nanoseconds monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

SimGpioChip::SimGpioChip(Options options) : options_(std::move(options)) {
  if (options_.socket_path.empty() ||
      options_.socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw std::invalid_argument("sim gpio chip: socket path '" + options_.socket_path +
                                "' is empty or longer than a Unix socket path may be");
  }
}

SimGpioChip::~SimGpioChip() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void SimGpioChip::request_input(std::uint32_t line, const LineSettings& settings) {
  if (thread_.joinable() || loop_) {
    throw std::logic_error("sim gpio chip: request_input after start");
  }
  inputs_[line] = settings;
  debouncer_.configure(line, settings.debounce);
}

void SimGpioChip::request_output(std::uint32_t line, bool initial, const LineSettings& settings) {
  if (thread_.joinable() || loop_) {
    throw std::logic_error("sim gpio chip: request_output after start");
  }
  std::lock_guard lock(mutex_);
  outputs_[line] = Output{initial, settings};
}

void SimGpioChip::on_edge(EdgeHandler handler) {
  edge_handler_ = std::move(handler);
}
void SimGpioChip::on_level(LevelHandler handler) {
  level_handler_ = std::move(handler);
}
void SimGpioChip::on_status(StatusHandler handler) {
  status_handler_ = std::move(handler);
}

void SimGpioChip::start() {
  if (thread_.joinable() || loop_) throw std::logic_error("sim gpio chip: started twice");
  if (wake_fd_ < 0) {
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void SimGpioChip::stop() {
  if (loop_) {
    if (!stopping_) asio_stop();
    return;
  }
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
}

SetStatus SimGpioChip::set_output(std::uint32_t line, bool value) {
  std::lock_guard lock(mutex_);
  auto it = outputs_.find(line);
  if (it == outputs_.end()) return SetStatus::not_an_output;
  it->second.value = value;
  if (fd_ < 0) return SetStatus::pending;
  // A failed send leaves the level recorded: the reader thread sees the broken
  // connection, reconnects and re-sends it.
  return send_all(fd_, proto::encode(proto::Set{line, value})) ? SetStatus::applied
                                                               : SetStatus::pending;
}

std::optional<bool> SimGpioChip::input_level(std::uint32_t line) const {
  std::lock_guard lock(mutex_);
  auto it = levels_.find(line);
  if (it == levels_.end()) return std::nullopt;
  return it->second;
}

ChipStats SimGpioChip::stats() const {
  return ChipStats{edges_.load(), corrupt_.load(), unknown_.load(), connects_.load()};
}

int SimGpioChip::connect_once() const {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, options_.socket_path.c_str(), options_.socket_path.size() + 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SimGpioChip::wait_backoff(std::chrono::milliseconds delay) {
  pollfd p{wake_fd_, POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(delay.count()));
  return !stopping_;
}

void SimGpioChip::set_online(bool online, const std::string& detail) {
  if (online_.exchange(online) == online) return;
  if (status_handler_) status_handler_(online, detail);
}

void SimGpioChip::run() {
  auto backoff = options_.reconnect_min;
  while (!stopping_) {
    const int fd = connect_once();
    if (fd < 0) {
      if (!wait_backoff(backoff)) break;
      backoff = std::min(backoff * 2, options_.reconnect_max);
      continue;
    }
    backoff = options_.reconnect_min;
    serve_connection(fd);
    // A sim that accepts and drops us at once must not make this a busy loop.
    if (!wait_backoff(options_.reconnect_min)) break;
  }
}

void SimGpioChip::begin_connection(int fd) {
  {
    std::lock_guard lock(mutex_);
    fd_ = fd;
    // Requests before anything else: the sim applies each line's wiring and
    // answers every input with its level.
    std::vector<std::uint8_t> frames;
    for (const auto& [line, settings] : inputs_) {
      proto::encode(request_frame(line, proto::Direction::input, settings, false), frames);
    }
    for (const auto& [line, out] : outputs_) {
      proto::encode(request_frame(line, proto::Direction::output, out.settings, out.value), frames);
    }
    if (!frames.empty()) send_all(fd, frames);
  }
  hello_seen_ = false;
  debouncer_.drop_held();
  awaiting_levels_.clear();
  for (const auto& [line, settings] : inputs_) awaiting_levels_.insert(line);
  ++connects_;
  decoder_ = proto::FrameDecoder{};
  seen_corrupt_ = 0;
  seen_unknown_ = 0;
}

bool SimGpioChip::read_ready(int fd, std::string& detail) {
  std::array<std::uint8_t, 4096> buf{};
  ssize_t n = -1;
  do {
    n = ::read(fd, buf.data(), buf.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
  if (n <= 0) {
    detail = n == 0 ? "sim closed the connection" : std::string("read: ") + std::strerror(errno);
    return false;
  }
  decoder_.push(std::span(buf.data(), static_cast<std::size_t>(n)));
  bool keep = true;
  while (auto message = decoder_.next()) {
    if (const auto* hello = std::get_if<proto::Hello>(&*message);
        hello && hello->version != proto::kVersion) {
      detail = "sim speaks protocol version " + std::to_string(hello->version) + ", expected " +
               std::to_string(proto::kVersion);
      keep = false;
      break;
    }
    dispatch(*message);
  }
  corrupt_ += decoder_.corrupt_frames() - seen_corrupt_;
  unknown_ += decoder_.unknown_frames() - seen_unknown_;
  seen_corrupt_ = decoder_.corrupt_frames();
  seen_unknown_ = decoder_.unknown_frames();
  return keep;
}

void SimGpioChip::end_connection(int fd, const std::string& detail) {
  {
    std::lock_guard lock(mutex_);
    fd_ = -1;
  }
  ::close(fd);
  set_online(false, detail);
}

void SimGpioChip::serve_connection(int fd) {
  begin_connection(fd);
  std::string detail = "stopped";
  while (!stopping_) {
    std::array<pollfd, 2> fds{pollfd{fd, POLLIN, 0}, pollfd{wake_fd_, POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms());
    if (ready < 0) {
      if (errno == EINTR) continue;
      detail = std::string("poll: ") + std::strerror(errno);
      break;
    }
    if (fds[1].revents != 0) break;
    deliver(debouncer_.poll(monotonic_now()));
    if (fds[0].revents == 0) continue;
    if (!read_ready(fd, detail)) break;
  }
  end_connection(fd, detail);
}

int SimGpioChip::poll_timeout_ms() const {
  const auto next = debouncer_.next_deadline();
  if (!next) return -1;
  const auto wait = *next - monotonic_now();
  if (wait.count() <= 0) return 0;
  // Round up: waking a little late is fine, waking early spins.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
}

void SimGpioChip::deliver(const std::vector<EdgeEvent>& edges) {
  for (const auto& edge : edges) {
    {
      std::lock_guard lock(mutex_);
      levels_[edge.line] = edge.rising;
    }
    ++edges_;
    if (edge_handler_) edge_handler_(edge);
  }
}

void SimGpioChip::dispatch(const sim_protocol::Message& message) {
  if (const auto* edge = std::get_if<proto::Edge>(&message)) {
    // Like a kernel chip, only requested lines report edges.
    if (!inputs_.contains(edge->line)) return;
    deliver(debouncer_.on_edge(
        EdgeEvent{edge->line, edge->rising,
                  std::chrono::nanoseconds(static_cast<std::int64_t>(edge->timestamp_ns))}));
  } else if (const auto* level = std::get_if<proto::Level>(&message)) {
    // Only the reply to this connection's request is an initial level.
    if (awaiting_levels_.erase(level->line) == 0) {
      ++unknown_;
      return;
    }
    debouncer_.reset(level->line, level->value);
    {
      std::lock_guard lock(mutex_);
      levels_[level->line] = level->value;
    }
    if (level_handler_) {
      level_handler_(
          LevelReport{level->line, level->value,
                      std::chrono::nanoseconds(static_cast<std::int64_t>(level->timestamp_ns))});
    }
    if (hello_seen_ && awaiting_levels_.empty()) {
      set_online(true, "connected to " + options_.socket_path);
    }
  } else if (std::holds_alternative<proto::Hello>(message)) {
    hello_seen_ = true;
    if (awaiting_levels_.empty()) set_online(true, "connected to " + options_.socket_path);
  } else {
    ++unknown_;  // set and request frames travel daemon -> sim only
  }
}

}  // namespace vigil::gpio
