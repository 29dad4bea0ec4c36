// The sender thread behind Publisher: owns the Paho async client, connects
// with backoff, announces the gateway online and drains the outbox through a
// sliding window of acknowledged messages. Private to vigil_mqtt. Its parts:
// sender.cpp (the thread, its loop and the calls from other threads),
// sender_connection.cpp (the Paho client, connect, disconnect, goodbye),
// sender_window.cpp (the window in flight, the outbox read ahead of it, the
// rate limit and the delete of acknowledged rows) and sender_retained.cpp
// (retained states, kept newest per topic and refreshed before they expire).
// Retained states and outbox rows are both published with several in flight:
// the thread waits on one condition variable for new work and for Paho's
// answers alike, so an incident never waits for a state's PUBACK.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/mqtt/rate_limit.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::mqtt {

class Sender {
 public:
  Sender(const PublisherConfig& config, const TopicTree& topics, Outbox& outbox);
  ~Sender();  // stop()
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  void start();
  void stop();
  // New rows in the outbox: send them if connected. Any thread.
  void kick();
  // Rows the journal writer has just committed to the outbox (in id order),
  // handed over in memory so that nobody reads them back from SQLite. When
  // the sender thread is parked with nothing older to send (no row, state or
  // status waiting, the newest row it knows is just before them, room in the
  // window and the rate), the caller publishes them itself, at once: no
  // wake-up of the sender thread on the incident's path (sender_direct.cpp).
  // Otherwise they are queued for the sender thread, which takes them
  // instead of reading the outbox when they follow the rows it has, and
  // reads the outbox when they do not. Either way the rows stay in the
  // outbox until their PUBACK, as any row. Any thread.
  void committed(std::vector<OutboxMessage> rows);
  // Outbox rows published by committed()'s caller rather than the sender
  // thread, since start.
  std::uint64_t published_directly() const { return published_directly_; }
  // Publisher::leave_deletes_to_writer(), acknowledged_through(),
  // outbox_deleted_through().
  void leave_deletes_to_writer() { writer_deletes_ = true; }
  std::int64_t acknowledged_through() const { return acked_shared_.load(); }
  void deleted_elsewhere(std::int64_t id);
  // Queued in memory, sent before the outbox's rows. Any thread.
  void send_from_memory(std::string topic, std::string payload);
  // The retained status payload announced now and on every connect. Any thread.
  void set_status(std::string payload);

  bool connected() const { return connected_; }
  std::uint64_t published() const { return published_; }
  std::uint64_t connects() const { return connects_; }
  std::uint64_t connect_failures() const { return connect_failures_; }
  std::uint64_t stale_discarded() const { return stale_discarded_; }
  // 5 or 4 (3.1.1) for the current (or last) connection; 0 before the first.
  int mqtt_version() const { return version_; }
  std::string last_connect_error() const {
    std::lock_guard lock(mutex_);
    return last_connect_error_;
  }
  // Replaces the retained message of `topic` (the newest checkpoint, a door's
  // state): only the newest per topic is kept, so a state superseded while
  // the broker was away is never sent. Sent before the next outbox row, again
  // after every (re)connect, and before goodbye. With an `expiry` (0: none)
  // it carries that message expiry under MQTT 5 and is published again after
  // half of it, so it stays retained while the gateway lives. Any thread.
  void set_retained(std::string topic, std::string payload,
                    std::chrono::seconds expiry = std::chrono::seconds(0));
  // Retained messages of `topic` the broker acknowledged since start.
  std::uint64_t retained_published(const std::string& topic) const;
  // Any thread. True once every outbox row is acknowledged.
  bool wait_drained(std::chrono::milliseconds timeout);

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr int kQos = 1;
  // How often a wait on a Paho token looks up to see whether to give up.
  static constexpr auto kPoll = std::chrono::milliseconds(20);

  enum class Drain { idle, link_failed, storage_failed };

  // Told by Paho when a publish is answered (PUBACK, or a failure): wakes
  // the sender thread, which waits for answers and new work on wake_.
  class Answers : public ::mqtt::iaction_listener {
   public:
    explicit Answers(Sender& sender) : sender_(sender) {}
    void on_success(const ::mqtt::token&) override { sender_.answered(); }
    void on_failure(const ::mqtt::token&) override { sender_.answered(); }

   private:
    Sender& sender_;
  };
  void answered();

