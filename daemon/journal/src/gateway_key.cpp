#include "vigil/journal/gateway_key.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

PublicKey raw_public(EVP_PKEY* key) {
  PublicKey out{};
  std::size_t size = out.size();
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &size) != 1 || size != out.size()) {
    throw std::runtime_error("OpenSSL: cannot read the Ed25519 public key");
  }
  return out;
}

void write_new_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  // O_EXCL: a second start racing the first cannot replace its key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::filesystem::path private_key_path(const std::filesystem::path& db) {
  return db.string() + ".key";
}
std::filesystem::path public_key_path(const std::filesystem::path& db) {
  return db.string() + ".pub";
}
std::filesystem::path checkpoint_path(const std::filesystem::path& db) {
  return db.string() + ".checkpoint";
}

GatewayKey::GatewayKey(evp_pkey_st* key) : key_(key), public_(raw_public(key)) {}

GatewayKey::GatewayKey(GatewayKey&& other) noexcept : key_(other.key_), public_(other.public_) {
  other.key_ = nullptr;
}

GatewayKey& GatewayKey::operator=(GatewayKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    key_ = other.key_;
    public_ = other.public_;
    other.key_ = nullptr;
  }
  return *this;
}

GatewayKey::~GatewayKey() {
  EVP_PKEY_free(key_);
}

GatewayKey GatewayKey::load(const std::filesystem::path& private_path) {
  const std::string pem = read_file(private_path);
  if (pem.empty()) throw std::runtime_error("no gateway key at " + private_path.string());
  Bio bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  Pkey key{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    throw std::runtime_error(private_path.string() + ": not an Ed25519 private key (PKCS#8 PEM)");
  }
  return GatewayKey{key.release()};
}

GatewayKey GatewayKey::load_or_create(const std::filesystem::path& private_path,
                                      const std::filesystem::path& public_path) {
  std::error_code ec;
  if (!std::filesystem::exists(private_path, ec)) {
    Pkey key{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")};
    if (!key) throw std::runtime_error("OpenSSL: cannot generate an Ed25519 key");
    Bio bio{BIO_new(BIO_s_mem())};
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                      nullptr) != 1) {
      throw std::runtime_error("OpenSSL: cannot encode the gateway key");
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    write_new_file(private_path, std::string(data, static_cast<std::size_t>(size)), 0600);
  }
  GatewayKey key = load(private_path);
  if (!std::filesystem::exists(public_path, ec)) {
    write_new_file(public_path, public_key_pem(key.public_key()), 0644);
  }
  return key;
}

Signature GatewayKey::sign(std::span<const std::uint8_t> message) const {
  Signature out{};
  std::size_t size = out.size();
  MdCtx ctx{EVP_MD_CTX_new()};
  // Ed25519 hashes internally: no digest is named (NULL md).
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), out.data(), &size, message.data(), message.size()) != 1 ||
      size != out.size()) {
    throw std::runtime_error("OpenSSL: Ed25519 signing failed");
  }
  return out;
}

bool verify_signature(const PublicKey& key, std::span<const std::uint8_t> message,
                      const Signature& signature) {
  Pkey pkey{EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size())};
  MdCtx ctx{EVP_MD_CTX_new()};
  if (!pkey || !ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

std::string key_id(const PublicKey& key) {
  const Hash digest = RowHasher{}.sha256(key);
  return to_hex(std::span<const std::uint8_t>(digest.data(), 8));
}

std::string public_key_pem(const PublicKey& key) {
  Pkey pkey{EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size())};
  Bio bio{BIO_new(BIO_s_mem())};
  if (!pkey || !bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    throw std::runtime_error("OpenSSL: cannot encode the public key");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::optional<PublicKey> read_public_key(const std::filesystem::path& path) {
  const std::string pem = read_file(path);
  if (pem.empty()) return std::nullopt;
  Bio bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  Pkey key{PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)};
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return std::nullopt;
  return raw_public(key.get());
}

}  // namespace vigil::journal
