#include "vigil/core/fire.hpp"

namespace vigil::core {

FireRelease::FireRelease(FireConfig config) : config_(std::move(config)) {
  inputs_.resize(config_.inputs.size());
}

bool FireRelease::watches(const PointRef& point) const {
  for (const auto& in : config_.inputs)
    if (in.point == point) return true;
  return false;
}

bool FireRelease::fire_present() const {
  for (const auto& in : inputs_)
    if (in.active || in.lost) return true;
  return false;
}

Event FireRelease::make(EventKind kind, Moment at) const {
  Event e;
  e.kind = kind;
  e.time = at.wall;
  e.mono = at.mono;
  std::string doors;
  for (const auto& d : config_.doors) doors += (doors.empty() ? "" : ",") + d.str();
  set_attr(e.attrs, "doors", doors);
  return e;
}

void FireRelease::release(const std::string& input, const char* cause,
                          const std::string& operator_name, Moment at, FireStep& step) {
  if (released_) return;  // already holding every door: one release, one incident
  released_ = true;
  Event e = make(EventKind::fire_release, at);
  set_attr(e.attrs, "cause", std::string(cause));
  if (!input.empty()) set_attr(e.attrs, "input", input);
  if (!operator_name.empty()) set_attr(e.attrs, "operator", operator_name);
  step.effects.events.push_back(std::move(e));
  step.hold = true;
}

void FireRelease::check_cleared(Moment at, FireStep& step) {
  if (!released_ || fire_present() || manual_) return;
  // Journalled for the record; the doors stay released until a person resets.
  step.effects.events.push_back(make(EventKind::fire_input_cleared, at));
}

FireStep FireRelease::point(const PointChanged& in) {
  FireStep step;
  const Moment at{in.time, in.mono};
  for (std::size_t i = 0; i < config_.inputs.size(); ++i) {
    if (config_.inputs[i].point != in.point) continue;
    InputState& st = inputs_[i];
    const bool was_present = st.active || st.lost;
    st.active = in.value;
    st.lost = false;
    if (in.value) {
      release(config_.inputs[i].name, "fire_input", {}, at, step);
    } else if (was_present) {
      check_cleared(at, step);
    }
  }
  return step;
}

FireStep FireRelease::device_status(const DeviceStatusChanged& in) {
  FireStep step;
  const Moment at{in.time, in.mono};
  for (std::size_t i = 0; i < config_.inputs.size(); ++i) {
    if (config_.inputs[i].point.device != in.device) continue;
    InputState& st = inputs_[i];
    if (in.online) {
      // Still unknown until the device's first reading, which is state.
      continue;
    }
    if (!config_.release_on_input_loss) continue;
    st.lost = true;
    release(config_.inputs[i].name, "fire_input_lost", {}, at, step);
  }
  return step;
}

FireStep FireRelease::manual_release(const std::string& operator_name, Moment now) {
  FireStep step;
  if (released_) return step;
  manual_ = true;
  release({}, "command", operator_name, now, step);
  return step;
}

FireStep FireRelease::restore(Moment now) {
  FireStep step;
  if (released_) return step;
  // Not manual: once the inputs are read, a reset relocks as usual.
  release({}, "restart", {}, now, step);
  return step;
}

FireStep FireRelease::reset(const std::string& operator_name, Moment now) {
  FireStep step;
  if (!released_) {
    Event e = make(EventKind::fire_reset_refused, now);
    set_attr(e.attrs, "reason", std::string("not_released"));
    set_attr(e.attrs, "operator", operator_name);
    step.effects.events.push_back(std::move(e));
    return step;
  }
  if (fire_present()) {
    // The panel still signals fire (or cannot be heard): the doors stay
    // released whoever asks.
    std::string inputs;
    for (std::size_t i = 0; i < inputs_.size(); ++i)
      if (inputs_[i].active || inputs_[i].lost)
        inputs += (inputs.empty() ? "" : ",") + config_.inputs[i].name +
                  (inputs_[i].lost ? ":lost" : ":active");
    Event e = make(EventKind::fire_reset_refused, now);
    set_attr(e.attrs, "reason", std::string("input_active"));
    set_attr(e.attrs, "inputs", inputs);
    set_attr(e.attrs, "operator", operator_name);
    step.effects.events.push_back(std::move(e));
    return step;
  }
  released_ = false;
  manual_ = false;
  Event e = make(EventKind::fire_reset, now);
  set_attr(e.attrs, "operator", operator_name);
  step.effects.events.push_back(std::move(e));
  step.hold = false;
  return step;
}

}  // namespace vigil::core
