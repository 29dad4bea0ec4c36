// The sender's retained states (checkpoints, door and zone states): the
// newest per topic, sent again on every connect, and under MQTT 5 published
// again after half their message expiry so a live gateway's state never
// expires at the broker (sender.hpp).
#include <algorithm>

#include "sender.hpp"

namespace vigil::mqtt {

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

Sender::Clock::time_point Sender::refresh_due(const RetainedSlot& slot) {
  // Half the expiry, in milliseconds: a 1 s expiry is refreshed every 500 ms.
  return slot.sent_at + std::chrono::milliseconds(slot.expiry) / 2;
}

Sender::Clock::time_point Sender::next_refresh() const {
  auto soonest = Clock::time_point::max();
  if (version_ != 5 || !connected_) return soonest;
  std::lock_guard lock(mutex_);
  for (const auto& [topic, slot] : retained_) {
    if (slot.expiry.count() > 0 && slot.sent && !slot.in_flight) {
      soonest = std::min(soonest, refresh_due(slot));
    }
  }
  return soonest;
}

bool Sender::send_retained() {
  const bool refresh = version_ == 5;  // under 3.1.1 nothing expires
  // One publish in flight per topic: a state that changes again meanwhile
  // goes when the broker has taken the previous one (its newest payload
  // then), so a topic changing faster than the broker answers is coalesced
  // and the last retained value is always the newest. Different topics do
  // not wait for each other, and nothing here waits for a PUBACK.
  const std::size_t cap = std::max<std::size_t>(config_.inflight_window, 1);
  const auto now = Clock::now();
  while (retained_inflight_.size() < cap) {
    std::string topic, payload;
    std::chrono::seconds expiry{0};
    {
      std::lock_guard lock(mutex_);
      // Not sent on this connection, or half its expiry gone: a live
      // gateway's state must not expire at the broker.
      auto it = std::find_if(retained_.begin(), retained_.end(), [&](const auto& slot) {
        const RetainedSlot& s = slot.second;
        return !s.in_flight &&
               (!s.sent || (refresh && s.expiry.count() > 0 && now >= refresh_due(s)));
      });
      if (it == retained_.end()) return true;
      topic = it->first;
      payload = it->second.payload;
      expiry = it->second.expiry;
      it->second.sent = true;
      it->second.in_flight = true;
    }
    try {
      auto token = client_->publish(message(topic, payload, kQos, true, expiry), nullptr, answers_);
      retained_inflight_.push_back(
          RetainedInFlight{std::move(topic), std::move(payload), std::move(token), Clock::now()});
    } catch (const ::mqtt::exception&) {
      return false;  // the next connection sends every slot again
    }
  }
  return true;
}

bool Sender::send_retained_and_wait() {
  for (;;) {
    if (!send_retained()) return false;
    if (retained_inflight_.empty()) return true;
    const RetainedInFlight& oldest = retained_inflight_.front();
    if (!completes(oldest.token, oldest.sent_at + config_.ack_timeout,
                   [this] { return link_lost(); }) ||
        !take_answers()) {
      return false;
    }
  }
}

}  // namespace vigil::mqtt
