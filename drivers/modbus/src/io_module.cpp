#include "vigil/modbus/io_module.hpp"

#include <algorithm>
#include <stdexcept>

#include "io_link.hpp"
#include "vigil/modbus/reconnect_backoff.hpp"

namespace vigil::modbus {
namespace {

// A corrupt frame now and then is line noise; this many polls in a row
// answered wrongly mean the device (or the unit id, or the register map) is
// not what the config says.
constexpr int kMaxBadResponsesInARow = 3;

core::TimePoint wall_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

core::MonoTime mono_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

}  // namespace

ModbusIoModule::ModbusIoModule(ModbusIoOptions options, ModbusIoCallbacks callbacks)
    : options_((validate(options), std::move(options))),
      callbacks_(std::move(callbacks)),
      link_(std::make_unique<ModbusIoLink>(options_)),
      commanded_(static_cast<std::size_t>(options_.coil_count)) {
  thread_ = std::thread([this] { run(); });
}

ModbusIoModule::~ModbusIoModule() {
  // Destroyed from one of its own (unposted) callbacks, the thread cannot be
  // joined and std::thread's destructor terminates: a programmer error, caught
  // loudly rather than left as a use-after-free.
  stop();
}

void ModbusIoModule::set_coil(int index, bool value) {
  if (index < 0 || index >= options_.coil_count) {
    throw std::out_of_range("modbus device '" + options_.device.str() + "': coil " +
                            std::to_string(index) + " out of range");
  }
  {
    std::lock_guard lock(mutex_);
    commanded_[static_cast<std::size_t>(index)] = value;
    requests_[index] = Request{value, Clock::now()};
  }
  wake_.notify_one();
}

void ModbusIoModule::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

ModbusIoCounters ModbusIoModule::counters() const {
  return {polls_.load(), errors_.load(), reconnects_.load(), writes_confirmed_.load(),
          write_failures_.load()};
}

void ModbusIoModule::run() {
  ReconnectBackoff backoff(options_.reconnect_first, options_.reconnect_ceiling);
  auto next_poll = Clock::now();
  for (;;) {
    if (!link_->connected()) {
      if (!wait_for_work(Clock::now())) return;
      if (!establish()) {
        // Sleep out the backoff, but tell the daemon about every write whose
        // confirmation time passes meanwhile: a lock is not moving now.
        const auto retry_at = Clock::now() + backoff.next();
        do {
          auto until = retry_at;
          for (const auto& [index, write] : writes_) {
            if (!write.failure_reported) until = std::min(until, write.deadline);
          }
          if (!wait_for_work(until)) return;
          expire_overdue_writes();
        } while (Clock::now() < retry_at);
        continue;
      }
      backoff.reset();
      next_poll = Clock::now() + options_.poll_period;
    }

    // Sleep until the next poll, but wake at once for a coil write: a card
    // decision must reach the relay in milliseconds, not a poll period later.
    auto until = next_poll;
    for (const auto& [index, write] : writes_) {
      until = std::min(until, write.next_attempt);
      if (!write.failure_reported) until = std::min(until, write.deadline);
    }
    if (!wait_for_work(until)) return;
    if (attempt_due_writes() == Link::down) continue;
    expire_overdue_writes();

    // Polls keep their period whatever the writes do: a module that refuses
    // a write must not blind the daemon to a door forced meanwhile.
    const auto t = Clock::now();
    if (t >= next_poll) {
      if (poll_inputs() == Link::down) continue;
      next_poll += options_.poll_period;
      if (next_poll <= t) next_poll = t + options_.poll_period;  // fell behind: do not burst
    }
  }
}

bool ModbusIoModule::wait_for_work(Clock::time_point until) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, until, [&] { return stopping_ || !requests_.empty(); });
  if (stopping_) return false;
  take_requests_locked();
  return true;
}

void ModbusIoModule::take_requests_locked() {
  // A request replaces whatever write of the same coil is still unconfirmed:
  // the superseded one is never reported, its outcome no longer matters.
  for (const auto& [index, request] : requests_) {
    Write& write = writes_[index];
    write = Write{};
    write.value = request.value;
    write.deadline = request.at + options_.timeout;
    write.next_attempt = request.at;
    write.requested = true;
  }
  requests_.clear();
}