  // True when the token completed successfully before the deadline. Gives up
  // early (false) as soon as give_up() holds: the connection was lost, or
  // stop() does not want to wait for a broker that is not answering.
  // `why` and `code`, when given, receive Paho's reason for a failure.
  static bool completes(const ::mqtt::token_ptr& token, Clock::time_point deadline,
                        const std::function<bool()>& give_up, std::string* why = nullptr,
                        int* code = nullptr);
  // Paho reported the connection lost since the last connect. Any thread.
  bool link_lost() const;
  // stop() was called. Any thread.
  bool stop_requested() const;

  void run();
  bool connect_once();
  // The options of a connection of this MQTT version (will and TLS included).
  ::mqtt::connect_options options_for(int version);
  // A message of this connection's version: the expiry goes only on MQTT 5.
  ::mqtt::message_ptr message(const std::string& topic, const std::string& payload, int qos,
                              bool retained, std::chrono::seconds expiry = {}) const;
  struct RetainedSlot;
  // When `slot` must be published again: half its expiry after it was sent.
  static std::chrono::steady_clock::time_point refresh_due(const RetainedSlot& slot);
  // When the soonest expiring retained slot must be published again
  // (max() when none must).
  std::chrono::steady_clock::time_point next_refresh() const;
  Drain drain();
  // Books what the broker answered, in order, without waiting: the outbox
  // rows acknowledged (acked_through_) and the retained states. False when
  // Paho failed one (the link is gone).
  bool take_answers();
  // Waits until Paho answers a publish, new work comes, the link is lost,
  // stop() is called, or `until`.
  void wait_for_answer(Clock::time_point until);
  // The deadline of the drain's wait: the oldest publish's ack_timeout, the
  // rate's next slot when it holds rows back, and at most kPoll ahead.
  Clock::time_point wait_deadline(Clock::time_point now, std::size_t window) const;
  // True when a publish in flight has waited longer than ack_timeout.
  bool answer_overdue(Clock::time_point now) const;
  // Reads the next rows after those in flight into ahead_ (which is empty);
  // false if the outbox could not be read.
  bool read_ahead();
  // Publishes one outbox row at QoS 1 with the answers listener and puts it
  // in the window; throws ::mqtt::exception as Paho's publish does.
  void publish_row(OutboxMessage&& row, Clock::time_point now);

  // The direct path (sender_direct.cpp). While the sender thread is parked
  // (waiting for an answer or for work) with nothing older than the next
  // committed row to send, direct_open_ says so, and committed() may claim
  // the sender's own state (the client, the window, the read-ahead, the
  // rate) by setting direct_busy_: the parked thread, once woken, waits
  // for the claim to end before it touches any of it.
  // True when nothing waits that must go before a newly committed row
  // (mutex_ held; the sender thread, or the claim's holder).
  bool nothing_before_committed() const;
  // mutex_ held, as the sender thread parks: opens the direct path if
  // nothing_before_committed().
  void park_direct();
  // mutex_ held by `lock`, after a park: closes the direct path and waits
  // out a claim in progress. Sender thread.
  void close_direct(std::unique_lock<std::mutex>& lock);
  // Publishes the rows as far as the window and the rate allow; the rest go
  // to ahead_. True when rows were left for the sender thread. Claim held.
  bool publish_directly(std::vector<OutboxMessage>& rows);
  // Sender thread: the rows committed() queued, appended to ahead_ when they
  // follow the newest row known, else the outbox is read (they are in it).
  void take_handed(std::deque<OutboxMessage>& handed);
  Drain send_status_and_memory();
  // Deletes the acknowledged rows not yet deleted (through acked_through_).
  // False if the outbox could not be written.
  bool forget_acknowledged();
  void drop_connection();
  // Replaces client_ with a fresh one, discarding whatever the old one still
  // had queued.
  void renew_client(int version);
  void say_goodbye();
  // Publishes every retained slot that has not reached this connection, or
  // is due again before it expires, without waiting for the PUBACKs (one in
  // flight per topic, up to the window in all); false when the link failed.
  bool send_retained();
  // send_retained(), then waits until the broker has acknowledged them all
  // (before the goodbye); false when the link failed.
  bool send_retained_and_wait();
  // Sleeps for `d` unless stop() is called.
  void pause(std::chrono::milliseconds d);

  const PublisherConfig& config_;
  const TopicTree& topics_;
  Outbox& outbox_;
  const std::string online_;
  const std::string offline_;

