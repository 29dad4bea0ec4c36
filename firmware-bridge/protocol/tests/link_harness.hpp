// Two Links joined by a wire that the test can cut, and whose frames it can
// drop one by one. Time is explicit: run(t) advances both ends in 1 ms steps.
#pragma once

#include <functional>
#include <vector>

#include "vigil/fwb/link.hpp"

namespace vigil::fwb::testing {

struct End : ByteSink, LinkListener {
  std::vector<std::uint8_t> outbox;
  std::vector<Message> received;
  int ups = 0;
  int downs = 0;
  void write(std::span<const std::uint8_t> bytes) override {
    outbox.insert(outbox.end(), bytes.begin(), bytes.end());
  }
  void on_message(const Message& m) override { received.push_back(m); }
  void on_link_up() override { ++ups; }
  void on_link_down() override { ++downs; }
};

class LinkPair {
 public:
  explicit LinkPair(LinkConfig a_config = config(0xA), LinkConfig b_config = config(0xB))
      : a(a_config, a_end, a_end), b(b_config, b_end, b_end) {}

  static LinkConfig config(std::uint32_t session) {
    LinkConfig c;
    c.session = session;
    return c;
  }

  void start() {
    a.start(now);
    b.start(now);
  }

  // Moves each end's pending bytes to the other, frame by frame; `drop`
  // decides per frame (counted from 0 per direction) whether it is lost.
  void deliver() {
    move(a_end, b, a_to_b_frames, drop_a_to_b);
    move(b_end, a, b_to_a_frames, drop_b_to_a);
  }

  void run_until(Millis until) {
    while (now < until) {
      now += Millis{1};
      a.tick(now);
      b.tick(now);
      deliver();
    }
  }
  void run_for(Millis d) { run_until(now + d); }

  Millis now{1000};
  End a_end;
  End b_end;
  Link a;
  Link b;
  bool cut = false;
  int a_to_b_frames = 0;
  int b_to_a_frames = 0;
  std::function<bool(int)> drop_a_to_b = [](int) { return false; };
  std::function<bool(int)> drop_b_to_a = [](int) { return false; };

 private:
  void move(End& from, Link& to, int& counter, const std::function<bool(int)>& drop) {
    std::vector<std::uint8_t> bytes;
    bytes.swap(from.outbox);
    if (cut) return;
    std::vector<std::uint8_t> frame;
    for (auto byte : bytes) {
      frame.push_back(byte);
      if (byte != 0) continue;
      if (frame.size() > 1 && drop(counter++)) {
        frame.clear();
        continue;
      }
      to.receive(frame, now);
      frame.clear();
    }
  }
};

}  // namespace vigil::fwb::testing
