// Ed25519 for signed commands (signed_command.hpp), through OpenSSL's EVP
// one-shot DigestSign/DigestVerify (Ed25519 hashes internally: no digest).
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "vigil/mqtt/signed_command.hpp"

namespace vigil::mqtt {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Pkey private_key(std::string_view seed) {
  if (seed.size() != kEd25519KeyBytes) throw std::runtime_error("an Ed25519 seed is 32 bytes");
  Pkey key{EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(seed), seed.size())};
  if (!key) throw std::runtime_error("OpenSSL refused the Ed25519 seed");
  return key;
}

}  // namespace

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
  if (public_key.size() != kEd25519KeyBytes || signature.size() != kEd25519SignatureBytes) {
    return false;
  }
  Pkey key{
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), public_key.size())};
  MdCtx ctx{EVP_MD_CTX_new()};
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message),
                          message.size()) == 1;
}

std::string ed25519_sign(std::string_view seed, std::string_view message) {
  const Pkey key = private_key(seed);
  MdCtx ctx{EVP_MD_CTX_new()};
  std::string sig(kEd25519SignatureBytes, '\0');
  std::size_t size = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, bytes(message),
                     message.size()) != 1 ||
      size != sig.size()) {
    throw std::runtime_error("OpenSSL could not sign with Ed25519");
  }
  return sig;
}

std::string ed25519_public_key(std::string_view seed) {
  const Pkey key = private_key(seed);
  std::string out(kEd25519KeyBytes, '\0');
  std::size_t size = out.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(out.data()), &size) !=
          1 ||
      size != out.size()) {
    throw std::runtime_error("OpenSSL could not derive the Ed25519 public key");
  }
  return out;
}

std::string ed25519_new_seed() {
  std::string seed(kEd25519KeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), static_cast<int>(seed.size())) !=
      1) {
    throw std::runtime_error("OpenSSL has no randomness for a key");
  }
  return seed;
}

}  // namespace vigil::mqtt
