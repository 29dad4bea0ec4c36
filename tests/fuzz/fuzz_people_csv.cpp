// The people CSV from HR exports: any bytes get an import or errors naming
// line and field, never a crash. With a row digest key (a shuffled import's
// read-back) the outcome is the same, with one digest a row.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "demo_site.hpp"
#include "vigil/config/people_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = vigil::config::parse_people_csv_text(text, "fuzz.csv", &vigil::fuzz::demo_site());
  if (!parsed && parsed.diagnostics().empty()) __builtin_trap();
  const vigil::config::RowDigestKey key{1, 2, 3};
  auto digested =
      vigil::config::parse_people_csv_text(text, "fuzz.csv", &vigil::fuzz::demo_site(), &key);
  if (parsed.ok() != digested.ok()) __builtin_trap();
  if (digested.ok() && (digested.value().row_digests.size() != digested.value().people.size() ||
                        digested.value().people.size() != parsed.value().people.size())) {
    __builtin_trap();
  }
  return 0;
}
