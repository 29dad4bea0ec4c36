// Signed MQTT commands as the console sends them (COMMANDS.md, docs/mqtt.md):
// the body names the operator, target, time and a fresh nonce, is signed with
// the operator's Ed25519 key, and goes to <root>/v1/<site>/<gateway>/cmd/<name>;
// the gateway answers on .../reply/<id>.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/console/browser_request.hpp"

namespace vigil::console {

// An operator's Ed25519 private key: a raw 32-byte seed, base64, in a file
// nobody but its owner may read (mode 0600 or stricter).
class OperatorKey {
 public:
  // nullopt, with why in `error`, for a missing, unreadable, group- or
  // world-readable file, or one that is not a base64 32-byte seed.
  static std::optional<OperatorKey> load(const std::filesystem::path& file, std::string& error);
  static std::optional<OperatorKey> from_seed(std::string_view seed32);
  // A fresh key (vigil-console keygen, tests).
  static OperatorKey generate();

  std::string seed_base64() const;
  std::string public_key_base64() const;             // what the site config's `public_key` holds
  std::string sign(std::string_view message) const;  // 64 raw bytes

 private:
  explicit OperatorKey(std::string seed) : seed_(std::move(seed)) {}
  std::string seed_;
};

struct SignedCommand {
  std::string id;
  std::string topic;    // .../cmd/<name>
  std::string payload;  // {"v":1,"body":...,"sig":...}
  std::string reply_topic;
};

// Pure: every varying part is given, so tests pin the exact bytes.
SignedCommand sign_command(const BrowserCommand& command, std::string_view topic_root,
                           std::string_view operator_user, const OperatorKey& key,
                           std::int64_t unix_ms, std::string_view nonce_hex, std::string_view id);

// 16 random bytes as 32 lowercase hex characters (nonces, command ids, session tokens).
std::string random_hex(std::size_t bytes = 16);

}  // namespace vigil::console
