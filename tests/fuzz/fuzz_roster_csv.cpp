// The trip and visit CSV sheets (vigilctl trip|visit import): any bytes get
// rows or errors naming line, column and field, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/config/load.hpp"
#include "vigil/config/roster_csv.hpp"

namespace {

const vigil::core::Site& demo_site() {
  static const vigil::config::SiteConfig config =
      vigil::config::load_site_config_or_throw(VIGIL_SOURCE_DIR "/config/demo/site.yaml");
  return config.site;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto trips = vigil::config::parse_trips_csv_text(text, "fuzz.csv");
  if (!trips && trips.diagnostics().empty()) __builtin_trap();
  auto visits = vigil::config::parse_visits_csv_text(text, "fuzz.csv", &demo_site());
  if (!visits && visits.diagnostics().empty()) __builtin_trap();
  if (visits) {
    for (const auto& row : visits.value()) {
      if (row.place.cols.size() != vigil::config::visit_csv_columns().size()) __builtin_trap();
    }
  }
  return 0;
}
