// Signed operator commands over MQTT (issue 11 item 4; the wire contract is
// docs/commands.md): the payload parser, the Ed25519 signature and the
// reply. Pure of sockets: vigild's CommandLink carries the bytes and
// app::MqttCommands decides; vigilctl `command send` builds the same
// payloads. parse_signed_command() reads outside input: bounded, never
// throws, every malformed payload is a bad_request (fuzzed: tests/fuzz).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::mqtt {

inline constexpr std::size_t kMaxCommandPayload = 16 * 1024;
inline constexpr std::size_t kEd25519KeyBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

// The answer's code, in the order vigild checks (the first failure wins).
enum class CommandCode {
  ok,
  bad_request,
  unknown_operator,
  bad_signature,
  wrong_target,
  stale,
  replay,
  role,
  scope,
  failed,
};
const char* to_string(CommandCode code);

// incident-ack, incident-resolve, lockdown-set, lockdown-release,
// door-unlock, zone-arm, zone-disarm, fire-reset.
const std::vector<std::string>& command_names();

struct CommandBody {
  std::string id;
  std::string operator_name;
  std::string cmd;
  std::string site;
  std::string gateway;
  std::int64_t ts_ms = 0;  // Unix time in ms when signed
  std::string nonce;       // 32 lowercase hex
  // args, by command (empty / 0 when the command has none of them)
  std::string incident;
  std::optional<std::string> note;
  std::string zone;
  std::string door;
  std::int64_t seconds = 0;
};

struct SignedCommand {
  CommandCode code = CommandCode::ok;  // ok or bad_request
  std::string message;                 // why bad_request
  std::string body_bytes;              // exactly the signed bytes
  std::string signature;               // 64 raw bytes when ok
  CommandBody body;                    // complete when ok
  // What a bad request still told (the reply goes to reply/<id> only when
  // the id is known and well formed).
  std::optional<std::string> id;
  std::optional<std::string> operator_name;
  std::optional<std::string> cmd;
};
SignedCommand parse_signed_command(std::string_view payload);

// The body as vigilctl serialises it (docs/commands.md); args per cmd.
std::string format_command_body(const CommandBody& body);
// {"v":1,"body":...,"sig":base64(sign(seed, body))}
std::string format_signed_command(std::string_view body_json, std::string_view seed);

struct CommandReply {
  std::string id;
  std::string cmd;
  std::optional<std::string> operator_name;
  CommandCode code = CommandCode::ok;
  std::string message;
  std::optional<std::uint64_t> seq;  // the journal record of the command
};
std::string format_command_reply(const CommandReply& reply);

// Ed25519 through OpenSSL's EVP: raw 32-byte keys and seeds, 64-byte
// signatures. verify never throws (false on any malformed input); sign and
// the key functions throw std::runtime_error when OpenSSL fails.
bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature);
std::string ed25519_sign(std::string_view seed, std::string_view message);
std::string ed25519_public_key(std::string_view seed);
std::string ed25519_new_seed();  // 32 random bytes (RAND_bytes)

}  // namespace vigil::mqtt