bool ModbusIoModule::establish() {
  std::string detail;
  if (!link_->connect(detail)) {
    ++errors_;
    last_failure_ = detail;
    report_status(false, detail);
    return false;
  }
  bad_response_streak_ = 0;
  last_inputs_.clear();
  watchdog_armed_ = false;
  // The watchdog first: from here on, if vigild dies, the module makes the
  // locks safe by itself.
  if (options_.watchdog && !arm_watchdog()) return false;
  // Online means the inputs were read; the initial levels go out with it.
  if (poll_inputs() == Link::down) return false;
  if (last_inputs_.empty()) {
    link_->close();
    report_status(false, last_failure_);
    return false;
  }
  // Re-apply every commanded coil: the module may have rebooted and released
  // (or, worse, kept) relays the daemon set otherwise. A refused re-apply is
  // reported and retried like any write; it never keeps the device offline.
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    take_requests_locked();
    for (std::size_t i = 0; i < commanded_.size(); ++i) {
      const int index = static_cast<int>(i);
      if (!commanded_[i] || writes_.contains(index)) continue;
      Write& write = writes_[index];
      write.value = *commanded_[i];
      write.deadline = now + options_.timeout;
    }
  }
  for (auto& [index, write] : writes_) write.next_attempt = now;
  return attempt_due_writes() == Link::up;
}

bool ModbusIoModule::arm_watchdog() {
  const ModbusWatchdog& w = *options_.watchdog;
  // Safe values before the timeout, so the watchdog is never armed with a
  // stale bitmap. Bit i of register k is coil 16k+i.
  std::vector<std::uint16_t> bitmap(static_cast<std::size_t>((options_.coil_count + 15) / 16), 0);
  for (std::size_t i = 0; i < w.safe_coils.size(); ++i) {
    if (w.safe_coils[i]) bitmap[i / 16] |= static_cast<std::uint16_t>(1u << (i % 16));
  }
  std::string detail;
  LinkResult result = link_->write_registers(w.safe_register, bitmap, detail);
  if (result == LinkResult::ok) {
    result = link_->write_register(w.timeout_register,
                                   static_cast<std::uint16_t>(w.timeout.count()), detail);
  }
  if (result == LinkResult::ok) {
    watchdog_armed_ = true;
    watchdog_problem_.clear();
    return true;
  }
  if (result == LinkResult::lost) {
    lose_link(detail);
    return false;
  }
  // A module without this watchdog (or with another register map) still
  // serves its points; the online report says the watchdog is not armed,
  // and the next session tries again.
  if (result != LinkResult::exception) link_->discard_pending_bytes();
  ++errors_;
  watchdog_problem_ = detail;
  return true;
}

ModbusIoModule::Link ModbusIoModule::attempt_due_writes() {
  const auto now = Clock::now();
  for (auto it = writes_.begin(); it != writes_.end();) {
    if (it->second.next_attempt > now) {
      ++it;
      continue;
    }
    switch (attempt_write(it->first, it->second)) {
      case Attempt::confirmed:
        it = writes_.erase(it);
        break;
      case Attempt::failed:
        ++it;
        break;
      case Attempt::link_down:
        return Link::down;  // the write stays; re-attempted after the reconnect
    }
  }
  return Link::up;
}

ModbusIoModule::Attempt ModbusIoModule::attempt_write(int index, Write& write) {
  std::string detail;
  LinkResult result = link_->write_coil(index, write.value, detail);
  if (result == LinkResult::ok && options_.read_back) {
    bool actual = !write.value;
    result = link_->read_coil(index, actual, detail);
    if (result == LinkResult::ok && actual != write.value) {
      ++write_failures_;
      ++errors_;
      write_failed(index, write,
                   link_->endpoint() + ": coil " + std::to_string(index) + " reads back " +
                       (actual ? "on" : "off") + " after the write");
      return Attempt::failed;
    }
  }
  switch (result) {
    case LinkResult::ok:
      ++writes_confirmed_;
      if (write.requested || write.failure_reported) report_output(index, write.value, true, {});
      return Attempt::confirmed;
    case LinkResult::lost:
      lose_link(detail);
      return Attempt::link_down;
    case LinkResult::timeout:
    case LinkResult::bad_frame:
      // A late or broken answer must not be read as the next request's.
      link_->discard_pending_bytes();
      [[fallthrough]];
    case LinkResult::exception:
      break;
  }
  // Only polls decide that the device is offline: a refused write is counted
  // as an error but never toward the bad-response streak.
  ++write_failures_;
  ++errors_;
  write_failed(index, write, detail);
  return Attempt::failed;
}

