#include "vigil/modbus/io_module.hpp"

#include <stdexcept>

#include "io_link.hpp"
#include "vigil/modbus/reconnect_backoff.hpp"

namespace vigil::modbus {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A corrupt frame now and then is line noise; this many in a row means the
// device (or the unit id, or the register map) is not what the config says.
constexpr int kMaxBadResponsesInARow = 3;

core::TimePoint now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

}  // namespace

const char* to_string(ModbusTransport transport) {
  return transport == ModbusTransport::tcp ? "tcp" : "rtu";
}

void validate(const ModbusIoOptions& o) {
  auto fail = [&](const std::string& what) {
    throw std::invalid_argument("modbus device '" + o.device.str() + "': " + what);
  };
  if (o.transport == ModbusTransport::tcp && o.host.empty()) fail("tcp needs a host");
  if (o.transport == ModbusTransport::rtu && o.serial_device.empty()) {
    fail("rtu needs a serial_device");
  }
  if (o.transport == ModbusTransport::rtu && o.baud <= 0) fail("baud must be positive");
  // 0 is broadcast (no answer ever comes back); 248..255 are reserved on RTU
  // but 255 is the customary "any unit" on Modbus TCP gateways.
  const int max_unit = o.transport == ModbusTransport::tcp ? 255 : 247;
  if (o.unit_id < 1 || o.unit_id > max_unit) fail("unit_id out of range");
  if (o.poll_period <= std::chrono::milliseconds::zero()) fail("poll_period must be positive");
  if (o.timeout <= std::chrono::milliseconds::zero()) fail("timeout must be positive");
  if (o.coil_count < 0 || o.coil_count > 0xFFFF) fail("coil_count out of range");
  if (o.input_count < 0 || o.input_count > 2000) fail("input_count out of range (0..2000)");
  if (o.coil_count == 0 && o.input_count == 0) fail("a module needs coils or inputs");
  if (o.reconnect_first <= std::chrono::milliseconds::zero() ||
      o.reconnect_ceiling < o.reconnect_first) {
    fail("reconnect backoff must satisfy 0 < first <= ceiling");
  }
}

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
    pending_[index] = value;
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
  return {polls_.load(), errors_.load(), reconnects_.load()};
}

void ModbusIoModule::run() {
  ReconnectBackoff backoff(options_.reconnect_first, options_.reconnect_ceiling);
  auto next_poll = SteadyClock::now();
  for (;;) {
    if (!link_->connected()) {
      if (!establish()) {
        if (sleep_unless_stopped(backoff.next())) return;
        continue;
      }
      backoff.reset();
      next_poll = SteadyClock::now() + options_.poll_period;
    }

    // Sleep until the next poll, but wake at once for a coil write: a card
    // decision must reach the relay in milliseconds, not a poll period later.
    std::map<int, bool> writes;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_poll, [&] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      writes.swap(pending_);
    }
    if (!writes.empty() && write_coils(writes) == Writes::link_down) continue;

    const auto t = SteadyClock::now();
    if (t >= next_poll) {
      if (poll_inputs() == Link::down) continue;
      next_poll += options_.poll_period;
      if (next_poll <= t) next_poll = t + options_.poll_period;  // fell behind: do not burst
    }
  }
}

bool ModbusIoModule::establish() {
  std::string detail;
  if (!link_->connect(detail)) {
    ++errors_;
    report_status(false, detail);
    return false;
  }
  // Re-apply every commanded coil before anything else: the module may have
  // rebooted and released (or, worse, kept) relays the daemon set otherwise.
  std::map<int, bool> writes;
  {
    std::lock_guard lock(mutex_);
    pending_.clear();
    for (std::size_t i = 0; i < commanded_.size(); ++i) {
      if (commanded_[i]) writes[static_cast<int>(i)] = *commanded_[i];
    }
  }
  bad_response_streak_ = 0;
  last_inputs_.clear();
  // Online means: the commanded coils are in place and the inputs were read.
  // A coil the module keeps refusing (a register map that does not match the
  // config) keeps it offline, with the reason, instead of flapping.
  const Writes written = writes.empty() ? Writes::all_written : write_coils(writes);
  if (written == Writes::link_down) return false;
  if (written == Writes::all_written && poll_inputs() == Link::down) return false;
  if (written != Writes::all_written || last_inputs_.empty()) {
    link_->close();
    report_status(false, last_failure_);
    return false;
  }
  return true;
}

ModbusIoModule::Writes ModbusIoModule::write_coils(const std::map<int, bool>& writes) {
  for (auto it = writes.begin(); it != writes.end(); ++it) {
    std::string detail;
    switch (link_->write_coil(it->first, it->second, detail)) {
      case LinkResult::ok:
        bad_response_streak_ = 0;
        break;
      case LinkResult::lost:
        // The rest is re-applied from commanded_ after the reconnect.
        lose_link(detail);
        return Writes::link_down;
      case LinkResult::bad_response: {
        // Retry the unsent writes next round, unless a newer value superseded them.
        {
          std::lock_guard lock(mutex_);
          for (auto rest = it; rest != writes.end(); ++rest)
            pending_.try_emplace(rest->first, rest->second);
        }
        return on_bad_response(detail) == Link::up ? Writes::retry_later : Writes::link_down;
      }
    }
  }
  return Writes::all_written;
}

ModbusIoModule::Link ModbusIoModule::poll_inputs() {
  ++polls_;
  std::vector<std::uint8_t> values;
  std::string detail;
  const LinkResult result = options_.input_count > 0
                                ? link_->read_inputs(options_.input_count, values, detail)
                                : link_->read_coils(1, values, detail);  // heartbeat only
  if (result == LinkResult::lost) {
    lose_link(detail);
    return Link::down;
  }
  if (result == LinkResult::bad_response) return on_bad_response(detail);
  bad_response_streak_ = 0;

  const auto time = now();
  const bool first_after_connect = last_inputs_.empty();
  if (first_after_connect) {
    if (ever_connected_) ++reconnects_;
    ever_connected_ = true;
    report_status(true, link_->endpoint());
  }
  if (options_.input_count == 0) {
    last_inputs_ = {1};  // marks the session as reported
    return Link::up;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (first_after_connect || values[i] != last_inputs_[i]) {
      if (callbacks_.on_input) callbacks_.on_input(static_cast<int>(i), values[i] != 0, time);
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
  report_status(false, detail + " (" + std::to_string(kMaxBadResponsesInARow) + " in a row)");
  return Link::down;
}

void ModbusIoModule::lose_link(const std::string& detail) {
  ++errors_;
  last_failure_ = detail;
  link_->close();
  report_status(false, detail);
}

bool ModbusIoModule::sleep_unless_stopped(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, delay, [&] { return stopping_; });
}

void ModbusIoModule::report_status(bool online, const std::string& detail) {
  online_ = online;
  if (reported_online_ == online) return;  // each transition is reported once
  reported_online_ = online;
  if (callbacks_.on_status) callbacks_.on_status(online, detail, now());
}

}  // namespace vigil::modbus
