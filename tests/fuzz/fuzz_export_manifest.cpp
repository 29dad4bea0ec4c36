// An export and its manifest as an inspector receives them (possibly
// tampered): reading and checking never crash, and nothing unsigned passes.
// The input is MANIFEST, a NUL byte, then DATA (without a NUL: the same bytes
// as both).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/journal/export.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const auto manifest = input.substr(0, split);
  const auto rows = split == std::string_view::npos ? input : input.substr(split + 1);
  vigil::journal::manifest_from_json(manifest);
  // No key signed anything here: every check run must fail somewhere.
  const vigil::journal::PublicKey key{};
  if (vigil::journal::verify_export(rows, manifest, key).ok()) __builtin_trap();
  return 0;
}
