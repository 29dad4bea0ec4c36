#include "device_session.hpp"

#include <algorithm>

namespace vigil::modbus {
namespace {

core::TimePoint wall_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

core::MonoTime mono_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

}  // namespace

DeviceSession::DeviceSession(ModbusIoOptions options, ModbusIoCallbacks callbacks,
                             ModbusIoLink& link, bool owns_link, std::mutex& bus_mutex)
    : options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      link_(link),
      owns_link_(owns_link),
      bus_mutex_(bus_mutex),
      backoff_(options_.reconnect_first, options_.reconnect_ceiling),
      commanded_(static_cast<std::size_t>(options_.coil_count)),
      last_registers_(options_.registers.size()) {
  std::vector<int> order(options_.registers.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  const auto& regs = options_.registers;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& ra = regs[static_cast<std::size_t>(a)];
    const auto& rb = regs[static_cast<std::size_t>(b)];
    return std::pair{ra.kind, ra.address} < std::pair{rb.kind, rb.address};
  });
  for (int i : order) {
    const auto& r = regs[static_cast<std::size_t>(i)];
    RegisterBlock* last = register_blocks_.empty() ? nullptr : &register_blocks_.back();
    const int next = last ? last->address + static_cast<int>(last->indexes.size()) : -1;
    if (last && last->kind == r.kind && r.address == next && last->indexes.size() < 125) {
      last->indexes.push_back(i);
    } else {
      register_blocks_.push_back({r.kind, r.address, {i}});
    }
  }
}

ModbusIoCounters DeviceSession::counters() const {
  ModbusIoCounters c;
  c.polls = polls_.load();
  c.errors = errors_.load();
  c.reconnects = reconnects_.load();
  c.writes_confirmed = writes_confirmed_.load();
  c.write_failures = write_failures_.load();
  c.timeouts = timeouts_.load();
  c.exceptions = exceptions_.load();
  c.crc_errors = crc_errors_.load();
  c.bad_frames = bad_frames_.load();
  c.offline_transitions = offline_transitions_.load();
  c.failure_streak = static_cast<std::uint64_t>(streak_now_.load());
  return c;
}

void DeviceSession::queue_write_locked(int index, bool value, std::uint64_t write_id) {
  commanded_[static_cast<std::size_t>(index)] = Commanded{value, write_id};
  requests_[index] = Request{value, write_id, Clock::now()};
}

void DeviceSession::take_requests_locked() {
  // A request replaces whatever write of the same coil is still unconfirmed:
  // the superseded one is never reported (the daemon matches answers to
  // writes by id, and forgets an older id once a newer one is answered).
  for (const auto& [index, request] : requests_) {
    Write& write = writes_[index];
    write = Write{};
    write.value = request.value;
    write.write_id = request.write_id;
    write.deadline = request.at + options_.timeout;
    write.next_attempt = request.at;
    write.requested = true;
  }
  requests_.clear();
}

DeviceSession::Clock::time_point DeviceSession::next_due() const {
  auto until = established_ ? next_poll_ : retry_at_;
  for (const auto& [index, write] : writes_) {
    if (established_) until = std::min(until, write.next_attempt);
    if (!write.failure_reported) until = std::min(until, write.deadline);
  }
  return until;
}

void DeviceSession::service() {
  link_.select_unit(options_.unit_id);
  // Another unit on a shared port lost the port: this session is gone too.
  if (established_ && !link_.connected()) {
    established_ = false;
    retry_at_ = Clock::now();
  }
  if (!established_) {
    if (Clock::now() >= retry_at_) {
      if (establish()) {
        backoff_.reset();
        next_poll_ = Clock::now() + options_.poll_period;
      } else {
        // A dead unit on a shared line costs the live ones one timeout per
        // probe, so probes back off up to the ceiling.
        retry_at_ = Clock::now() + backoff_.next();
      }
    }
    // Tell the daemon about every write whose confirmation time passed: a
    // lock is not moving now.
    expire_overdue_writes();
    return;
  }
  // Writes first: a card decision must reach the relay in milliseconds.
  if (!attempt_due_writes()) return;
  expire_overdue_writes();
  // Polls keep their period whatever the writes do: a module that refuses a
  // write must not blind the daemon to a door forced meanwhile.
  const auto t = Clock::now();
  if (t >= next_poll_) {
    if (!poll_inputs()) return;
    next_poll_ += options_.poll_period;
    if (next_poll_ <= t) next_poll_ = t + options_.poll_period;  // fell behind: do not burst
  }
}

