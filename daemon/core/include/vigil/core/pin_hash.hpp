// Hashing and verifying PINs with OpenSSL's PBKDF2-HMAC-SHA256. Library
// vigil_pin_hash, apart from vigil_core, which links only the standard
// library.
//
// A verify costs about 15 ms at the default count on the gateway, and
// check_pin() does two or three of them: never call these on the event
// loop. The shell runs them on a worker thread (as the journal writer runs
// SQLite) and posts the PinVerdict back; the core then asks PinLockout
// (pin.hpp), which it also asked before handing the job out, so a locked
// credential costs no hashing at all. vigilctl hashes PINs at import, never
// vigild at a door.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "vigil/core/pin.hpp"

namespace vigil::core {

// About 15 ms of CPU a verify on this class of x86 CPU (measured in
// docs/design.md); raise it as hardware allows. Stored hashes keep their own
// count, so a change applies to PINs hashed after it.
inline constexpr std::uint32_t kDefaultPinIterations = 60'000;

// A fresh random salt from OpenSSL's CSPRNG. Throws std::runtime_error if
// the generator fails or `iterations` is outside [kMinPinIterations,
// kMaxPinIterations].
PinHash hash_pin(const PinCode& pin, std::uint32_t iterations = kDefaultPinIterations);
// The same with a given salt: for tests and peer checks, never for storage.
PinHash hash_pin_with_salt(const PinCode& pin, std::uint32_t iterations,
                           const std::array<std::uint8_t, kPinSaltBytes>& salt);

// Whether `pin` hashes to `stored`, comparing digests in constant time.
// False for a hash whose iteration count is out of range.
bool verify_pin(const PinCode& pin, const PinHash& stored);

// The verdict for a PIN typed after presenting a card, against that
// person's stored hash (and the configured duress code, if any):
// - match: the PIN itself;
// - duress: the PIN with its last digit plus one (9 wraps to 0), or the
//   duress code;
// - wrong: anything else.
// All two or three verifies always run, so the time taken does not tell an
// observer which one matched.
PinVerdict check_pin(const PinCode& entered, const PinHash& stored,
                     const std::optional<PinHash>& duress_code = std::nullopt);

}  // namespace vigil::core
