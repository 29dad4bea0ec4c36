#include "sender.hpp"

#include <algorithm>
#include <tuple>

#include "vigil/mqtt/connect_options.hpp"
#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kQos = 1;
// How often a wait on a Paho token looks up to see whether to give up.
constexpr auto kPoll = std::chrono::milliseconds(20);
// Outbox rows read in one query ahead of the window: one SQLite read per
// this many rows rather than one per PUBACK.
constexpr std::size_t kReadAhead = 256;
// Acknowledged rows deleted in one commit (and whenever the outbox runs dry,
// the link fails or the sender stops).
constexpr std::int64_t kDeleteStretch = 256;
// Unused rate the limit keeps (rate_limit.hpp): 100 ms of it, or a window's
// worth at low rates.
Clock::duration rate_credit(const PublisherConfig& c) {
  if (c.max_rate == 0) return Clock::duration::zero();
  const auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) *
                      static_cast<std::int64_t>(std::max<std::size_t>(c.inflight_window, 1)) /
                      c.max_rate;
  return std::max<Clock::duration>(std::chrono::milliseconds(100), window);
}

std::string client_id(const PublisherConfig& c) {
  return c.client_id.empty() ? "vigil-" + c.site.str() + "-" + c.gateway.str() : c.client_id;
}

// True when the token completed successfully before the deadline. Gives up
// early (false) as soon as give_up() holds: the connection was lost, or stop()
// does not want to wait for a broker that is not answering.
// `why`, when given, receives Paho's reason for a failure.
template <class GiveUp>
bool completes(const ::mqtt::token_ptr& token, Clock::time_point deadline, GiveUp give_up,
               std::string* why = nullptr, int* code = nullptr) {
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

// Paho's return code when the broker refused the protocol version: a 3.1.1
// broker's CONNACK code 1, or MQTT 5's reason 0x84 (Unsupported Protocol
// Version).
bool refuses_version(int code) {
  return code == 1 || code == 0x84;
}

}  // namespace

Sender::Sender(const PublisherConfig& config, const TopicTree& topics, Outbox& outbox)
    : config_(config),
      topics_(topics),
      outbox_(outbox),
      online_(status_payload(GatewayState::online, topics.site(), topics.gateway())),
      offline_(status_payload(GatewayState::offline, topics.site(), topics.gateway())),
      status_(online_),
      backoff_(config.reconnect_min),
      rate_(config.max_rate, rate_credit(config)),
      next_version_(config.protocol == "3.1.1" ? MQTTVERSION_3_1_1 : MQTTVERSION_5) {
  renew_client(next_version_);
}

::mqtt::connect_options Sender::options_for(int version) {
  // Clean (connect_options.hpp): Paho must not resend on its own; the outbox
  // resends, in order, exactly the rows the broker has not acknowledged.
  auto options =
      connect_options(config_.login(), config_.keepalive, config_.connect_timeout, version);
  // The same will under both versions: retained "offline", no expiry.
  options.set_will(::mqtt::will_options(topics_.status(), offline_, kQos, true));
  if (config_.tls.enabled()) {
    auto ssl = options.get_ssl_options();
    ssl.set_error_handler([this](const std::string& why) {
      std::lock_guard lock(mutex_);
      last_connect_error_ = "TLS: " + why;
    });
    options.set_ssl(std::move(ssl));
  }
  return options;
}

::mqtt::message_ptr Sender::message(const std::string& topic, const std::string& payload, int qos,
                                    bool retained, std::chrono::seconds expiry) const {
  auto msg = ::mqtt::make_message(topic, payload, qos, retained);
  if (version_ == 5 && expiry.count() > 0) {
    ::mqtt::properties props;
    props.add({::mqtt::property::MESSAGE_EXPIRY_INTERVAL, static_cast<int>(expiry.count())});
    msg->set_properties(props);
  }
  return msg;
}

Clock::time_point Sender::refresh_due(const RetainedSlot& slot) {
  // Half the expiry, in milliseconds: a 1 s expiry is refreshed every 500 ms.
  return slot.sent_at + std::chrono::milliseconds(slot.expiry) / 2;
}

