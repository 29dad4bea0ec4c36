// The sender's drain: the status and the in-memory incidents first, then the
// outbox through a sliding window of QoS 1 publishes in flight, filled from
// rows read ahead in one query and paced by the rate limit, with the
// acknowledged rows deleted in stretches (sender.hpp, docs/mqtt.md).
#include <algorithm>
#include <tuple>
#include <utility>

#include "sender.hpp"

namespace vigil::mqtt {
namespace {

// Outbox rows read in one query ahead of the window: one SQLite read per
// this many rows rather than one per PUBACK.
constexpr std::size_t kReadAhead = 256;
// Acknowledged rows deleted in one commit (and whenever the outbox runs dry,
// the link fails or the sender stops).
constexpr std::int64_t kDeleteStretch = 256;

}  // namespace

// A changed status, then incidents held in memory, go before the outbox:
// they are what a guard must see while the outbox cannot be written.
Sender::Drain Sender::send_status_and_memory() {
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
      if (!completes(token, Clock::now() + config_.ack_timeout, [this] { return link_lost(); })) {
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
  const std::size_t window = std::max<std::size_t>(config_.inflight_window, 1);
  for (;;) {
    if (const Drain first = send_status_and_memory(); first != Drain::idle) return first;
    std::deque<OutboxMessage> handed;
    {
      std::lock_guard lock(mutex_);
      if (lost_) return Drain::link_failed;
      if (stopping_) return Drain::idle;  // what is not sent stays for the next start
      outbox_unread_ = std::exchange(outbox_changed_, false) || outbox_unread_;
      handed.swap(handed_);
    }
    take_handed(handed);
    if (!take_answers()) return Drain::link_failed;
    // States first on the wire (a checkpoint goes before the next outbox
    // row), but none waits for its PUBACK: an incident committed meanwhile
    // follows at once, not two or three broker round trips later.
    if (!send_retained()) return Drain::link_failed;
    // Fill the window (sliding: every PUBACK of the oldest frees a place)
    // from the rows read ahead, oldest first, as far as the rate allows.
    const auto now = Clock::now();
    while (inflight_.size() < window) {
      if (ahead_.empty() && outbox_unread_ && !read_ahead()) return Drain::storage_failed;
      if (ahead_.empty() || !rate_.take(now)) break;
      try {
        publish_row(std::move(ahead_.front()), now);
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
    if (inflight_.empty() && retained_inflight_.empty() && ahead_.empty()) {
      backoff_ = config_.reconnect_min;
      // Left to the journal writer's next transaction when it deletes: a
      // delete committed here, on another connection, makes SQLite drop the
      // writer's whole page cache, and its next commit (the next forced
      // door's) reads every page again (docs/design.md, s25-forced).
      if (!writer_deletes_ && !forget_acknowledged()) return Drain::storage_failed;
      return Drain::idle;
    }
    // Something is in flight, or only the rate holds the next row back:
    // wait for Paho's answer, new work (a commit's kick, a state) or the
    // rate's next slot, whichever comes first.
    wait_for_answer(wait_deadline(now, window));
    if (link_lost() || answer_overdue(Clock::now())) return Drain::link_failed;
  }
}

void Sender::answered() {
  {
    std::lock_guard lock(mutex_);
    answered_ = true;
  }
  wake_.notify_all();
}

void Sender::publish_row(OutboxMessage&& row, Clock::time_point now) {
  auto token =
      client_->publish(message(row.topic, row.payload, row.qos, row.retain), nullptr, answers_);
  inflight_.push_back(InFlight{std::move(row), std::move(token), now});
}

void Sender::wait_for_answer(Clock::time_point until) {
  std::unique_lock lock(mutex_);
  // Parked: a commit's rows may go out from the writer's thread meanwhile.
  park_direct();
  wake_.wait_until(lock, until, [&] { return stopping_ || lost_ || kicked_ || answered_; });
  close_direct(lock);
  // The drain looks at everything again after this wait: the status, the
  // memory, the states, the outbox and the answers.
  kicked_ = false;
  answered_ = false;
}

Sender::Clock::time_point Sender::wait_deadline(Clock::time_point now, std::size_t window) const {
  // kPoll: a look at the clock now and then even though every answer wakes
  // the thread (a PUBACK that never comes is found by its ack_timeout).
  auto until = now + kPoll;
  if (!inflight_.empty()) until = std::min(until, inflight_.front().sent_at + config_.ack_timeout);
  if (!retained_inflight_.empty()) {
    until = std::min(until, retained_inflight_.front().sent_at + config_.ack_timeout);
  }
  if (!ahead_.empty() && inflight_.size() < window) until = std::min(until, rate_.next());
  return std::min(until, next_refresh());
}

bool Sender::answer_overdue(Clock::time_point now) const {
  const auto overdue = [&](const auto& oldest) {
    return !oldest.token->is_complete() && now >= oldest.sent_at + config_.ack_timeout;
  };
  return (!inflight_.empty() && overdue(inflight_.front())) ||
         (!retained_inflight_.empty() && overdue(retained_inflight_.front()));
}

bool Sender::take_answers() {
  // The broker acknowledges QoS 1 in order: the oldest first, then every
  // row acknowledged behind it. Counted before the rows go, so whoever sees
  // the outbox empty also sees the count.
  std::uint64_t acked = 0;
  while (!inflight_.empty() && inflight_.front().token->is_complete()) {
    if (inflight_.front().token->get_return_code() != MQTTASYNC_SUCCESS) return false;
    acked_through_ = inflight_.front().row.id;
    ++acked;
    inflight_.pop_front();
  }
  if (acked > 0) {
    published_ += acked;
    backoff_ = config_.reconnect_min;
    acked_shared_ = acked_through_;
    { std::lock_guard lock(mutex_); }
    progress_.notify_all();  // wait_drained()
  }
  while (!retained_inflight_.empty() && retained_inflight_.front().token->is_complete()) {
    const RetainedInFlight& done = retained_inflight_.front();
    if (done.token->get_return_code() != MQTTASYNC_SUCCESS) return false;
    {
      std::lock_guard lock(mutex_);
      auto& slot = retained_[done.topic];
      ++slot.published;
      slot.in_flight = false;
      if (slot.payload == done.payload) slot.sent_at = done.sent_at;  // a newer one waits otherwise
    }
    retained_inflight_.pop_front();
  }
  return true;
}

bool Sender::read_ahead() {
  // After the newest row in flight or acknowledged (ahead_ is empty).
  try {
    auto rows = outbox_.peek_after(known_through_, kReadAhead);
    // Fewer than asked for: nothing more until the next kick says so.
    outbox_unread_ = rows.size() == kReadAhead;
    if (!rows.empty()) known_through_ = rows.back().id;
    for (auto& row : rows) ahead_.push_back(std::move(row));
  } catch (const OutboxError&) {
    return false;
  }
  return true;
}

void Sender::deleted_elsewhere(std::int64_t id) {
  std::int64_t seen = deleted_elsewhere_.load();
  while (id > seen && !deleted_elsewhere_.compare_exchange_weak(seen, id)) {
  }
}

bool Sender::forget_acknowledged() {
  deleted_through_ = std::max(deleted_through_, deleted_elsewhere_.load());
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

}  // namespace vigil::mqtt
