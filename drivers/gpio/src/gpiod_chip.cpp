#include "vigil/gpio/gpiod_chip.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <gpiod.hpp>
#include <map>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace vigil::gpio {

struct GpiodChip::RequestedLines {
  gpiod::chip chip;
  std::vector<gpiod::line> inputs;
  std::map<std::uint32_t, gpiod::line> outputs;
};

GpiodChip::GpiodChip(Options options) : options_(std::move(options)) {}

GpiodChip::~GpiodChip() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void GpiodChip::request_input(std::uint32_t line) {
  if (lines_) throw std::logic_error("gpiod chip: request_input after start");
  // Asking twice for one line must not become a second kernel request, which
  // the kernel would refuse as busy.
  if (std::find(input_offsets_.begin(), input_offsets_.end(), line) == input_offsets_.end()) {
    input_offsets_.push_back(line);
  }
}

void GpiodChip::request_output(std::uint32_t line, bool initial) {
  if (lines_) throw std::logic_error("gpiod chip: request_output after start");
  output_initial_[line] = initial;
}

void GpiodChip::on_edge(EdgeHandler handler) {
  edge_handler_ = std::move(handler);
}
void GpiodChip::on_status(StatusHandler handler) {
  status_handler_ = std::move(handler);
}

void GpiodChip::start() {
  if (lines_) throw std::logic_error("gpiod chip: started twice");
  const std::string what = "gpiod chip '" + options_.chip + "'";
  try {
    auto lines = std::make_unique<RequestedLines>(
        RequestedLines{gpiod::chip(options_.chip, gpiod::chip::OPEN_LOOKUP), {}, {}});
    for (std::uint32_t offset : input_offsets_) {
      gpiod::line line = lines->chip.get_line(offset);
      line.request({options_.consumer, gpiod::line_request::EVENT_BOTH_EDGES, 0});
      lines->inputs.push_back(line);
    }
    for (const auto& [offset, initial] : output_initial_) {
      gpiod::line line = lines->chip.get_line(offset);
      line.request({options_.consumer, gpiod::line_request::DIRECTION_OUTPUT, 0}, initial ? 1 : 0);
      lines->outputs.emplace(offset, line);
    }
    lines_ = std::move(lines);  // lines requested so far are released with the chip on throw
  } catch (const std::exception& e) {
    throw std::runtime_error(what + ": " + e.what());
  }
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), what + ": eventfd");
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  if (status_handler_) status_handler_(true, what + " opened");
}

void GpiodChip::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& line : lines_->inputs) line.release();
  for (auto& [offset, line] : lines_->outputs) line.release();
}

SetStatus GpiodChip::set_output(std::uint32_t line, bool value) {
  std::lock_guard lock(mutex_);
  if (!lines_) {
    return output_initial_.contains(line) ? SetStatus::pending : SetStatus::not_an_output;
  }
  auto it = lines_->outputs.find(line);
  if (it == lines_->outputs.end()) {
    return output_initial_.contains(line) ? SetStatus::pending : SetStatus::not_an_output;
  }
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

void GpiodChip::run() {
  std::vector<pollfd> fds;
  {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_->inputs) fds.push_back(pollfd{line.event_get_fd(), POLLIN, 0});
  }
  fds.push_back(pollfd{wake_fd_, POLLIN, 0});
  while (!stopping_) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      if (status_handler_)
        status_handler_(false, "gpiod chip '" + options_.chip + "': poll failed");
      return;
    }
    if (fds.back().revents != 0) return;
    for (std::size_t i = 0; i + 1 < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      std::vector<gpiod::line_event> events;
      {
        std::lock_guard lock(mutex_);
        try {
          events = lines_->inputs[i].event_read_multiple();
        } catch (const std::exception&) {
          continue;  // a failed read is retried on the next poll
        }
      }
      for (const auto& event : events) {
        ++edges_;
        if (edge_handler_) {
          edge_handler_(EdgeEvent{static_cast<std::uint32_t>(event.source.offset()),
                                  event.event_type == gpiod::line_event::RISING_EDGE,
                                  event.timestamp});
        }
      }
    }
  }
}

}  // namespace vigil::gpio