Clock::time_point Sender::next_refresh() const {
  auto soonest = Clock::time_point::max();
  if (version_ != 5 || !connected_) return soonest;
  std::lock_guard lock(mutex_);
  for (const auto& [topic, slot] : retained_) {
    if (slot.expiry.count() > 0 && slot.sent) {
      soonest = std::min(soonest, refresh_due(slot));
    }
  }
  return soonest;
}

void Sender::renew_client(int version) {
  if (client_) {
    // With a clean session Paho forgets what was written and not
    // acknowledged, but a publish it accepted and had not written yet stays
    // queued and goes out first on its next connection: ahead of the
    // outbox's resend from the oldest unacknowledged row, which would put
    // seq N+1 before N. Destroying the client (MQTTAsync_destroy) drops them.
    try {
      stale_discarded_ += client_->get_pending_delivery_tokens().size();
    } catch (const ::mqtt::exception&) {
      // only a count
    }
    client_.reset();
  }
  // No Paho persistence: the outbox is ours.
  client_ = std::make_unique<::mqtt::async_client>(
      server_uri(config_.host, config_.port, config_.tls.enabled()), client_id(config_),
      ::mqtt::create_options(version), nullptr);
  client_->set_connection_lost_handler([this](const std::string&) {
    {
      std::lock_guard lock(mutex_);
      lost_ = true;
      connected_ = false;
    }
    wake_.notify_all();
  });
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
  }
  wake_.notify_all();
}

void Sender::set_retained(std::string topic, std::string payload, std::chrono::seconds expiry) {
  {
    std::lock_guard lock(mutex_);
    auto& slot = retained_[std::move(topic)];
    slot.payload = std::move(payload);
    slot.expiry = expiry;
    slot.sent = false;
    kicked_ = true;
  }
  wake_.notify_all();
}

std::uint64_t Sender::retained_published(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = retained_.find(topic);
  return it == retained_.end() ? 0 : it->second.published;
}

void Sender::send_from_memory(std::string topic, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    memory_.emplace_back(std::move(topic), std::move(payload));
    kicked_ = true;
  }
  wake_.notify_all();
}

template <class Lost>
bool Sender::send_retained(Lost lost) {
  const bool refresh = version_ == 5;  // under 3.1.1 nothing expires
  // Due as of the call: a slot refreshed now is not due again in this call,
  // so the loop ends.
  const auto now = Clock::now();
  for (;;) {
    std::string topic, payload;
    std::chrono::seconds expiry{0};
    {
      std::lock_guard lock(mutex_);
      // Not sent on this connection, or half its expiry gone: a live
      // gateway's state must not expire at the broker.
      auto it = std::find_if(retained_.begin(), retained_.end(), [&](const auto& slot) {
        const RetainedSlot& s = slot.second;
        return !s.sent || (refresh && s.expiry.count() > 0 && now >= refresh_due(s));
      });
      if (it == retained_.end()) return true;
      topic = it->first;
      payload = it->second.payload;
      expiry = it->second.expiry;
    }
    try {
      auto token = client_->publish(message(topic, payload, kQos, true, expiry));
      if (!completes(token, Clock::now() + config_.ack_timeout, lost)) return false;
    } catch (const ::mqtt::exception&) {
      return false;
    }
    std::lock_guard lock(mutex_);
    auto& slot = retained_[topic];
    ++slot.published;
    if (slot.payload == payload) {  // a newer one waits otherwise
      slot.sent = true;
      slot.sent_at = now;
    }
  }
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
    return progress_.wait_for(lock, timeout, [&] { return outbox_.empty(); });
  } catch (const OutboxError&) {
    return false;
  }
}

void Sender::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
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
    const auto refresh = next_refresh();
    std::unique_lock lock(mutex_);
    const auto woken = [&] { return stopping_ || kicked_ || lost_; };
    if (refresh == Clock::time_point::max()) {
      wake_.wait(lock, woken);
    } else {
      wake_.wait_until(lock, refresh, woken);
    }
    kicked_ = false;
  }
  forget_acknowledged();
  say_goodbye();
}

