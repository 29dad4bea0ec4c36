// The sender thread: its loop (connect with backoff, drain, idle until
// there is work) and the calls other threads make (sender.hpp).
#include "sender.hpp"

#include <algorithm>

#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {

Sender::Sender(const PublisherConfig& config, const TopicTree& topics, Outbox& outbox)
    : config_(config),
      topics_(topics),
      outbox_(outbox),
      online_(status_payload(GatewayState::online, topics.site(), topics.gateway())),
      offline_(status_payload(GatewayState::offline, topics.site(), topics.gateway())),
      status_(online_),
      backoff_(config.reconnect_min),
      rate_(RateLimit::for_window(config.max_rate, config.inflight_window)),
      next_version_(config.protocol == "3.1.1" ? MQTTVERSION_3_1_1 : MQTTVERSION_5) {
  renew_client(next_version_);
}

Sender::~Sender() {
  stop();
}

void Sender::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread(&Sender::run, this);
}

void Sender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sender::kick() {
  {
    std::lock_guard lock(mutex_);
    kicked_ = true;
    outbox_changed_ = true;
  }
  wake_.notify_all();
}

void Sender::send_from_memory(std::string topic, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    memory_.emplace_back(std::move(topic), std::move(payload));
    kicked_ = true;
  }
  wake_.notify_all();
}

void Sender::set_status(std::string payload) {
  {
    std::lock_guard lock(mutex_);
    status_ = std::move(payload);
    status_sent_ = false;
    kicked_ = true;
  }
  wake_.notify_all();
}

bool Sender::wait_drained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  try {
    // Acknowledged, not deleted: the journal writer may delete them later.
    return progress_.wait_for(lock, timeout,
                              [&] { return !outbox_.any_after(acked_shared_.load()); });
  } catch (const OutboxError&) {
    return false;
  }
}

bool Sender::link_lost() const {
  std::lock_guard lock(mutex_);
  return lost_;
}

bool Sender::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

bool Sender::completes(const ::mqtt::token_ptr& token, Clock::time_point deadline,
                       const std::function<bool()>& give_up, std::string* why, int* code) {
  try {
    while (!token->wait_for(kPoll)) {
      if (give_up() || Clock::now() >= deadline) return false;
    }
    return true;
  } catch (const ::mqtt::exception& e) {
    if (why != nullptr) *why = e.what();
    if (code != nullptr) *code = e.get_return_code();
    return false;  // the broker refused, or Paho failed the operation
  }
}

void Sender::run() {
  for (;;) {
    if (stop_requested()) break;
    if (!connected_ && !connect_once()) {
      pause(backoff_);
      backoff_ = std::min(backoff_ * 2, config_.reconnect_max);
      continue;
    }
    switch (drain()) {
      case Drain::link_failed:
        forget_acknowledged();  // what the broker had before the link broke
        // Reconnect, but not in a tight loop if the broker keeps dropping us.
        drop_connection();
        pause(backoff_);
        backoff_ = std::min(backoff_ * 2, config_.reconnect_max);
        continue;
      case Drain::storage_failed:
        pause(config_.reconnect_max);
        continue;
      case Drain::idle:
        break;
    }
    // Idle until there is work, or an expiring state is due again.
    auto until = next_refresh();
    std::unique_lock lock(mutex_);
    // Parked with the direct path open (sender_direct.cpp): a commit's rows
    // may be published from the writer's thread meanwhile, and their PUBACK
    // wakes this thread (answered_). Should it never come, the look after
    // ack_timeout finds the row overdue (one wake-up per ack_timeout while
    // idle: no busy loop).
    park_direct();
    if (direct_open_) until = std::min(until, Clock::now() + config_.ack_timeout);
    const auto woken = [&] { return stopping_ || kicked_ || lost_ || answered_; };
    if (until == Clock::time_point::max()) {
      wake_.wait(lock, woken);
    } else {
      wake_.wait_until(lock, until, woken);
    }
    close_direct(lock);
    kicked_ = false;
    answered_ = false;
  }
  forget_acknowledged();
  say_goodbye();
}

void Sender::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, d, [&] { return stopping_; });
}

}  // namespace vigil::mqtt
