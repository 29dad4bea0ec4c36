// Operator passwords, hashed with scrypt (OpenSSL EVP_PBE_scrypt) and kept as
// one self-describing line: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>", so the
// cost can be raised later without breaking the hashes already written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::console {

struct ScryptCost {
  std::uint64_t n = 1U << 15;  // 32 MiB of memory per try: slows a stolen-file attack
  std::uint64_t r = 8;
  std::uint64_t p = 1;
};

// A fresh random 16-byte salt each call. Throws std::runtime_error when
// OpenSSL fails (out of memory).
std::string hash_password(std::string_view password, ScryptCost cost = {});
// False for a wrong password and for a line that is not a hash this function
// wrote (never throws). Compares in constant time.
bool verify_password(std::string_view password, std::string_view encoded);
// True when `encoded` has the form above with sane costs (the config check).
bool is_password_hash(std::string_view encoded);

}  // namespace vigil::console
