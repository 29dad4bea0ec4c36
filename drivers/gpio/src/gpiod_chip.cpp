#include <utility>  // Boost 1.74 Asio needs it first under C++20

#include "vigil/gpio/gpiod_chip.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <gpiod.hpp>
#include <map>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace vigil::gpio {
namespace {

std::bitset<32> flags_for(const LineSettings& s) {
  std::bitset<32> flags;
  if (s.active_low) flags |= gpiod::line_request::FLAG_ACTIVE_LOW;
  switch (s.bias) {
    case Bias::as_is:
      break;
    case Bias::disabled:
      flags |= gpiod::line_request::FLAG_BIAS_DISABLE;
      break;
    case Bias::pull_up:
      flags |= gpiod::line_request::FLAG_BIAS_PULL_UP;
      break;
    case Bias::pull_down:
      flags |= gpiod::line_request::FLAG_BIAS_PULL_DOWN;
      break;
  }
  return flags;
}

}  // namespace
namespace gpiod_chip_impl {
std::chrono::nanoseconds monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}
}  // namespace gpiod_chip_impl

struct GpiodChip::RequestedLines {
  gpiod::chip chip;
  std::vector<gpiod::line> inputs;
  std::map<std::uint32_t, gpiod::line> outputs;
};

// Event-loop mode: each input line's event fd (a dup, so libgpiod keeps
// its own) is a stream_descriptor read when readable; no thread, no poll().
struct GpiodChip::Loop {
  explicit Loop(boost::asio::io_context& io) : io(io), retry(io), debounce(io) {}
  boost::asio::io_context& io;
  boost::asio::steady_timer retry;
  boost::asio::steady_timer debounce;
  std::vector<std::unique_ptr<boost::asio::posix::stream_descriptor>> lines;
};

GpiodChip::GpiodChip(Options options) : options_(std::move(options)) {}

GpiodChip::~GpiodChip() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void GpiodChip::request_input(std::uint32_t line, const LineSettings& settings) {
  if (started_) throw std::logic_error("gpiod chip: request_input after start");
  // Asking twice for one line must not become a second kernel request, which
  // the kernel would refuse as busy: the last settings win.
  inputs_[line] = settings;
  debouncer_.configure(line, settings.debounce);
}

void GpiodChip::request_output(std::uint32_t line, bool initial, const LineSettings& settings) {
  if (started_) throw std::logic_error("gpiod chip: request_output after start");
  outputs_[line] = Output{initial, settings};
}

void GpiodChip::on_edge(EdgeHandler handler) {
  edge_handler_ = std::move(handler);
}
void GpiodChip::on_level(LevelHandler handler) {
  level_handler_ = std::move(handler);
}
void GpiodChip::on_status(StatusHandler handler) {
  status_handler_ = std::move(handler);
}

void GpiodChip::start() {
  if (started_) throw std::logic_error("gpiod chip: started twice");
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(),
                            "gpiod chip '" + options_.chip + "': eventfd");
  }
  started_ = true;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void GpiodChip::stop() {
  if (loop_) {
    // Event-loop mode: cancel the waits, release the lines (and their fds).
    stopping_ = true;
    loop_->retry.cancel();
    loop_->debounce.cancel();
    loop_->lines.clear();
    std::lock_guard lock(mutex_);
    lines_.reset();
    return;
  }
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  std::lock_guard lock(mutex_);
  lines_.reset();  // releases every line with the chip
}

SetStatus GpiodChip::set_output(std::uint32_t line, bool value) {
  std::lock_guard lock(mutex_);
  auto out = outputs_.find(line);
  if (out == outputs_.end()) return SetStatus::not_an_output;
  out->second.value = value;  // requested with this level when the chip comes (back)
  if (!lines_) return SetStatus::pending;
  auto it = lines_->outputs.find(line);
  if (it == lines_->outputs.end()) return SetStatus::pending;
  try {
    it->second.set_value(value ? 1 : 0);
    return SetStatus::applied;
  } catch (const std::exception&) {
    return SetStatus::failed;
  }
}

