// The trip and visit CSV sheets (vigilctl trip|visit import): any bytes get
// rows or errors naming line, column and field, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "demo_site.hpp"
#include "vigil/config/roster_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto trips = vigil::config::parse_trips_csv_text(text, "fuzz.csv");
  if (!trips && trips.diagnostics().empty()) __builtin_trap();
  auto visits = vigil::config::parse_visits_csv_text(text, "fuzz.csv", &vigil::fuzz::demo_site());
  if (!visits && visits.diagnostics().empty()) __builtin_trap();
  if (visits) {
    for (const auto& row : visits.value()) {
      if (row.place.cols.size() != vigil::config::visit_csv_columns().size()) __builtin_trap();
    }
  }
  return 0;
}
