#include "vigil/console/signed_command.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "base64.hpp"

namespace vigil::console {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey private_key(const std::string& seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!key) throw std::runtime_error("OpenSSL refused an Ed25519 seed");
  return key;
}

}  // namespace

std::optional<OperatorKey> OperatorKey::load(const std::filesystem::path& file,
                                             std::string& error) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    error = file.string() + ": cannot read the key file";
    return std::nullopt;
  }
  // The seed signs in the operator's name: a key others can read is not theirs.
  if ((st.st_mode & 077) != 0) {
    error = file.string() + ": the key file must be readable by its owner only (chmod 600)";
    return std::nullopt;
  }
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    error = file.string() + ": cannot read the key file";
    return std::nullopt;
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  const auto seed = base64_decode(line);
  if (!seed || seed->size() != 32) {
    error = file.string() + ": not a base64 Ed25519 seed of 32 bytes";
    return std::nullopt;
  }
  return OperatorKey(*seed);
}

std::optional<OperatorKey> OperatorKey::from_seed(std::string_view seed32) {
  if (seed32.size() != 32) return std::nullopt;
  return OperatorKey(std::string(seed32));
}

OperatorKey OperatorKey::generate() {
  std::string seed(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), 32) != 1) {
    throw std::runtime_error("no random bytes for a key");
  }
  return OperatorKey(seed);
}

std::string OperatorKey::seed_base64() const {
  return base64_encode(seed_);
}

std::string OperatorKey::public_key_base64() const {
  const auto key = private_key(seed_);
  std::string pub(32, '\0');
  std::size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) !=
      1) {
    throw std::runtime_error("OpenSSL could not derive the public key");
  }
  return base64_encode(pub);
}

std::string OperatorKey::sign(std::string_view message) const {
  const auto key = private_key(seed_);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  return sig;
}

SignedCommand sign_command(const BrowserCommand& command, std::string_view topic_root,
                           std::string_view operator_user, const OperatorKey& key,
                           std::int64_t unix_ms, std::string_view nonce_hex, std::string_view id) {
  const nlohmann::json body{{"v", 1},
                            {"id", id},
                            {"operator", operator_user},
                            {"cmd", command.cmd},
                            {"site", command.site},
                            {"gateway", command.gateway},
                            {"ts", unix_ms},
                            {"nonce", nonce_hex},
                            {"args", command.args}};
  const std::string body_text = body.dump();
  const nlohmann::json payload{
      {"v", 1}, {"body", body_text}, {"sig", base64_encode(key.sign(body_text))}};
  const std::string prefix =
      std::string(topic_root) + "/v1/" + command.site + "/" + command.gateway + "/";
  return SignedCommand{std::string(id), prefix + "cmd/" + command.cmd, payload.dump(),
                       prefix + "reply/" + std::string(id)};
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("no random bytes");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace vigil::console
