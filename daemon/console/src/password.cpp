#include "vigil/console/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "base64.hpp"

namespace vigil::console {
namespace {

constexpr std::size_t kHashBytes = 32;
// Bounds a config line can ask for: a typo must not make each login take
// gigabytes of memory.
constexpr std::uint64_t kMaxN = 1U << 20;
constexpr std::uint64_t kMaxMemory = 1ULL << 30;

std::optional<std::string> scrypt(std::string_view password, std::string_view salt,
                                  const ScryptCost& cost) {
  std::string out(kHashBytes, '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), cost.n,
                     cost.r, cost.p, kMaxMemory, reinterpret_cast<unsigned char*>(out.data()),
                     out.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

struct Parsed {
  ScryptCost cost;
  std::string salt;
  std::string hash;
};

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<Parsed> parse(std::string_view encoded) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dollar = encoded.find('$');
    parts.push_back(encoded.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    encoded.remove_prefix(dollar + 1);
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return std::nullopt;
  const auto n = number(parts[1]);
  const auto r = number(parts[2]);
  const auto p = number(parts[3]);
  if (!n || !r || !p || *n < 2 || *n > kMaxN || (*n & (*n - 1)) != 0 || *r < 1 || *r > 32 ||
      *p < 1 || *p > 16) {
    return std::nullopt;
  }
  auto salt = base64_decode(parts[4]);
  auto hash = base64_decode(parts[5]);
  if (!salt || !hash || salt->size() < 8 || hash->size() != kHashBytes) return std::nullopt;
  return Parsed{{*n, *r, *p}, std::move(*salt), std::move(*hash)};
}

}  // namespace

std::string hash_password(std::string_view password, ScryptCost cost) {
  std::string salt(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), 16) != 1) {
    throw std::runtime_error("no random bytes for a password salt");
  }
  const auto hash = scrypt(password, salt, cost);
  if (!hash) throw std::runtime_error("scrypt failed");
  return "scrypt$" + std::to_string(cost.n) + "$" + std::to_string(cost.r) + "$" +
         std::to_string(cost.p) + "$" + base64_encode(salt) + "$" + base64_encode(*hash);
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const auto parsed = parse(encoded);
  if (!parsed) return false;
  const auto hash = scrypt(password, parsed->salt, parsed->cost);
  return hash && CRYPTO_memcmp(hash->data(), parsed->hash.data(), kHashBytes) == 0;
}

bool is_password_hash(std::string_view encoded) {
  return parse(encoded).has_value();
}

}  // namespace vigil::console
