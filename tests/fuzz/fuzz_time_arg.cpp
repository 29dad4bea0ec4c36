// `log query --from/--to` text, as a user (or a script feeding the control
// socket) may type it: parsing never crashes, an accepted time prints in the
// tool's own format and that text parses back to exactly the same instant,
// and a refusal always quotes the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../daemon/ctl/src/time_arg.hpp"

namespace {

// A zone with DST, as the site's: Berlin's 2026 rules as plain transitions.
const vigil::core::TimeZone& zone() {
  static const vigil::core::TimeZone berlin("Europe/Berlin", 3600,
                                            {{1774746000, 7200}, {1792890000, 3600}});
  return berlin;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto* z : {&zone(), static_cast<const vigil::core::TimeZone*>(nullptr)}) {
    const vigil::core::TimeZone utc;
    const auto& tz = z ? *z : utc;
    auto parsed = vigil::ctl::parse_time_arg(text, tz);
    if (!parsed) {
      if (parsed.error.rfind("'" + std::string{text} + "'", 0) != 0) __builtin_trap();
      continue;
    }
    const auto shown = vigil::ctl::format_time_arg(*parsed.time, tz);
    auto again = vigil::ctl::parse_time_arg(shown, tz);
    if (!again || *again.time != *parsed.time) __builtin_trap();
  }
  return 0;
}