bool Sender::connect_once() {
  // Whatever the previous client still holds (publishes accepted but never
  // written before the link dropped) must not reach the new connection.
  inflight_.clear();
  ahead_.clear();
  const int version = next_version_;
  renew_client(version);
  version_ = version == MQTTVERSION_5 ? 5 : 4;
  {
    std::lock_guard lock(mutex_);
    lost_ = false;
  }
  auto stopping = [&] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  auto lost = [&] {
    std::lock_guard lock(mutex_);
    return lost_;
  };
  try {
    const auto deadline = Clock::now() + config_.connect_timeout + std::chrono::seconds(1);
    std::string refused;
    int code = 0;
    if (!completes(client_->connect(options_for(version)), deadline, stopping, &refused, &code)) {
      ++connect_failures_;
      if (config_.protocol == "auto") {
        // A broker that answers MQTT 5 with "unacceptable protocol version"
        // speaks 3.1.1 only; a 3.1.1 attempt that fails may mean the broker
        // was replaced, so the next one asks for 5 again.
        if (version == MQTTVERSION_5 && refuses_version(code)) {
          next_version_ = MQTTVERSION_3_1_1;
        } else if (version == MQTTVERSION_3_1_1) {
          next_version_ = MQTTVERSION_5;
        }
      }
      {
        std::lock_guard lock(mutex_);
        if (!refused.empty()) last_connect_error_ = refused;
        if (last_connect_error_.empty()) last_connect_error_ = "no answer from the broker";
      }
      drop_connection();
      return false;
    }
    // Every (re)connect announces the gateway: the will may have set "offline"
    // while we were away, and a broker restarted without persistence forgot
    // the retained status altogether.
    std::string status;
    {
      std::lock_guard lock(mutex_);
      status = status_;
      status_sent_ = true;
    }
    auto announced = client_->publish(message(topics_.status(), status, kQos, true));
    if (!completes(announced, Clock::now() + config_.ack_timeout, lost)) {
      drop_connection();
      return false;
    }
  } catch (const ::mqtt::exception&) {
    drop_connection();
    return false;
  }
  std::lock_guard lock(mutex_);
  if (lost_) return false;
  // A broker restarted without persistence forgot them.
  for (auto& [topic, slot] : retained_) slot.sent = false;
  last_connect_error_.clear();
  connected_ = true;
  ++connects_;
  return true;
}

// A changed status, then incidents held in memory, go before the outbox:
// they are what a guard must see while the outbox cannot be written.
Sender::Drain Sender::send_status_and_memory() {
  auto lost = [&] {
    std::lock_guard lock(mutex_);
    return lost_;
  };
  for (;;) {
    std::string topic;
    std::string payload;
    bool retained = false;
    {
      std::lock_guard lock(mutex_);
      if (lost_) return Drain::link_failed;
      if (!status_sent_) {
        topic = topics_.status();
        payload = status_;
        retained = true;
        status_sent_ = true;
      } else if (!memory_.empty()) {
        std::tie(topic, payload) = memory_.front();
      } else {
        return Drain::idle;
      }
    }
    try {
      auto token = client_->publish(message(topic, payload, kQos, retained));
      if (!completes(token, Clock::now() + config_.ack_timeout, lost)) {
        if (retained) {
          std::lock_guard lock(mutex_);
          status_sent_ = false;
        }
        return Drain::link_failed;
      }
    } catch (const ::mqtt::exception&) {
      return Drain::link_failed;
    }
    if (!retained) {
      std::lock_guard lock(mutex_);
      memory_.pop_front();
      ++published_;
    }
  }
}

