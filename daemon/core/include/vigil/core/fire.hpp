// Fire release (issue 9): a fire-alarm input releases the configured egress
// doors at once and holds them released while the fire state lasts,
// overriding every other rule (life safety). The fire state ends only when
// the inputs read normal AND an operator resets it (`vigilctl fire reset`);
// a reset while an input is still active or lost is refused and journalled.
// A fire input that cannot be read (its device offline) counts as active:
// losing the panel's signal must never keep escape routes locked (docs/alarm.md).
//
// FireRelease decides; the shell applies `hold` to the doors with
// Controller::fire_release() (the door state machines keep them released).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/core/door.hpp"
#include "vigil/core/input.hpp"

namespace vigil::core {

struct FireInput {
  std::string name;  // as in the site config, e.g. "fire-panel"
  PointRef point;    // true = fire (after the driver's active-low, if any)
};

struct FireConfig {
  std::vector<FireInput> inputs;
  std::vector<DoorId> doors;  // egress doors released by a fire
  // An unreadable input (device offline) releases the doors (the default,
  // as fire codes require); false keeps them as they are and only reports.
  bool release_on_input_loss = true;
};

// What the shell does with the doors after a step: hold them released
// (true), let them relock (false), or leave them (nullopt).
struct FireStep {
  Effects effects;
  std::optional<bool> hold;
};

class FireRelease {
 public:
  explicit FireRelease(FireConfig config);

  // A fire input's level; a level read at (re)connect counts too: a fire is
  // state that must be honoured, never an edge to wait for.
  FireStep point(const PointChanged& in);
  // The device of a fire input went offline (lost) or came back.
  FireStep device_status(const DeviceStatusChanged& in);
  // An operator's fire command: release now, as if an input were active.
  FireStep manual_release(const std::string& operator_name, Moment now);
  // The fire state survives a restart: released (the journal's last
  // fire_release had no fire_reset after it) holds the doors again.
  FireStep restore(Moment now);
  // An operator's reset: relocks only if every input reads normal.
  FireStep reset(const std::string& operator_name, Moment now);

  bool released() const { return released_; }
  // Some input is active or lost (the reason a reset would be refused).
  bool fire_present() const;
  bool watches(const PointRef& point) const;
  const FireConfig& config() const { return config_; }

 private:
  struct InputState {
    bool active = false;
    bool lost = false;
  };
  Event make(EventKind kind, Moment at) const;
  void release(const std::string& input, const char* cause, const std::string& operator_name,
               Moment at, FireStep& step);
  void check_cleared(Moment at, FireStep& step);

  FireConfig config_;
  std::vector<InputState> inputs_;
  bool released_ = false;
  bool manual_ = false;  // released by command: no input holds it, a reset ends it
};

}  // namespace vigil::core
