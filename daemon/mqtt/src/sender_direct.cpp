// Committed outbox rows handed to the sender in memory, and published by the
// committing thread itself when the sender thread is parked with nothing
// older to send (sender.hpp). A forced door's incident then leaves the
// journal writer for Paho straight after the commit's fdatasync: no wake-up
// of the sender thread and no read of the rows back from SQLite on its path.
// The rows stay in the outbox until their PUBACK, so an outage, a restart
// or a lost link resends them from there, in order, as before.
#include <algorithm>
#include <utility>

#include "sender.hpp"
#include "vigil/journal/latency_trace.hpp"

namespace vigil::mqtt {
namespace {

// Rows held for the sender thread at most; beyond (a broker away, a sender
// behind) they are left in the outbox and read from there: the memory a
// long outage costs stays bounded.
constexpr std::size_t kHandedMax = 256;

}  // namespace

bool Sender::nothing_before_committed() const {
  // Anything the sender thread was told to send (a status, an incident held
  // in memory, a state, rows another connection committed) goes first: a
  // kick means the thread has work it has not looked at yet.
  return connected_ && !lost_ && !stopping_ && !kicked_ && !outbox_changed_ && handed_.empty() &&
         memory_.empty() && status_sent_ && ahead_.empty() && !outbox_unread_;
}

void Sender::park_direct() {
  parked_ = true;
  direct_open_ = nothing_before_committed();
}

void Sender::close_direct(std::unique_lock<std::mutex>& lock) {
  parked_ = false;
  direct_open_ = false;
  direct_done_.wait(lock, [&] { return !direct_busy_; });
}

void Sender::committed(std::vector<OutboxMessage> rows) {
  if (rows.empty()) return;
  using journal::LatencyTrace;
  LatencyTrace::mark(LatencyTrace::Stage::publish_start);
  bool claimed = false;
  {
    std::lock_guard lock(mutex_);
    // The rows must be the very next ones: one run of ids, right after the
    // newest the sender knows (read only while the sender is parked).
    // Otherwise (a row from another connection in between, a reconnect
    // since) the sender thread reads the outbox.
    bool follows = direct_open_ && rows.front().id == known_through_ + 1;
    for (std::size_t i = 1; follows && i < rows.size(); ++i) {
      follows = rows[i].id == rows[i - 1].id + 1;
    }
    if (follows && nothing_before_committed()) {
      direct_open_ = false;
      direct_busy_ = true;
      claimed = true;
    } else if (connected_ && handed_.size() + rows.size() <= kHandedMax) {
      for (auto& row : rows) handed_.push_back(std::move(row));
      kicked_ = true;
    } else {
      outbox_changed_ = true;  // read from the outbox when the link is back
      kicked_ = true;
    }
  }
  if (!claimed) {
    wake_.notify_all();
    return;
  }
  const bool rest = publish_directly(rows);
  LatencyTrace::mark(LatencyTrace::Stage::publish_end);
  {
    std::lock_guard lock(mutex_);
    direct_busy_ = false;
    if (rest) {
      kicked_ = true;
    } else if (parked_) {
      // Still parked (not woken meanwhile): the next commit may go directly too.
      direct_open_ = nothing_before_committed();
    }
  }
  direct_done_.notify_all();
  // No wake-up otherwise: the PUBACK wakes the sender thread (answered()),
  // which books it and deletes the row as for any row it published.
  if (rest) wake_.notify_all();
}

bool Sender::publish_directly(std::vector<OutboxMessage>& rows) {
  const std::size_t window = std::max<std::size_t>(config_.inflight_window, 1);
  const auto now = Clock::now();
  for (auto& row : rows) {
    known_through_ = row.id;
    if (ahead_.empty() && inflight_.size() < window && rate_.take(now)) {
      try {
        publish_row(std::move(row), now);
        ++published_directly_;
        continue;
      } catch (const ::mqtt::exception&) {
        // Left to the sender thread, which finds the link gone and resends
        // from the outbox after the reconnect.
      }
    }
    ahead_.push_back(std::move(row));
  }
  return !ahead_.empty();
}

void Sender::take_handed(std::deque<OutboxMessage>& handed) {
  for (auto& row : handed) {
    if (row.id <= known_through_) continue;  // a read of the outbox had it already
    if (outbox_unread_ || row.id != known_through_ + 1) {
      // Something older is not read yet: the read after known_through_
      // brings these rows too, in order.
      outbox_unread_ = true;
      return;
    }
    known_through_ = row.id;
    ahead_.push_back(std::move(row));
  }
}

}  // namespace vigil::mqtt
