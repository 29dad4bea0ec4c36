// One door's state machine under any sequence of inputs, holds, time and
// driver answers (in order, dropped, failed, retried late, re-applied after
// a module restart), against a model of the driver and the lock
// (daemon/core/tests/door_model.hpp): a lock event only for a confirmed
// write and naming what it did, and once the hardware answers the coil
// ends where the door's state wants it, vouched for.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "../../daemon/core/tests/door_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  vigil::core::testing::DoorModel model(data[0]);
  if (!model.run(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1))) {
    std::fprintf(stderr, "%s\n", model.failure().c_str());
    __builtin_trap();
  }
  return 0;
}
