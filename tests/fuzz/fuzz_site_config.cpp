// The site config as facilities staff write it: any text gets a config or
// positioned diagnostics, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/config/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = vigil::config::load_site_config_from_string(text, "fuzz.yaml");
  if (!loaded && loaded.diagnostics().empty()) __builtin_trap();
  return 0;
}