void ModbusIoModule::write_failed(int index, Write& write, const std::string& detail) {
  if (!write.failure_reported) {
    write.failure_reported = true;
    report_output(index, write.value, false, detail);
  }
  // Retried in the background with a growing delay: a module that refuses a
  // write is not hammered, and a polled module is never starved by retries.
  write.retry_delay = write.retry_delay == std::chrono::milliseconds::zero()
                          ? options_.reconnect_first
                          : std::min(write.retry_delay * 2, options_.reconnect_ceiling);
  write.next_attempt = Clock::now() + write.retry_delay;
}

void ModbusIoModule::expire_overdue_writes() {
  const auto now = Clock::now();
  for (auto& [index, write] : writes_) {
    if (write.failure_reported || now < write.deadline) continue;
    write.failure_reported = true;
    std::string why = "not confirmed within " + std::to_string(options_.timeout.count()) + " ms";
    if (!link_->connected() && !last_failure_.empty()) why += ": " + last_failure_;
    report_output(index, write.value, false, why);
  }
}

ModbusIoModule::Link ModbusIoModule::poll_inputs() {
  ++polls_;
  std::vector<std::uint8_t> values;
  std::string detail;
  const LinkResult result = options_.input_count > 0
                                ? link_->read_inputs(options_.input_count, values, detail)
                                : link_->read_coils(1, values, detail);  // heartbeat only
  if (result == LinkResult::lost || result == LinkResult::timeout) {
    lose_link(detail);
    return Link::down;
  }
  if (result != LinkResult::ok) return on_bad_response(detail);
  bad_response_streak_ = 0;

  const auto time = wall_now();
  const auto mono = mono_now();
  const bool first_after_connect = last_inputs_.empty();
  if (first_after_connect) {
    if (ever_connected_) ++reconnects_;
    ever_connected_ = true;
    std::string online = link_->endpoint();
    if (options_.watchdog) {
      online +=
          watchdog_armed_
              ? "; watchdog " + std::to_string(options_.watchdog->timeout.count()) + " ms armed"
              : "; watchdog NOT armed: " + watchdog_problem_;
    }
    report_status(true, online);
  }
  if (options_.input_count == 0) {
    last_inputs_ = {1};  // marks the session as reported
    return Link::up;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Levels read right after a (re)connect are the state, never a press.
    if (first_after_connect || values[i] != last_inputs_[i]) {
      if (callbacks_.on_input) {
        callbacks_.on_input(static_cast<int>(i), values[i] != 0, first_after_connect, time, mono);
      }
    }
  }
  last_inputs_ = std::move(values);
  return Link::up;
}

ModbusIoModule::Link ModbusIoModule::on_bad_response(const std::string& detail) {
  ++errors_;
  last_failure_ = detail;
  link_->discard_pending_bytes();
  if (++bad_response_streak_ < kMaxBadResponsesInARow) return Link::up;
  link_->close();
  watchdog_armed_ = false;
  report_status(false, detail + " (" + std::to_string(kMaxBadResponsesInARow) + " in a row)");
  return Link::down;
}

void ModbusIoModule::lose_link(const std::string& detail) {
  ++errors_;
  last_failure_ = detail;
  link_->close();
  watchdog_armed_ = false;
  report_status(false, detail);
}

void ModbusIoModule::report_status(bool online, const std::string& detail) {
  online_ = online;
  if (reported_online_ == online) return;  // each transition is reported once
  reported_online_ = online;
  if (callbacks_.on_status) callbacks_.on_status(online, detail, wall_now(), mono_now());
}

void ModbusIoModule::report_output(int index, bool value, bool ok, const std::string& error) {
  if (callbacks_.on_output) callbacks_.on_output(index, value, ok, error, wall_now(), mono_now());
}

}  // namespace vigil::modbus