Sender::Drain Sender::drain() {
  auto lost = [&] {
    std::lock_guard lock(mutex_);
    return lost_;
  };
  const std::size_t window = std::max<std::size_t>(config_.inflight_window, 1);
  for (;;) {
    if (const Drain first = send_status_and_memory(); first != Drain::idle) return first;
    {
      std::lock_guard lock(mutex_);
      if (lost_) return Drain::link_failed;
      if (stopping_) return Drain::idle;  // what is not sent stays for the next start
    }
    if (!send_retained(lost)) return Drain::link_failed;
    // Fill the window (sliding: every PUBACK of the oldest frees a place)
    // from the rows read ahead, oldest first, as far as the rate allows.
    const auto now = Clock::now();
    while (inflight_.size() < window) {
      if (ahead_.empty() && !read_ahead()) return Drain::storage_failed;
      if (ahead_.empty() || !rate_.take(now)) break;
      try {
        auto& row = ahead_.front();
        auto token = client_->publish(message(row.topic, row.payload, row.qos, row.retain));
        inflight_.push_back(InFlight{std::move(row), std::move(token), now});
        ahead_.pop_front();
      } catch (const ::mqtt::exception&) {
        return Drain::link_failed;
      }
    }
    // Acknowledged rows are deleted in stretches, one commit each, while the
    // window just filled is in flight (so the delete overlaps the broker's
    // work instead of stalling the window), and whenever the outbox runs dry.
    // Should the process die before the delete, the rows are sent again
    // after restart: duplicates, never a loss.
    if (acked_through_ - deleted_through_ >= kDeleteStretch && !forget_acknowledged()) {
      return Drain::storage_failed;
    }
    if (inflight_.empty()) {
      if (!ahead_.empty()) {
        pause_until(rate_.next());  // only the rate holds the next row back
        continue;
      }
      backoff_ = config_.reconnect_min;
      if (!forget_acknowledged()) return Drain::storage_failed;
      return Drain::idle;
    }
    // Wait for the oldest's PUBACK (the broker acknowledges QoS 1 in order),
    // but when rows wait only for the rate, no longer than its next slot.
    const InFlight& oldest = inflight_.front();
    auto until = std::min(oldest.sent_at + config_.ack_timeout, now + kPoll);
    if (rate_.limited() && !ahead_.empty() && inflight_.size() < window) {
      until = std::min(until, rate_.next());
    }
    try {
      if (!oldest.token->wait_until(until)) {
        if (lost() || Clock::now() >= oldest.sent_at + config_.ack_timeout) {
          return Drain::link_failed;
        }
        continue;
      }
    } catch (const ::mqtt::exception&) {
      return Drain::link_failed;  // Paho failed the publish: the link is gone
    }
    // It and every row acknowledged behind it are done. Counted before the
    // rows go, so whoever sees the outbox empty also sees the count.
    std::uint64_t acked = 0;
    while (!inflight_.empty() && inflight_.front().token->is_complete() &&
           inflight_.front().token->get_return_code() == MQTTASYNC_SUCCESS) {
      acked_through_ = inflight_.front().row.id;
      ++acked;
      inflight_.pop_front();
    }
    published_ += acked;
    backoff_ = config_.reconnect_min;
  }
}

bool Sender::read_ahead() {
  // After the newest row in flight, or the newest acknowledged when none is.
  const std::int64_t after = inflight_.empty() ? acked_through_ : inflight_.back().row.id;
  try {
    for (auto& row : outbox_.peek_after(after, kReadAhead)) ahead_.push_back(std::move(row));
  } catch (const OutboxError&) {
    return false;
  }
  return true;
}

bool Sender::forget_acknowledged() {
  if (acked_through_ <= deleted_through_) return true;
  try {
    outbox_.remove_through(acked_through_);
  } catch (const OutboxError&) {
    return false;
  }
  deleted_through_ = acked_through_;
  { std::lock_guard lock(mutex_); }
  progress_.notify_all();
  return true;
}

void Sender::drop_connection() {
  connected_ = false;
  // Unacknowledged rows stay in the outbox; the next connect resends them
  // from the oldest, in order.
  inflight_.clear();
  ahead_.clear();
  try {
    client_->disconnect(std::chrono::milliseconds(0))->wait_for(std::chrono::seconds(1));
  } catch (const ::mqtt::exception&) {
    // already disconnected, or never got connected
  }
}

void Sender::say_goodbye() {
  if (!connected_) return;
  auto lost = [&] {
    std::lock_guard lock(mutex_);
    return lost_;
  };
  send_retained(lost);  // the checkpoint signed at a clean stop
  try {
    // Retained, so a console that subscribes later sees the gateway went away
    // on purpose; a clean disconnect makes the broker drop the will.
    auto token = client_->publish(message(topics_.status(), offline_, kQos, true));
    completes(token, Clock::now() + config_.ack_timeout, lost);
    client_->disconnect(std::chrono::milliseconds(1000))->wait_for(std::chrono::seconds(2));
  } catch (const ::mqtt::exception&) {
    // the broker went away meanwhile: its will says offline for us
  }
  connected_ = false;
}

void Sender::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, d, [&] { return stopping_; });
}

void Sender::pause_until(Clock::time_point t) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, t, [&] { return stopping_ || lost_; });
}

}  // namespace vigil::mqtt
