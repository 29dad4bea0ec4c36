// The site config as facilities staff write it: any text gets a config or
// positioned diagnostics, never a crash or an exception. A text that loads
// is also reloaded (config::plan_reload): against itself it changes nothing
// and needs no restart; against the demo site the plan never throws, and
// when it would apply, its site is the demo's doors wired the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/config/load.hpp"
#include "vigil/config/reload.hpp"

namespace {

const vigil::config::SiteConfig& demo() {
  static const vigil::config::SiteConfig config =
      vigil::config::load_site_config_or_throw(VIGIL_SOURCE_DIR "/config/demo/site.yaml");
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = vigil::config::load_site_config_from_string(text, "fuzz.yaml");
  if (!loaded && loaded.diagnostics().empty()) __builtin_trap();
  if (!loaded) return 0;
  const vigil::config::SiteConfig& next = loaded.value();
  const auto same = vigil::config::plan_reload(next.source_text, next.site, next);
  if (!same.ok() || !same.changed.empty()) __builtin_trap();
  const auto from_demo = vigil::config::plan_reload(demo().source_text, demo().site, next);
  if (from_demo.ok()) {
    if (from_demo.site.doors.size() != demo().site.doors.size()) __builtin_trap();
    for (std::size_t i = 0; i < from_demo.site.doors.size(); ++i) {
      if (!vigil::core::same_wiring(from_demo.site.doors[i], demo().site.doors[i]))
        __builtin_trap();
    }
  }
  return 0;
}
