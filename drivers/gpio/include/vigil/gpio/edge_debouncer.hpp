// Per-line debounce for the GPIO backends. libgpiod 1.6 (the v1 uAPI) has no
// kernel debounce, and the sim chip has none either, so both backends run
// their edges through this filter on the chip's thread: a change is reported
// once the line has held its new level for the line's debounce time, stamped
// with the time the change began (when the door really opened), and a bounce
// that returns to the reported level within the time is dropped. With a
// debounce of 0 every edge passes at once (Wiegand pulses are 50 us wide).
// An edge that does not change the reported level (a duplicate queued while
// the initial level was read) is dropped for every line. Pure: time comes in
// with the edges and with poll(), so it is tested without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "vigil/gpio/gpio_chip.hpp"

namespace vigil::gpio {

class EdgeDebouncer {
 public:
  void configure(std::uint32_t line, std::chrono::nanoseconds debounce);
  // The level read at start or reconnect: the new reported level; a change
  // still waiting out its debounce is forgotten (the read supersedes it).
  void reset(std::uint32_t line, bool level);
  // The chip went away: changes still held are dropped (the level read on
  // reconnect reports where the line ended up).
  void drop_held();
  // Feeds a raw edge; returns edges to deliver now, in time order (held
  // changes whose time ran out before this edge come first).
  std::vector<EdgeEvent> on_edge(const EdgeEvent& edge);
  // Changes whose level held for the debounce time by `now`.
  std::vector<EdgeEvent> poll(std::chrono::nanoseconds now);
  // When poll() next has something to release; nullopt when nothing is held.
  std::optional<std::chrono::nanoseconds> next_deadline() const;

 private:
  struct Line {
    std::chrono::nanoseconds debounce{0};
    std::optional<bool> reported;
    std::optional<EdgeEvent> held;  // a change waiting out the debounce
  };
  std::map<std::uint32_t, Line> lines_;
};

}  // namespace vigil::gpio
