#include "sender.hpp"

#include <algorithm>
#include <tuple>

#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kQos = 1;
// How often a wait on a Paho token looks up to see whether to give up.
constexpr auto kPoll = std::chrono::milliseconds(20);

std::string server_uri(const PublisherConfig& c) {
  const bool ipv6 = c.host.find(':') != std::string::npos;
  return std::string{c.tls.enabled() ? "ssl://" : "tcp://"} + (ipv6 ? "[" + c.host + "]" : c.host) +
         ":" + std::to_string(c.port);
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
               std::string* why = nullptr) {
  try {
    while (!token->wait_for(kPoll)) {
      if (give_up() || Clock::now() >= deadline) return false;
    }
    return true;
  } catch (const ::mqtt::exception& e) {
    if (why != nullptr) *why = e.what();
    return false;  // the broker refused, or Paho failed the operation
  }
}

}  // namespace

Sender::Sender(const PublisherConfig& config, const TopicTree& topics, Outbox& outbox)
    : config_(config),
      topics_(topics),
      outbox_(outbox),
      online_(status_payload(GatewayState::online, topics.site(), topics.gateway())),
      offline_(status_payload(GatewayState::offline, topics.site(), topics.gateway())),
      status_(online_),
      backoff_(config.reconnect_min) {
  connect_options_ = ::mqtt::connect_options_builder()
                         .mqtt_version(MQTTVERSION_3_1_1)
                         // Clean: Paho must not resend on its own; the outbox resends,
                         // in order, exactly the rows the broker has not acknowledged.
                         .clean_session(true)
                         .keep_alive_interval(config.keepalive)
                         .connect_timeout(config.connect_timeout)
                         .will(::mqtt::will_options(topics.status(), offline_, kQos, true))
                         .finalize();
  if (!config.username.empty()) {
    connect_options_.set_user_name(config.username);
    connect_options_.set_password(config.password);
  }
  if (config.tls.enabled()) {
    auto ssl = ::mqtt::ssl_options_builder()
                   .trust_store(config.tls.ca_file)
                   .enable_server_cert_auth(true)
                   .verify(config.tls.verify_hostname)
                   .ssl_version(MQTT_SSL_VERSION_TLS_1_2)
                   .error_handler([this](const std::string& why) {
                     std::lock_guard lock(mutex_);
                     last_connect_error_ = "TLS: " + why;
                   })
                   .finalize();
    if (!config.tls.cert_file.empty()) ssl.set_key_store(config.tls.cert_file);
    if (!config.tls.key_file.empty()) ssl.set_private_key(config.tls.key_file);
    connect_options_.set_ssl(std::move(ssl));
  }
  renew_client();
}

void Sender::renew_client() {
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
  client_ = std::make_unique<::mqtt::async_client>(server_uri(config_), client_id(config_));
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

void Sender::set_retained(std::string topic, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    auto& slot = retained_[std::move(topic)];
    slot.payload = std::move(payload);
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
  for (;;) {
    std::string topic, payload;
    {
      std::lock_guard lock(mutex_);
      auto it = std::find_if(retained_.begin(), retained_.end(),
                             [](const auto& slot) { return !slot.second.sent; });
      if (it == retained_.end()) return true;
      topic = it->first;
      payload = it->second.payload;
    }
    try {
      auto token = client_->publish(::mqtt::make_message(topic, payload, kQos, true));
      if (!completes(token, Clock::now() + config_.ack_timeout, lost)) return false;
    } catch (const ::mqtt::exception&) {
      return false;
    }
    std::lock_guard lock(mutex_);
    auto& slot = retained_[topic];
    ++slot.published;
    if (slot.payload == payload) slot.sent = true;  // a newer one waits otherwise
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
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return stopping_ || kicked_ || lost_; });
    kicked_ = false;
  }
  forget_acknowledged();
  say_goodbye();
}

bool Sender::connect_once() {
  // Whatever the previous client still holds (publishes accepted but never
  // written before the link dropped) must not reach the new connection.
  inflight_.clear();
  renew_client();
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
    if (!completes(client_->connect(connect_options_), deadline, stopping, &refused)) {
      ++connect_failures_;
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
    auto announced = client_->publish(::mqtt::make_message(topics_.status(), status, kQos, true));
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
      auto token = client_->publish(::mqtt::make_message(topic, payload, kQos, retained));
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
  for (;;) {
    if (const Drain first = send_status_and_memory(); first != Drain::idle) return first;
    {
      std::lock_guard lock(mutex_);
      if (lost_) return Drain::link_failed;
      if (stopping_) return Drain::idle;  // what is not sent stays for the next start
    }
    if (!send_retained(lost)) return Drain::link_failed;
    // Fill the window: rows after the newest in flight, oldest first, no
    // faster than max_rate.
    std::int64_t after = inflight_.empty() ? acked_through_ : inflight_.back().row.id;
    while (inflight_.size() < std::max<std::size_t>(config_.inflight_window, 1)) {
      std::vector<OutboxMessage> next;
      try {
        next = outbox_.peek_after(after, config_.inflight_window - inflight_.size());
      } catch (const OutboxError&) {
        return Drain::storage_failed;
      }
      if (next.empty()) break;
      for (auto& row : next) {
        pace();
        try {
          auto token =
              client_->publish(::mqtt::make_message(row.topic, row.payload, row.qos, row.retain));
          after = row.id;
          inflight_.push_back(InFlight{std::move(row), std::move(token)});
        } catch (const ::mqtt::exception&) {
          return Drain::link_failed;
        }
      }
    }
    if (inflight_.empty()) {
      backoff_ = config_.reconnect_min;
      if (!forget_acknowledged()) return Drain::storage_failed;
      return Drain::idle;
    }
    // The oldest must be acknowledged before the window moves on.
    if (!completes(inflight_.front().token, Clock::now() + config_.ack_timeout, lost)) {
      return Drain::link_failed;
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
    // Deleted in stretches of a few windows, one commit each, and whenever the
    // outbox runs dry. Should the process die before the delete, the rows are
    // sent again after restart: duplicates, never a loss.
    if (acked_through_ - deleted_through_ >=
            static_cast<std::int64_t>(4 * std::max<std::size_t>(config_.inflight_window, 8)) &&
        !forget_acknowledged()) {
      return Drain::storage_failed;
    }
  }
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

void Sender::pace() {
  if (config_.max_rate == 0) return;
  const auto gap =
      std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) / config_.max_rate;
  // A token bucket: up to kBurst ahead of the rate goes at once, so a high
  // rate does not cost a sleep per message.
  constexpr auto kBurst = std::chrono::milliseconds(5);
  const auto now = Clock::now();
  next_send_ = std::max(next_send_, now - kBurst) + gap;
  if (next_send_ > now) {
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, next_send_, [&] { return stopping_ || lost_; });
  }
}

void Sender::drop_connection() {
  connected_ = false;
  // Unacknowledged rows stay in the outbox; the next connect resends them
  // from the oldest, in order.
  inflight_.clear();
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
    auto token = client_->publish(::mqtt::make_message(topics_.status(), offline_, kQos, true));
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

}  // namespace vigil::mqtt