bool DeviceSession::establish() {
  std::string detail;
  if (!link_.connected() && !link_.connect(detail)) {
    fail(LinkResult::lost, detail);
    return false;
  }
  last_inputs_.clear();
  watchdog_armed_ = false;
  // The watchdog first: from here on, if vigild dies, the module makes the
  // locks safe by itself.
  if (options_.watchdog && !arm_watchdog()) return false;
  // Online means the inputs were read; the initial levels go out with it.
  if (!poll_inputs() || last_inputs_.empty()) {
    if (owns_link_) link_.close();
    return false;
  }
  established_ = true;
  // Re-apply every commanded coil: the module may have rebooted and released
  // (or, worse, kept) relays the daemon set otherwise. A refused re-apply is
  // reported and retried like any write; it never keeps the device offline.
  const auto now = Clock::now();
  {
    // A write requested meanwhile is taken as requested (and reported),
    // not mistaken for a silent re-apply.
    std::lock_guard lock(bus_mutex_);
    take_requests_locked();
    for (std::size_t i = 0; i < commanded_.size(); ++i) {
      const int index = static_cast<int>(i);
      if (!commanded_[i] || writes_.contains(index)) continue;
      Write& write = writes_[index];
      write.value = commanded_[i]->value;
      write.write_id = commanded_[i]->write_id;
      write.deadline = now + options_.timeout;
    }
  }
  for (auto& [index, write] : writes_) write.next_attempt = now;
  return attempt_due_writes();
}

bool DeviceSession::arm_watchdog() {
  const ModbusWatchdog& w = *options_.watchdog;
  // Safe values before the timeout, so the watchdog is never armed with a
  // stale bitmap. Bit i of register k is coil 16k+i.
  std::vector<std::uint16_t> bitmap(static_cast<std::size_t>((options_.coil_count + 15) / 16), 0);
  for (std::size_t i = 0; i < w.safe_coils.size(); ++i) {
    if (w.safe_coils[i]) bitmap[i / 16] |= static_cast<std::uint16_t>(1u << (i % 16));
  }
  std::string detail;
  LinkResult result = link_.write_registers(w.safe_register, bitmap, detail);
  if (result == LinkResult::ok) {
    result = link_.write_register(w.timeout_register, static_cast<std::uint16_t>(w.timeout.count()),
                                  detail);
  }
  if (result == LinkResult::ok) {
    watchdog_armed_ = true;
    watchdog_problem_.clear();
    return true;
  }
  if (result == LinkResult::lost || result == LinkResult::timeout) {
    // Silence is the device being away, not a module without a watchdog.
    fail(result, detail);
    return false;
  }
  // A module without this watchdog (or with another register map) still
  // serves its points; the online report says the watchdog is not armed,
  // and the next session tries again.
  if (result != LinkResult::exception) link_.discard_pending_bytes();
  count(result);
  ++errors_;
  watchdog_problem_ = detail;
  return true;
}

bool DeviceSession::attempt_due_writes() {
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
        return false;  // the write stays; re-attempted after the reconnect
    }
  }
  return true;
}

DeviceSession::Attempt DeviceSession::attempt_write(int index, Write& write) {
  std::string detail;
  const int address = options_.coil_address + index;
  LinkResult result = link_.write_coil(address, write.value, detail);
  if (result == LinkResult::ok && options_.read_back) {
    bool actual = !write.value;
    result = link_.read_coil(address, actual, detail);
    if (result == LinkResult::ok && actual != write.value) {
      ++write_failures_;
      ++errors_;
      write_failed(index, write,
                   link_.endpoint() + ": coil " + std::to_string(index) + " reads back " +
                       (actual ? "on" : "off") + " after the write");
      return Attempt::failed;
    }
  }
  switch (result) {
    case LinkResult::ok:
      ++writes_confirmed_;
      if (write.requested || write.failure_reported) report_output(index, write, true, {});
      return Attempt::confirmed;
    case LinkResult::lost:
      fail(result, detail);
      return Attempt::link_down;
    case LinkResult::timeout:
    case LinkResult::bad_frame:
    case LinkResult::bad_crc:
      // A late or broken answer must not be read as the next request's.
      link_.discard_pending_bytes();
      [[fallthrough]];
    case LinkResult::exception:
      break;
  }
  // Only polls decide that the device is offline: a refused write is counted
  // as an error but never toward the failure streak.
  count(result);
  ++write_failures_;
  ++errors_;
  write_failed(index, write, detail);
  return Attempt::failed;
}

void DeviceSession::write_failed(int index, Write& write, const std::string& detail) {
  if (!write.failure_reported) {
    write.failure_reported = true;
    report_output(index, write, false, detail);
  }
  // Retried in the background with a growing delay: a module that refuses a
  // write is not hammered, and a polled module is never starved by retries.
  write.retry_delay = write.retry_delay == std::chrono::milliseconds::zero()
                          ? options_.reconnect_first
                          : std::min(write.retry_delay * 2, options_.reconnect_ceiling);
  write.next_attempt = Clock::now() + write.retry_delay;
}

void DeviceSession::expire_overdue_writes() {
  const auto now = Clock::now();
  for (auto& [index, write] : writes_) {
    if (write.failure_reported || now < write.deadline) continue;
    write.failure_reported = true;
    std::string why = "not confirmed within " + std::to_string(options_.timeout.count()) + " ms";
    if (!established_ && !last_failure_.empty()) why += ": " + last_failure_;
    report_output(index, write, false, why);
  }
}

