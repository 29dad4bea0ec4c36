// The controller: site model, people, door state machines. It turns inputs
// into effects (events + output commands). Single-threaded and clock-free:
// the shell owns the event loop and timers.
#pragma once

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "vigil/core/door.hpp"
#include "vigil/core/input.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

class Controller {
 public:
  Controller(const Site& site, const PeopleDirectory& people);

  Effects handle(const Input& input);
  Effects advance(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  const DoorStateMachine* door(const DoorId& id) const;

 private:
  Effects on(const PointChanged& in);
  Effects on(const CardPresented& in);
  Effects on(const ReadFailed& in);
  Effects on(const DeviceStatusChanged& in);
  Effects on(const OutputResult& in);
  Effects on(const ClockTick& in);

  const Site& site_;
  const PeopleDirectory& people_;
  std::vector<DoorStateMachine> doors_;
  std::unordered_map<DoorId, std::size_t> door_index_;
  std::unordered_map<PointRef, std::size_t> contact_index_;
  std::unordered_map<PointRef, std::size_t> rex_index_;
};

}  // namespace vigil::core
