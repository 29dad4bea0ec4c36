// Wiegand frames as a reader (or an attacker on the D0/D1 wires) sends
// them: any bit string decodes to a card or a read error, never a crash.
#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "vigil/wiegand/format.hpp"
#include "vigil/wiegand/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::wiegand;
  std::vector<bool> bits;
  bits.reserve(size);
  for (std::size_t i = 0; i < size; ++i) bits.push_back((data[i] & 1) != 0);
  const auto result = decode(bits, builtin_formats());
  if (const auto* card = std::get_if<WiegandCard>(&result)) {
    // A decoded card re-encodes to the same bits in its own format.
    const auto format = find_format(card->format);
    if (!format || encode(*format, card->card) != bits) __builtin_trap();
  }
  return 0;
}