bool DeviceSession::poll_inputs() {
  ++polls_;
  std::vector<std::uint8_t> values;
  std::string detail;
  const bool first_after_connect = last_inputs_.empty();
  LinkResult result = LinkResult::ok;
  if (options_.input_count > 0) {
    result = link_.read_inputs(options_.input_address, options_.input_count, values, detail);
  } else if (options_.registers.empty()) {
    result = link_.read_coils(options_.coil_address, 1, values, detail);  // heartbeat only
  }
  // Registers in the same poll, before anything is reported: online means
  // every point was read.
  if (result == LinkResult::ok) result = read_registers(detail);
  if (result != LinkResult::ok) return !fail(result, detail);
  failure_streak_ = 0;
  streak_now_ = 0;

  const auto time = wall_now();
  const auto mono = mono_now();
  if (first_after_connect) {
    if (ever_connected_) ++reconnects_;
    ever_connected_ = true;
    std::string online = link_.endpoint();
    if (options_.watchdog) {
      online +=
          watchdog_armed_
              ? "; watchdog " + std::to_string(options_.watchdog->timeout.count()) + " ms armed"
              : "; watchdog NOT armed: " + watchdog_problem_;
    }
    report_status(true, online);
  }
  report_registers(first_after_connect, time, mono);
  if (options_.input_count == 0) {
    last_inputs_ = {1};  // marks the session as reported
    return true;
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
  return true;
}

LinkResult DeviceSession::read_registers(std::string& detail) {
  fresh_registers_.assign(options_.registers.size(), 0);
  for (const auto& block : register_blocks_) {
    std::vector<std::uint16_t> values;
    const LinkResult result = link_.read_registers(
        block.kind, block.address, static_cast<int>(block.indexes.size()), values, detail);
    if (result != LinkResult::ok) return result;
    for (std::size_t k = 0; k < block.indexes.size(); ++k) {
      fresh_registers_[static_cast<std::size_t>(block.indexes[k])] = values[k];
    }
  }
  return LinkResult::ok;
}

void DeviceSession::report_registers(bool first_after_connect, core::TimePoint time,
                                     core::MonoTime mono) {
  for (std::size_t i = 0; i < fresh_registers_.size(); ++i) {
    const std::uint16_t raw = fresh_registers_[i];
    if (!first_after_connect && last_registers_[i] == raw) continue;
    last_registers_[i] = raw;
    if (!callbacks_.on_register) continue;
    const auto& r = options_.registers[i];
    callbacks_.on_register(static_cast<int>(i), raw, raw * r.scale + r.offset, first_after_connect,
                           time, mono);
  }
}

void DeviceSession::count(LinkResult result) {
  switch (result) {
    case LinkResult::timeout:
      ++timeouts_;
      break;
    case LinkResult::exception:
      ++exceptions_;
      break;
    case LinkResult::bad_crc:
      ++crc_errors_;
      break;
    case LinkResult::bad_frame:
      ++bad_frames_;
      break;
    case LinkResult::ok:
    case LinkResult::lost:
      break;
  }
}

// A failed read (or connect, or lost session). True when the session is down
// and must be re-established before the device's inputs count again.
bool DeviceSession::fail(LinkResult result, const std::string& detail) {
  count(result);
  ++errors_;
  last_failure_ = detail;
  if (result != LinkResult::lost && result != LinkResult::exception) {
    // A late or broken answer must not be read as the next request's.
    link_.discard_pending_bytes();
  }
  streak_now_ = ++failure_streak_;
  const bool offline = failure_streak_ >= options_.offline_after;
  if (result == LinkResult::lost) link_.close();  // a shared port closes for every unit
  if (result != LinkResult::lost && !offline) return false;
  if (owns_link_) link_.close();
  if (established_) {
    established_ = false;
    retry_at_ = Clock::now();  // one immediate probe, then the back-off
  }
  watchdog_armed_ = false;
  if (offline) {
    report_status(false,
                  options_.offline_after > 1
                      ? detail + " (" + std::to_string(failure_streak_) + " failures in a row)"
                      : detail);
  }
  return true;
}

void DeviceSession::report_status(bool online, const std::string& detail) {
  online_ = online;
  if (reported_online_ == online) return;  // each transition is reported once
  if (!online && reported_online_) ++offline_transitions_;
  reported_online_ = online;
  if (callbacks_.on_status) callbacks_.on_status(online, detail, wall_now(), mono_now());
}

void DeviceSession::report_output(int index, const Write& write, bool ok,
                                  const std::string& error) {
  if (callbacks_.on_output)
    callbacks_.on_output(index, write.write_id, write.value, ok, error, wall_now(), mono_now());
}

}  // namespace vigil::modbus
