// The whole Controller (two doors, one on a schedule, lockdowns, fire
// release, remote unlocks, the module offline, stop and start) under any
// sequence of inputs and lock answers, against a model of the module's
// coils (daemon/core/tests/site_model.hpp): lock events only at their own
// door's confirmation, and every coil settled where its door wants it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "../../daemon/core/tests/site_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  vigil::core::testing::SiteModel model(data[0]);
  if (!model.run(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1))) {
    std::fprintf(stderr, "%s\n", model.failure().c_str());
    __builtin_trap();
  }
  return 0;
}
