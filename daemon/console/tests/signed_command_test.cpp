// Commands as the gateway receives them (COMMANDS.md): the exact body bytes
// are signed with the operator's key and verify with their public key.
#include "vigil/console/signed_command.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>

#include "vigil/testing/temp_dir.hpp"

namespace vigil::console::signed_command_test {

using nlohmann::json;

std::string unbase64(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n) - (text.ends_with("==")  ? 2
                                            : text.ends_with("=") ? 1
                                                                  : 0));
  return out;
}

bool verifies(const std::string& public_b64, const std::string& message, const std::string& sig) {
  const auto pub = unbase64(public_b64);
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(pub.data()), pub.size());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

BrowserCommand ack() {
  return BrowserCommand{"r1", "incident-ack", "hq", "gw1", json{{"incident", "17"}}};
}

TEST(SignedCommand, BodyNamesOperatorTargetTimeAndNonceAndIsSignedByTheOperator) {
  const auto key = OperatorKey::generate();
  const auto c = sign_command(ack(), "acme/vigil", "ben", key, 1'790'000'000'123,
                              "00112233445566778899aabbccddeeff", "c42");
  EXPECT_EQ(c.topic, "acme/vigil/v1/hq/gw1/cmd/incident-ack");
  EXPECT_EQ(c.reply_topic, "acme/vigil/v1/hq/gw1/reply/c42");
  const auto payload = json::parse(c.payload);
  EXPECT_EQ(payload["v"], 1);
  const std::string body_text = payload["body"];
  const auto body = json::parse(body_text);
  EXPECT_EQ(body, (json{{"v", 1},
                        {"id", "c42"},
                        {"operator", "ben"},
                        {"cmd", "incident-ack"},
                        {"site", "hq"},
                        {"gateway", "gw1"},
                        {"ts", 1'790'000'000'123},
                        {"nonce", "00112233445566778899aabbccddeeff"},
                        {"args", {{"incident", "17"}}}}));
  const auto sig = unbase64(payload["sig"]);
  ASSERT_EQ(sig.size(), 64U);
  EXPECT_TRUE(verifies(key.public_key_base64(), body_text, sig));
  EXPECT_FALSE(verifies(key.public_key_base64(), body_text + " ", sig));
  EXPECT_FALSE(verifies(OperatorKey::generate().public_key_base64(), body_text, sig));
}

TEST(SignedCommand, NoncesAndIdsAreFreshHex) {
  const auto a = random_hex(16);
  EXPECT_EQ(a.size(), 32U);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, random_hex(16));
}

TEST(OperatorKeyFile, LoadsAPrivateSeedAndRefusesOneOthersCanRead) {
  vigil::testing::TempDir dir("console-key");
  const auto key = OperatorKey::generate();
  const auto file = dir.path() / "ben.key";
  std::ofstream(file) << key.seed_base64() << "\n";
  namespace fs = std::filesystem;
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  std::string error;
  const auto loaded = OperatorKey::load(file, error);
  ASSERT_TRUE(loaded.has_value()) << error;
  EXPECT_EQ(loaded->public_key_base64(), key.public_key_base64());

  fs::permissions(file, fs::perms::group_read, fs::perm_options::add);
  EXPECT_FALSE(OperatorKey::load(file, error).has_value());
  EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;

  const auto short_seed = dir.path() / "short.key";
  std::ofstream(short_seed) << "AAAA\n";
  fs::permissions(short_seed, fs::perms::owner_read, fs::perm_options::replace);
  EXPECT_FALSE(OperatorKey::load(short_seed, error).has_value());
  EXPECT_NE(error.find("32 bytes"), std::string::npos) << error;
  EXPECT_FALSE(OperatorKey::load(dir.path() / "missing.key", error).has_value());
}

}  // namespace vigil::console::signed_command_test
