// The people CSV from HR exports: any bytes get an import or errors naming
// line and field, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/config/load.hpp"
#include "vigil/config/people_csv.hpp"

namespace {

const vigil::core::Site& demo_site() {
  static const vigil::config::SiteConfig config =
      vigil::config::load_site_config_or_throw(VIGIL_SOURCE_DIR "/config/demo/site.yaml");
  return config.site;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = vigil::config::parse_people_csv_text(text, "fuzz.csv", &demo_site());
  if (!parsed && parsed.diagnostics().empty()) __builtin_trap();
  return 0;
}
