#include "vigil/mqtt/publisher.hpp"

#include <stdexcept>

#include "sender.hpp"
#include "vigil/mqtt/payload.hpp"

namespace vigil::mqtt {
namespace {

const PublisherConfig& checked(const PublisherConfig& c) {
  if (c.host.empty()) throw std::invalid_argument("mqtt: broker host is empty");
  if (c.port == 0) throw std::invalid_argument("mqtt: broker port is 0");
  if (c.keepalive.count() <= 0) throw std::invalid_argument("mqtt: keepalive must be positive");
  if (c.reconnect_min.count() <= 0 || c.reconnect_min > c.reconnect_max) {
    throw std::invalid_argument("mqtt: reconnect backoff needs 0 < min <= max");
  }
  if (!c.password.empty() && c.username.empty()) {
    throw std::invalid_argument("mqtt: a password needs a username");
  }
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
    throw std::invalid_argument(
        "mqtt: a client certificate needs its key, and a key its certificate");
  }
  if (!c.tls.enabled() && !(c.tls.cert_file.empty() && c.tls.key_file.empty())) {
    throw std::invalid_argument("mqtt: a client certificate needs TLS (a CA file)");
  }
  if (c.protocol != "5" && c.protocol != "3.1.1" && c.protocol != "auto") {
    throw std::invalid_argument("mqtt: protocol '" + c.protocol + "' is not 5, 3.1.1 or auto");
  }
  // MQTT 5 carries the expiry as a 32-bit count of seconds.
  if (c.state_expiry.count() < 0 || c.state_expiry.count() > 0xFFFF'FFFFLL) {
    throw std::invalid_argument("mqtt: state expiry must be between 0 and 2^32-1 seconds");
  }
  if (c.connect_timeout.count() <= 0 || c.ack_timeout.count() <= 0) {
    throw std::invalid_argument("mqtt: timeouts must be positive");
  }
  return c;
}

}  // namespace

Publisher::Publisher(PublisherConfig config, Outbox& outbox)
    : config_(checked(std::move(config))),
      topics_(config_.topic_root, config_.site, config_.gateway),
      outbox_(outbox),
      sender_(std::make_unique<Sender>(config_, topics_, outbox_)) {}

Publisher::~Publisher() {
  stop();
}

void Publisher::start() {
  sender_->start();
}

void Publisher::stop() {
  sender_->stop();
}

EnqueueResult Publisher::publish_incident(const core::Incident& incident) {
  EnqueueResult stored = outbox_.enqueue(
      topics_.incident(incident),
      incident_payload(incident, config_.site, config_.gateway, config_.incident_segment));
  if (!stored) {
    ++enqueue_failures_;
    return stored;
  }
  sender_->kick();
  return stored;
}

void Publisher::publish_checkpoint(std::string payload) {
  sender_->set_retained(topics_.checkpoint(), std::move(payload));
}

void Publisher::publish_door_state(const core::DoorId& door, std::string payload) {
  sender_->set_retained(topics_.door_state(door), std::move(payload), config_.state_expiry);
}

void Publisher::publish_zone_state(const core::ZoneId& zone, std::string payload) {
  sender_->set_retained(topics_.zone_state(zone), std::move(payload), config_.state_expiry);
}

void Publisher::publish_muster(const core::ZoneId& zone, std::string payload) {
  sender_->set_retained(topics_.muster(zone), std::move(payload), config_.state_expiry);
}

void Publisher::publish_digest(std::string payload) {
  sender_->set_retained(topics_.digest(), std::move(payload));
}

int Publisher::mqtt_version() const {
  return sender_->mqtt_version();
}

std::uint64_t Publisher::checkpoints_published() const {
  return sender_->retained_published(topics_.checkpoint());
}

void Publisher::publish_from_memory(const core::Incident& incident) {
  sender_->send_from_memory(
      topics_.incident(incident),
      incident_payload(incident, config_.site, config_.gateway, config_.incident_segment));
}

void Publisher::set_status(GatewayState state, std::string reason) {
  sender_->set_status(status_payload(state, config_.site, config_.gateway, reason));
}

void Publisher::outbox_changed() {
  sender_->kick();
}

void Publisher::outbox_committed(std::vector<OutboxMessage> rows) {
  sender_->committed(std::move(rows));
}

void Publisher::leave_deletes_to_writer() {
  sender_->leave_deletes_to_writer();
}

std::int64_t Publisher::acknowledged_through() const {
  return sender_->acknowledged_through();
}

void Publisher::outbox_deleted_through(std::int64_t id) {
  sender_->deleted_elsewhere(id);
}

PublisherStats Publisher::stats() const {
  PublisherStats s;
  s.published = sender_->published();
  s.connected = sender_->connected();
  s.connects = sender_->connects();
  s.connect_failures = sender_->connect_failures();
  s.last_connect_error = sender_->last_connect_error();
  s.enqueue_failures = enqueue_failures_;
  s.stale_discarded = sender_->stale_discarded();
  s.published_directly = sender_->published_directly();
  try {
    s.pending = outbox_.count_after(sender_->acknowledged_through());
  } catch (const OutboxError&) {
    s.pending = 0;  // unknown; the sender reports the storage problem by not draining
  }
  return s;
}

bool Publisher::connected() const {
  return sender_->connected();
}

bool Publisher::wait_drained(std::chrono::milliseconds timeout) {
  return sender_->wait_drained(timeout);
}

}  // namespace vigil::mqtt
