// Stored PIN hash strings as they arrive from a CSV import or a database row
// someone edited: any text parses to a hash or nullopt, never a crash, and a
// parsed hash writes back to exactly the same text (one spelling per hash).
// Key bursts ride along: any 4- or 8-bit frame is a key or a read error.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/core/pin.hpp"
#include "vigil/wiegand/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto hash = core::parse_pin_hash(text)) {
    if (core::format_pin_hash(*hash) != text) __builtin_trap();
  }
  if (size == 4 || size == 8) {
    std::vector<bool> bits;
    for (std::size_t i = 0; i < size; ++i) bits.push_back((data[i] & 1) != 0);
    const auto result = wiegand::decode_key(bits);
    if (!result) __builtin_trap();
    if (const auto* key = std::get_if<wiegand::WiegandKey>(&*result)) {
      if (wiegand::encode_key(key->key, key->burst) != bits) __builtin_trap();
    }
  }
  return 0;
}
