// The journal's attrs BLOB, as a file an attacker may have edited: decoding
// refuses anything non-canonical and never crashes; whatever decodes
// re-encodes to exactly the same bytes (one encoding per attribute set).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/journal/attrs_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto attrs = vigil::journal::decode_attrs(bytes)) {
    const auto again = vigil::journal::encode_attrs(*attrs);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
  }
  return 0;
}
