// The C++ side of the Python peer check (pin_peer_check.py):
//   vigil_pin_peer verify HASH_STRING PIN   exit 0 match, 1 wrong, 2 unparsable
//   vigil_pin_peer hash PIN ITERATIONS SALT_HEX   prints the hash string
#include <array>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "vigil/core/pin_hash.hpp"

namespace {

using vigil::core::kPinSaltBytes;

bool parse_hex_salt(std::string_view hex, std::array<std::uint8_t, kPinSaltBytes>& salt) {
  if (hex.size() != 2 * kPinSaltBytes) return false;
  for (std::size_t i = 0; i < salt.size(); ++i) {
    unsigned byte = 0;
    if (std::sscanf(std::string(hex.substr(2 * i, 2)).c_str(), "%2x", &byte) != 1) return false;
    salt[i] = static_cast<std::uint8_t>(byte);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vigil::core;
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "verify" && argc == 4) {
    const auto stored = parse_pin_hash(argv[2]);
    const auto pin = PinCode::from_digits(argv[3]);
    if (!stored || !pin) return 2;
    return verify_pin(*pin, *stored) ? 0 : 1;
  }
  if (command == "hash" && argc == 5) {
    const auto pin = PinCode::from_digits(argv[2]);
    std::array<std::uint8_t, kPinSaltBytes> salt{};
    if (!pin || !parse_hex_salt(argv[4], salt)) return 2;
    std::cout << format_pin_hash(hash_pin_with_salt(*pin, std::stoul(argv[3]), salt)) << "\n";
    return 0;
  }
  std::cerr << "usage: vigil_pin_peer verify HASH PIN | hash PIN ITERATIONS SALT_HEX\n";
  return 2;
}
