// The incident publisher: incidents go into the durable Outbox, and a sender
// thread drains the outbox to the broker over a Paho async client.
//
// On every (re)connect (clean session, last will = status "offline",
// retained, QoS 1) it publishes status "online" (retained), then sends the
// outbox in id order at QoS 1 with a sliding window of up to
// `inflight_window` messages in flight (each PUBACK of the oldest frees a
// place), at most `max_rate` a second: a row is removed only after the
// broker's PUBACK. The broker acknowledges QoS 1 in order, and after a lost
// connection the outbox is sent again from its oldest unacknowledged row, so
// a console sees every incident, in order of first arrival, with possible
// duplicates (same "id") and never a gap. When the broker is down or goes
// away it reconnects with exponential backoff (docs/mqtt.md).
// Under MQTT 5 (broker.protocol) door and zone states carry a message expiry
// and are published again before it runs out while the gateway lives.
//
// Threads: publish_incident(), stats(), connected() and wait_drained() may be
// called from any thread (the daemon's event loop) while Paho's callbacks run
// on Paho's threads. Only the sender thread touches the Paho client.
// start()/stop() belong to the owner. The destructor stops.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vigil/core/ids.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/mqtt/broker_login.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/payload.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::mqtt {

struct PublisherConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string client_id;  // empty: "vigil-<site>-<gateway>"
  std::chrono::seconds keepalive{30};
  std::string topic_root = "vigil";
  TlsConfig tls;
  std::string username;  // empty: none
  std::string password;  // sent only with a username
  core::SiteId site;
  core::GatewayId gateway;
  // The journal segment id put in incident ids (payload.hpp); empty: none.
  std::string incident_segment;
  // Reconnect backoff: doubles from min to max while the broker is unreachable.
  std::chrono::milliseconds reconnect_min{250};
  std::chrono::milliseconds reconnect_max{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // No PUBACK within this time: the link is treated as dead and reconnected
  // (the message is sent again: a possible duplicate, never a loss).
  std::chrono::milliseconds ack_timeout{10'000};
  // Outbox rows published before the oldest is acknowledged. Order holds:
  // the broker acknowledges QoS 1 in order and a reconnect resends from the
  // oldest unacknowledged row (a possible duplicate, never a gap).
  std::size_t inflight_window = 32;
  // Outbox rows published per second at most, on average (0: unlimited), so
  // a replay of days of backlog can be held below what a link or a console
  // takes. Rate left unused during a stall is kept for up to 100 ms (or a
  // window) and spent at once (rate_limit.hpp). The default is above what a
  // loopback broker takes (about 20,000/s on the test machine): a lower cap
  // is a site's choice for its uplink, not a default (docs/design.md).
  std::uint32_t max_rate = 50'000;
  // "5", "3.1.1" or "auto": 5, falling back to 3.1.1 when the broker refuses
  // it (docs/mqtt.md, "MQTT 5"). Under 5 the door and zone states carry a
  // message expiry; nothing else changes on the wire.
  std::string protocol = "auto";
  // Message expiry of the retained door and zone states under MQTT 5, so a
  // dead gateway's states do not look live forever (0: they never expire).
  // A live gateway publishes each again after half of it.
  std::chrono::seconds state_expiry{3600};

  BrokerLogin login() const { return {username, password, tls}; }
};

struct PublisherStats {
  std::uint64_t published = 0;  // acknowledged by the broker, since start
  std::size_t pending = 0;      // rows in the outbox not yet acknowledged
  bool connected = false;
  std::uint64_t connects = 0;          // successful (re)connects, since start
  std::uint64_t connect_failures = 0;  // refused or failed attempts (TLS, credentials, network)
  std::string last_connect_error;      // why the newest failed attempt failed
  std::uint64_t enqueue_failures = 0;  // incidents the outbox could not store
  // Publishes the Paho client still held, unwritten, when its connection was
  // lost; discarded at reconnect (their rows are resent from the outbox, in
  // order). Nonzero only after a link failure during a replay.
  std::uint64_t stale_discarded = 0;
  // Of `published`, rows published by the committing thread itself
  // (outbox_committed(): the sender had nothing older to send).
  std::uint64_t published_directly = 0;
};

class Sender;  // the thread that owns the Paho client (src/sender.hpp)

class Publisher {
 public:
  // Validates the config (throws std::invalid_argument: empty site/gateway,
  // bad topic levels, zero port, min backoff above max). No I/O yet. The
  // outbox must outlive the publisher.
  Publisher(PublisherConfig config, Outbox& outbox);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Starts the sender thread: connect, announce online, drain. Returns at once;
  // a broker that is down is retried in the background.
  void start();
  // If connected: waits for the message in flight, publishes status "offline"
  // (retained), disconnects. Rows not yet sent stay in the outbox for the next
  // start. Idempotent.
  void stop();

  // Stores the incident in the outbox (durable on return) and wakes the
  // sender. Failure is a value: count it, log it, carry on.
  [[nodiscard]] EnqueueResult publish_incident(const core::Incident& incident);

  // The newest signed journal checkpoint (its JSON), published retained at
  // QoS 1 on topics().checkpoint(): now if connected, else on the next
  // connect, and again after every reconnect. Only the newest is kept (not
  // in the outbox: the checkpoint file beside the journal is its durable
  // copy). Any thread.
  void publish_checkpoint(std::string payload);
  // A door's state JSON (door_state.hpp), retained at QoS 1 on
  // topics().door_state(door); only the newest per door is kept and sent, now
  // or at the next connect, and again after every reconnect. Any thread.
  void publish_door_state(const core::DoorId& door, std::string payload);
  // A zone's state JSON (zone_state.hpp), retained and collapsed like a
  // door's, on topics().zone_state(zone).
  void publish_zone_state(const core::ZoneId& zone, std::string payload);
  // A zone's muster list (muster.hpp), retained and collapsed the same way,
  // on topics().muster(zone).
  void publish_muster(const core::ZoneId& zone, std::string payload);
  // The meeting digest (digest.hpp), retained on topics().digest(); only the
  // newest is kept. Any thread.
  void publish_digest(std::string payload);
  // The MQTT version of the current (or last) connection: 5, 4 (3.1.1), or 0
  // before the first.
  int mqtt_version() const;
  // Checkpoints the broker has acknowledged since start.
  std::uint64_t checkpoints_published() const;
  // Publishes the incident at QoS 1 without storing it: for an incident that
  // cannot be stored (journal_failing while the disk is full). Held in memory
  // until the broker acknowledges it (lost if the process stops first), and
  // sent before any outbox row. Any thread.
  void publish_from_memory(const core::Incident& incident);
  // Sets the retained status ("online" or "degraded" with a reason) now if
  // connected, else at the next connect. "offline" stays the will's. Any thread.
  void set_status(GatewayState state, std::string reason = {});

  // Rows were inserted into the outbox by another connection (the journal
  // writer's transaction) and have committed: wake the sender. Any thread.
  void outbox_changed();
  // The same, with the rows themselves (ids, topics, payloads, in id order,
  // as just committed): the sender takes them from memory instead of
  // reading them back, and when it has nothing older to send they are
  // published from the calling thread at once (the journal writer's, after
  // the commit's fsync). They stay in the outbox until their PUBACK, as any
  // row. Empty: nothing happens. Any thread.
  void outbox_committed(std::vector<OutboxMessage> rows);
  // Before start(): the journal writer deletes the acknowledged rows in its
  // own transactions (through acknowledged_through()), so the sender no
  // longer deletes them when the outbox runs dry; it still does in stretches
  // of a long backlog, after a lost link and at stop. A row acknowledged but
  // not yet deleted when the process dies is sent again by the next start
  // (a duplicate a console drops by id, never a loss).
  void leave_deletes_to_writer();
  // The newest outbox id the broker has acknowledged (on any connection of
  // this process, in order: every row up to it). Any thread.
  std::int64_t acknowledged_through() const;
  // The journal writer's transaction deletes rows through `id`: the sender
  // need not. Any thread.
  void outbox_deleted_through(std::int64_t id);

  PublisherStats stats() const;
  bool connected() const;
  // Waits until every outbox row is acknowledged; false on timeout. For an orderly shutdown
  // ("give pending incidents a moment") and for tests.
  bool wait_drained(std::chrono::milliseconds timeout);

  const TopicTree& topics() const { return topics_; }
  const PublisherConfig& config() const { return config_; }

 private:
  PublisherConfig config_;
  TopicTree topics_;
  Outbox& outbox_;
  std::atomic<std::uint64_t> enqueue_failures_{0};
  std::unique_ptr<Sender> sender_;
};

}  // namespace vigil::mqtt
