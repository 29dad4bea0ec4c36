// The gateway's Ed25519 signing key (docs/journal.md, "Signed checkpoints").
// The private key lives next to the journal as PKCS#8 PEM, mode 0600, created
// on first start with O_EXCL so two starts cannot race to different keys; the
// public key is written beside it as SubjectPublicKeyInfo PEM for inspectors.
// The key id is the first 8 bytes of SHA-256 of the 32 raw public key bytes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace vigil::journal {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

// `<db>.key`, `<db>.pub` and `<db>.checkpoint`: the files kept beside a journal.
std::filesystem::path private_key_path(const std::filesystem::path& db);
std::filesystem::path public_key_path(const std::filesystem::path& db);
std::filesystem::path checkpoint_path(const std::filesystem::path& db);

class GatewayKey {
 public:
  // Loads `private_path`, or creates a new key there (mode 0600) if the file
  // does not exist; (re)writes `public_path` when it is missing. Throws
  // std::runtime_error on an unreadable or non-Ed25519 key.
  static GatewayKey load_or_create(const std::filesystem::path& private_path,
                                   const std::filesystem::path& public_path);
  // Throws std::runtime_error if the file is missing or not an Ed25519 key.
  static GatewayKey load(const std::filesystem::path& private_path);

  GatewayKey(GatewayKey&& other) noexcept;
  GatewayKey& operator=(GatewayKey&& other) noexcept;
  GatewayKey(const GatewayKey&) = delete;
  GatewayKey& operator=(const GatewayKey&) = delete;
  ~GatewayKey();

  const PublicKey& public_key() const { return public_; }
  Signature sign(std::span<const std::uint8_t> message) const;

 private:
  explicit GatewayKey(evp_pkey_st* key);
  evp_pkey_st* key_;
  PublicKey public_{};
};

bool verify_signature(const PublicKey& key, std::span<const std::uint8_t> message,
                      const Signature& signature);
// 16 lowercase hex digits: the first 8 bytes of SHA-256(raw public key).
std::string key_id(const PublicKey& key);
// SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
std::string public_key_pem(const PublicKey& key);
// Reads a public key PEM file; nullopt if missing, unreadable or not Ed25519.
std::optional<PublicKey> read_public_key(const std::filesystem::path& path);

}  // namespace vigil::journal