std::optional<bool> GpiodChip::input_level(std::uint32_t line) const {
  std::lock_guard lock(mutex_);
  if (!lines_) return std::nullopt;
  for (const auto& l : lines_->inputs) {
    if (l.offset() != line) continue;
    try {
      return l.get_value() != 0;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

ChipStats GpiodChip::stats() const {
  return ChipStats{edges_.load(), 0, 0, 0};
}

void GpiodChip::set_online(bool online, const std::string& detail) {
  if (online_.exchange(online) == online) return;
  if (status_handler_) status_handler_(online, detail);
}

bool GpiodChip::wait(std::chrono::milliseconds delay) {
  pollfd p{wake_fd_, POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(delay.count()));
  return !stopping_;
}

bool GpiodChip::open_lines(std::string& error) {
  const std::string what = "gpiod chip '" + options_.chip + "'";
  std::vector<LevelReport> initial;
  try {
    auto lines = std::make_unique<RequestedLines>(
        RequestedLines{gpiod::chip(options_.chip, gpiod::chip::OPEN_LOOKUP), {}, {}});
    for (const auto& [offset, settings] : inputs_) {
      gpiod::line line = lines->chip.get_line(offset);
      line.request({options_.consumer, gpiod::line_request::EVENT_BOTH_EDGES, flags_for(settings)});
      lines->inputs.push_back(line);
    }
    std::lock_guard lock(mutex_);
    for (const auto& [offset, out] : outputs_) {
      gpiod::line line = lines->chip.get_line(offset);
      line.request(
          {options_.consumer, gpiod::line_request::DIRECTION_OUTPUT, flags_for(out.settings)},
          out.value ? 1 : 0);
      lines->outputs.emplace(offset, line);
    }
    // Read after requesting with events on: an edge between the two is
    // queued and, if it repeats the level read, dropped by the debouncer.
    for (const auto& line : lines->inputs) {
      initial.push_back(LevelReport{static_cast<std::uint32_t>(line.offset()),
                                    line.get_value() != 0, gpiod_chip_impl::monotonic_now()});
    }
    lines_ = std::move(lines);
  } catch (const std::exception& e) {
    error = what + ": " + e.what();  // lines requested so far are released with the chip
    return false;
  }
  for (const auto& report : initial) {
    debouncer_.reset(report.line, report.value);
    if (level_handler_) level_handler_(report);
  }
  set_online(true, what + " opened");
  return true;
}

void GpiodChip::deliver(const std::vector<EdgeEvent>& edges) {
  for (const auto& edge : edges) {
    ++edges_;
    if (edge_handler_) edge_handler_(edge);
  }
}

void GpiodChip::run() {
  std::string last_error;
  while (!stopping_) {
    std::string error;
    if (open_lines(error)) {
      serve();
      return;
    }
    if (error != last_error) {
      // Offline from the start: reported once per distinct failure, not
      // once per retry.
      online_ = false;
      if (status_handler_) status_handler_(false, error);
      last_error = error;
    }
    if (!wait(options_.retry_period)) return;
  }
}

void GpiodChip::serve() {
  std::vector<pollfd> fds;
  {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_->inputs) fds.push_back(pollfd{line.event_get_fd(), POLLIN, 0});
  }
  fds.push_back(pollfd{wake_fd_, POLLIN, 0});
  while (!stopping_) {
    int timeout = -1;
    if (const auto next = debouncer_.next_deadline()) {
      const auto wait = *next - gpiod_chip_impl::monotonic_now();
      timeout = wait.count() <= 0
                    ? 0
                    : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      set_online(false, "gpiod chip '" + options_.chip + "': poll failed");
      return;
    }
    if (fds.back().revents != 0) return;
    deliver(debouncer_.poll(gpiod_chip_impl::monotonic_now()));
    for (std::size_t i = 0; i + 1 < fds.size(); ++i) {
      if (fds[i].revents != 0) read_line_events(i);
    }
  }
}

void GpiodChip::read_line_events(std::size_t input) {
  std::vector<gpiod::line_event> events;
  {
    std::lock_guard lock(mutex_);
    try {
      events = lines_->inputs[input].event_read_multiple();
    } catch (const std::exception&) {
      return;  // a failed read is retried when the fd is readable again
    }
  }
  for (const auto& event : events) {
    deliver(debouncer_.on_edge(EdgeEvent{static_cast<std::uint32_t>(event.source.offset()),
                                         event.event_type == gpiod::line_event::RISING_EDGE,
                                         event.timestamp}));
  }
}

void GpiodChip::start(boost::asio::io_context& io) {
  if (started_) throw std::logic_error("gpiod chip: started twice");
  started_ = true;
  stopping_ = false;
  loop_ = std::make_unique<Loop>(io);
  loop_open();
}

void GpiodChip::loop_open() {
  if (stopping_) return;
  std::string error;
  if (!open_lines(error)) {
    if (error != loop_error_) {
      online_ = false;
      if (status_handler_) status_handler_(false, error);
      loop_error_ = error;
    }
    loop_->retry.expires_after(options_.retry_period);
    loop_->retry.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) loop_open();
    });
    return;
  }
  std::vector<int> fds;
  {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_->inputs) fds.push_back(::dup(line.event_get_fd()));
  }
  for (std::size_t i = 0; i < fds.size(); ++i) {
    loop_->lines.push_back(
        std::make_unique<boost::asio::posix::stream_descriptor>(loop_->io, fds[i]));
    loop_wait(i);
  }
}

void GpiodChip::loop_wait(std::size_t input) {
  loop_->lines[input]->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                  [this, input](const boost::system::error_code& ec) {
                                    if (ec || stopping_) return;
                                    read_line_events(input);
                                    loop_arm_debounce();
                                    loop_wait(input);
                                  });
}

void GpiodChip::loop_arm_debounce() {
  const auto next = debouncer_.next_deadline();
  if (!next) return;
  loop_->debounce.expires_at(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next)));
  loop_->debounce.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    deliver(debouncer_.poll(gpiod_chip_impl::monotonic_now()));
    loop_arm_debounce();
  });
}

}  // namespace vigil::gpio
