#include "vigil/mqtt/command_link.hpp"

#include <mqtt/async_client.h>

#include <chrono>

#include "vigil/mqtt/connect_options.hpp"

namespace vigil::mqtt {
namespace {

constexpr int kQos = 1;
constexpr auto kBackoffMin = std::chrono::milliseconds(250);
constexpr auto kBackoffMax = std::chrono::seconds(2);
// A command a console is waiting on: replies too old to matter expire
// (MQTT 5 message expiry) instead of reaching a console hours later.
constexpr int kReplyExpirySeconds = 60;

std::string client_id(const PublisherConfig& c) {
  const std::string base =
      c.client_id.empty() ? "vigil-" + c.site.str() + "-" + c.gateway.str() : c.client_id;
  return base + "-cmd";
}

}  // namespace

CommandLink::CommandLink(PublisherConfig config, std::string protocol, CommandHandler handler)
    : config_(std::move(config)),
      protocol_(std::move(protocol)),
      handler_(std::move(handler)),
      topics_(config_.topic_root, config_.site, config_.gateway) {}

CommandLink::~CommandLink() {
  stop();
}

void CommandLink::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread(&CommandLink::run, this);
}

void CommandLink::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (client_) {
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const ::mqtt::exception&) {
      // going away regardless
    }
    client_.reset();
  }
  connected_ = false;
}

bool CommandLink::connect_once(int version) {
  client_.reset();
  ::mqtt::create_options create(version);
  client_ = std::make_unique<::mqtt::async_client>(
      server_uri(config_.host, config_.port, config_.tls.enabled()), client_id(config_), create,
      nullptr);
  client_->set_connection_lost_handler([this](const std::string&) {
    {
      std::lock_guard lock(mutex_);
      lost_ = true;
    }
    connected_ = false;
    wake_.notify_all();
  });
  client_->set_message_callback([this](::mqtt::const_message_ptr msg) {
    Queued q;
    const std::string& topic = msg->get_topic();
    q.command.name = topic.substr(topic.rfind('/') + 1);
    q.command.payload = msg->to_string();
    q.command.retained = msg->is_retained();
    const auto& props = msg->get_properties();
    if (props.contains(::mqtt::property::RESPONSE_TOPIC)) {
      q.response_topic = ::mqtt::get<std::string>(props, ::mqtt::property::RESPONSE_TOPIC);
    }
    if (props.contains(::mqtt::property::CORRELATION_DATA)) {
      q.correlation = ::mqtt::get<::mqtt::binary>(props, ::mqtt::property::CORRELATION_DATA);
    }
    {
      std::lock_guard lock(mutex_);
      // A burst beyond this is dropped unanswered rather than growing
      // without bound; a console times out and asks again.
      if (queue_.size() >= 256) return;
      queue_.push_back(std::move(q));
    }
    wake_.notify_all();
  });
  // Clean: a command queued for us while vigild was away would arrive stale.
  const auto options =
      connect_options(config_.login(), config_.keepalive, config_.connect_timeout, version);
  try {
    {
      std::lock_guard lock(mutex_);
      lost_ = false;
    }
    auto token = client_->connect(options);
    if (!token->wait_for(config_.connect_timeout + std::chrono::seconds(1))) return false;
    auto sub = client_->subscribe(topics_.prefix() + "/cmd/+", kQos);
    if (!sub->wait_for(config_.connect_timeout)) return false;
  } catch (const ::mqtt::exception&) {
    return false;
  }
  version_ = version == MQTTVERSION_5 ? 5 : 4;
  connected_ = true;
  return true;
}

void CommandLink::publish_reply(const Queued& q, const OutgoingReply& reply) {
  if (!client_ || !connected_) return;  // the console times out and asks again
  try {
    auto msg = ::mqtt::make_message(topics_.prefix() + "/reply/" + topic_level(reply.id),
                                    reply.payload, kQos, false);
    if (version_ == 5) {
      ::mqtt::properties props;
      props.add({::mqtt::property::MESSAGE_EXPIRY_INTERVAL, kReplyExpirySeconds});
      msg->set_properties(props);
    }
    client_->publish(msg);
    if (version_ == 5 && !q.response_topic.empty()) {
      auto direct = ::mqtt::make_message(q.response_topic, reply.payload, kQos, false);
      ::mqtt::properties props;
      props.add({::mqtt::property::MESSAGE_EXPIRY_INTERVAL, kReplyExpirySeconds});
      if (!q.correlation.empty()) {
        props.add({::mqtt::property::CORRELATION_DATA, ::mqtt::binary(q.correlation)});
      }
      direct->set_properties(props);
      client_->publish(direct);
    }
  } catch (const ::mqtt::exception&) {
    // a reply lost with the link: the command's record is in the journal
  }
}

void CommandLink::run() {
  auto backoff = std::chrono::milliseconds(kBackoffMin);
  bool try_v5 = protocol_ != "3.1.1";
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (!connected_) {
      const int version = try_v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
      if (!connect_once(version)) {
        // "auto": a broker that refuses 5 gets 3.1.1 next time (and so on).
        if (protocol_ == "auto") try_v5 = !try_v5;
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, backoff, [&] { return stopping_; });
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, kBackoffMax);
        continue;
      }
      backoff = kBackoffMin;
    }
    std::optional<Queued> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || lost_ || !queue_.empty(); });
      if (stopping_) return;
      if (queue_.empty()) continue;  // lost: reconnect
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    std::optional<OutgoingReply> reply;
    try {
      reply = handler_(next->command);
    } catch (const std::exception&) {
      reply.reset();  // the handler journals its own failures
    }
    ++handled_;
    if (reply) publish_reply(*next, *reply);
  }
}

}  // namespace vigil::mqtt
