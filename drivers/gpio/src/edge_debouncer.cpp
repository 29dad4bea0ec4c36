#include "vigil/gpio/edge_debouncer.hpp"

#include <algorithm>

namespace vigil::gpio {

void EdgeDebouncer::configure(std::uint32_t line, std::chrono::nanoseconds debounce) {
  lines_[line].debounce = debounce;
}

void EdgeDebouncer::reset(std::uint32_t line, bool level) {
  Line& l = lines_[line];
  l.reported = level;
  l.held.reset();
}

void EdgeDebouncer::drop_held() {
  for (auto& [line, l] : lines_) l.held.reset();
}

std::vector<EdgeEvent> EdgeDebouncer::on_edge(const EdgeEvent& edge) {
  std::vector<EdgeEvent> out = poll(edge.timestamp);
  Line& l = lines_[edge.line];
  if (l.debounce.count() <= 0) {
    if (l.reported == edge.rising) return out;
    l.reported = edge.rising;
    out.push_back(edge);
    return out;
  }
  if (l.reported == edge.rising) {
    l.held.reset();  // bounced back before the change held
  } else if (!l.held || l.held->rising != edge.rising) {
    l.held = edge;  // the change starts now; a repeated edge keeps the first time
  }
  return out;
}

std::vector<EdgeEvent> EdgeDebouncer::poll(std::chrono::nanoseconds now) {
  std::vector<EdgeEvent> out;
  for (auto& [line, l] : lines_) {
    if (l.held && now - l.held->timestamp >= l.debounce) {
      l.reported = l.held->rising;
      out.push_back(*l.held);
      l.held.reset();
    }
  }
  std::sort(out.begin(), out.end(),
            [](const EdgeEvent& a, const EdgeEvent& b) { return a.timestamp < b.timestamp; });
  return out;
}

std::optional<std::chrono::nanoseconds> EdgeDebouncer::next_deadline() const {
  std::optional<std::chrono::nanoseconds> next;
  for (const auto& [line, l] : lines_) {
    if (!l.held) continue;
    const auto at = l.held->timestamp + l.debounce;
    if (!next || at < *next) next = at;
  }
  return next;
}

}  // namespace vigil::gpio
