// Scenario files for vigil-sim: any text parses or gets diagnostics.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/sim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = vigil::sim::parse_scenario(text, "fuzz.yaml");
  if (!parsed && parsed.diagnostics().empty()) __builtin_trap();
  return 0;
}
