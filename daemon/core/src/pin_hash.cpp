#include "vigil/core/pin_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace vigil::core {
namespace {

bool iterations_in_range(std::uint32_t iterations) {
  return iterations >= kMinPinIterations && iterations <= kMaxPinIterations;
}

std::array<std::uint8_t, kPinDigestBytes> derive(
    const PinCode& pin, std::uint32_t iterations,
    const std::array<std::uint8_t, kPinSaltBytes>& salt) {
  std::array<std::uint8_t, kPinDigestBytes> digest{};
  const auto digits = pin.digits();
  if (PKCS5_PBKDF2_HMAC(digits.data(), static_cast<int>(digits.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(digest.size()), digest.data()) != 1) {
    throw std::runtime_error("PBKDF2 failed");
  }
  return digest;
}

}  // namespace

PinHash hash_pin_with_salt(const PinCode& pin, std::uint32_t iterations,
                           const std::array<std::uint8_t, kPinSaltBytes>& salt) {
  if (!iterations_in_range(iterations)) {
    throw std::runtime_error("PIN hash iterations " + std::to_string(iterations) + " outside " +
                             std::to_string(kMinPinIterations) + ".." +
                             std::to_string(kMaxPinIterations));
  }
  return PinHash{iterations, salt, derive(pin, iterations, salt)};
}

PinHash hash_pin(const PinCode& pin, std::uint32_t iterations) {
  std::array<std::uint8_t, kPinSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error("no random salt: OpenSSL RAND_bytes failed");
  }
  return hash_pin_with_salt(pin, iterations, salt);
}

bool verify_pin(const PinCode& pin, const PinHash& stored) {
  if (!iterations_in_range(stored.iterations) || pin.empty()) return false;
  const auto digest = derive(pin, stored.iterations, stored.salt);
  // CRYPTO_memcmp takes the same time wherever the first difference is, so
  // timing a door does not reveal how many digest bytes a guess got right.
  return CRYPTO_memcmp(digest.data(), stored.digest.data(), digest.size()) == 0;
}

PinVerdict check_pin(const PinCode& entered, const PinHash& stored,
                     const std::optional<PinHash>& duress_code) {
  const bool match = verify_pin(entered, stored);
  const bool last_digit_plus_one = verify_pin(duress_source(entered), stored);
  const bool code = duress_code && verify_pin(entered, *duress_code);
  // The PIN itself wins over a duress code set equal to it (a config slip
  // that vigilctl should refuse): a person typing their own PIN is not
  // under duress as far as we can tell.
  if (match) return PinVerdict::match;
  if (last_digit_plus_one || code) return PinVerdict::duress;
  return PinVerdict::wrong;
}

}  // namespace vigil::core
