// A person passing a door of a Controller on explicit times: the grant at
// `reader`, the lock write confirmed, the door opening (an entry) and
// closing. Shared by the anti-passback and occupancy tests.
#pragma once

#include "vigil/core/controller.hpp"

namespace vigil::core::testing {

inline Effects pass_door(Controller& controller, const Door& door, CardNumber card,
                         const char* reader, TimePoint at, MonoTime mono) {
  using namespace std::chrono_literals;
  Effects fx = controller.handle(CardPresented{ReaderId(reader), card, "H10301", at, mono});
  if (fx.outputs.empty()) return fx;
  fx.append(
      controller.handle(OutputResult{door.lock, fx.outputs[0].write_id, true, true, "", at, mono}));
  fx.append(controller.handle(PointChanged{door.contact, true, at + 1s, mono + 1s}));
  fx.append(controller.advance(at + 2s, mono + 2s));
  fx.append(controller.handle(PointChanged{door.contact, false, at + 3s, mono + 3s}));
  fx.append(controller.advance(at + 5s, mono + 5s));
  return fx;
}

}  // namespace vigil::core::testing
