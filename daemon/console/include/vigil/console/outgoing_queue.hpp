// What one browser's WebSocket has still to write, bounded. A browser that
// stops reading (a laptop asleep, a tab frozen, a slow link) must not grow the
// console's memory nor hold the others back: a state update (a gateway's
// doors and zones, the queue, the broker's state) that supersedes one still
// queued replaces it (the old one is dropped, the new one goes to the back,
// so what the browser reads stays in the order it happened), and past
// `max_messages` or `max_bytes` the queue refuses the message: the session
// closes the socket with a reason and the page reconnects and starts again
// from a snapshot. The snapshot itself (key kSnapshotKey) counts towards the
// message bound only, not the bytes: however big the campus, a browser can
// always start again (and a newer snapshot replaces a queued one). Pure: no I/O.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace vigil::console {

inline constexpr const char* kSnapshotKey = "snapshot";

struct OutgoingLimits {
  std::size_t max_messages = 2048;
  std::size_t max_bytes = 16 * 1024 * 1024;
};

class OutgoingQueue {
 public:
  enum class Push { queued, superseded, overflow };
  explicit OutgoingQueue(OutgoingLimits limits) : limits_(limits) {}

  // `key` names what the message is the newest state of ("gateway:hq/gw1");
  // empty for a message that supersedes nothing (an answer, a snapshot). A
  // message queued under the same key is dropped, unless it is being
  // written. On overflow nothing is queued and the queue stays as it was.
  Push push(std::string text, std::string key = {});

  bool empty() const { return items_.empty(); }
  // The message to write next; it is in flight until pop_front().
  const std::string& start_front();
  void pop_front();
  // Drops everything not in flight (the socket is closing).
  void drop_queued();

  std::size_t messages() const { return items_.size(); }
  // Bytes queued that count towards the bound (all but a snapshot's).
  std::size_t bytes() const { return bytes_; }
  std::size_t superseded() const { return superseded_; }

 private:
  struct Item {
    std::string text;
    std::string key;
    std::size_t counted = 0;  // text.size(), or 0 for a snapshot
  };
  OutgoingLimits limits_;
  std::deque<Item> items_;
  std::size_t bytes_ = 0;
  bool in_flight_ = false;  // items_.front() is being written
  std::size_t superseded_ = 0;
};

}  // namespace vigil::console