  // Declared before client_: Paho's callbacks use them until client_ is gone.
  mutable std::mutex mutex_;
  std::condition_variable wake_;      // work, connection lost, stop
  std::condition_variable progress_;  // a row left the outbox
  bool stopping_ = false;
  bool kicked_ = false;
  bool outbox_changed_ = false;  // kick(): rows committed since the sender last looked
  bool answered_ = false;        // Paho answered a publish since the last wait
  bool lost_ = false;
  std::string status_;                                      // what the retained status should say
  bool status_sent_ = true;                                 // status_ announced on this connection
  std::deque<std::pair<std::string, std::string>> memory_;  // (topic, payload), oldest first
  std::deque<OutboxMessage> handed_;     // committed() for the sender thread, oldest first
  bool parked_ = false;                  // the sender thread waits in a park, not yet closing it
  bool direct_open_ = false;             // parked with nothing before a committed row
  bool direct_busy_ = false;             // committed() holds the sender's state
  std::condition_variable direct_done_;  // direct_busy_ ended
  std::atomic<std::uint64_t> published_directly_{0};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> connects_{0};
  std::atomic<std::uint64_t> connect_failures_{0};
  std::atomic<std::uint64_t> stale_discarded_{0};
  std::string last_connect_error_;  // guarded by mutex_
  struct RetainedSlot {
    std::string payload;
    bool sent = false;       // published on this connection (maybe not yet acknowledged)
    bool in_flight = false;  // published, its PUBACK not yet booked
    std::uint64_t published = 0;
    std::chrono::seconds expiry{0};                 // MQTT 5 message expiry; 0: none
    std::chrono::steady_clock::time_point sent_at;  // when the broker last took it
  };
  struct RetainedInFlight {
    std::string topic;
    std::string payload;
    ::mqtt::delivery_token_ptr token;
    std::chrono::steady_clock::time_point sent_at;
  };
  // Retained publishes awaiting their PUBACK (sender thread only; oldest
  // first; dropped with inflight_ on a lost link).
  std::deque<RetainedInFlight> retained_inflight_;
  std::map<std::string, RetainedSlot> retained_;  // by topic; guarded by mutex_
  std::chrono::milliseconds backoff_;             // sender thread only
  struct InFlight {
    OutboxMessage row;
    ::mqtt::delivery_token_ptr token;
    std::chrono::steady_clock::time_point sent_at;  // for ack_timeout
  };
  // "Sender thread only" below: or the holder of a direct claim while the
  // sender thread is parked (direct_busy_).
  std::deque<InFlight> inflight_;  // sender thread only; oldest first
  // Rows read from the outbox after those in flight, not yet published
  // (sender thread only; oldest first; dropped with inflight_ on a lost link).
  std::deque<OutboxMessage> ahead_;
  // The outbox may hold rows not yet read (sender thread only): set by a
  // kick() that says rows were committed, on every connect, and by a read
  // that filled the read-ahead. A state's or a PUBACK's wake-up does not
  // query the outbox: that read would meet the journal writer's commit of
  // the very incident it waits for, on SQLite's shared WAL index.
  bool outbox_unread_ = true;
  // Every outbox row up to this id is in ahead_, in flight or acknowledged
  // on this connection (sender thread only): a committed row with the next
  // id can be taken without reading the outbox. Ids only grow and the
  // writers commit in id order (one SQLite write lock), so nothing older
  // can appear after it.
  std::int64_t known_through_ = 0;
  // The newest row the broker acknowledged (sender thread only). Rows up to it
  // are deleted in stretches (docs/mqtt.md) and never sent again by this
  // process, even when still in the table.
  std::int64_t acked_through_ = 0;
  std::int64_t deleted_through_ = 0;  // sender thread only
  // acked_through_ for other threads (the journal writer deletes through it).
  std::atomic<std::int64_t> acked_shared_{0};
  // Rows through this id deleted by the journal writer's transactions.
  std::atomic<std::int64_t> deleted_elsewhere_{0};
  std::atomic<bool> writer_deletes_{false};  // leave_deletes_to_writer()
  RateLimit rate_;                           // sender thread only: max_rate

  Answers answers_{*this};  // before client_: its tokens call it until client_ is gone

  // A new Paho client for every connection attempt: Paho keeps publishes it
  // had queued but not yet written across a lost connection and writes them
  // first on the next one, ahead of the outbox's ordered resend (see
  // docs/design.md, "MQTT contract"). Sender thread only once started.
  std::unique_ptr<::mqtt::async_client> client_;
  std::atomic<int> version_{0};  // of client_'s connection: 5 or 4
  // The version the next attempt uses; "auto" moves to 3.1.1 when the broker
  // refuses 5, and back to 5 when a 3.1.1 attempt fails. Sender thread only.
  int next_version_;
  std::thread thread_;
};

}  // namespace vigil::mqtt
