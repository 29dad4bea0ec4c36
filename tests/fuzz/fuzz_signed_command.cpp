// The signed MQTT command parser (docs/commands.md): any bytes from the
// broker are a command or a bad_request with a reason, never a crash; an
// accepted body re-serialised by vigilctl's formatter parses to the same
// fields; and strict base64 round-trips whatever it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vigil/core/base64.hpp"
#include "vigil/mqtt/signed_command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::mqtt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const SignedCommand parsed = parse_signed_command(text);
  if (parsed.code == CommandCode::ok) {
    if (parsed.signature.size() != kEd25519SignatureBytes) __builtin_trap();
    // The same fields through vigilctl's formatter, with any signature.
    const std::string body = format_command_body(parsed.body);
    SignedCommand round;
    {
      std::string envelope = R"({"v":1,"body":")";
      for (char c : body) {
        if (c == '"' || c == '\\') envelope.push_back('\\');
        envelope.push_back(c);
      }
      envelope += R"(","sig":")" + vigil::core::base64_encode(std::string(64, 'x')) + R"("})";
      round = parse_signed_command(envelope);
    }
    if (round.code != CommandCode::ok || round.body.id != parsed.body.id ||
        round.body.cmd != parsed.body.cmd || round.body.nonce != parsed.body.nonce ||
        round.body.ts_ms != parsed.body.ts_ms || round.body.zone != parsed.body.zone ||
        round.body.door != parsed.body.door || round.body.seconds != parsed.body.seconds) {
      __builtin_trap();
    }
  } else if (parsed.message.empty()) {
    __builtin_trap();
  }
  // Replies built from whatever the parser kept are always JSON.
  CommandReply reply;
  reply.id = parsed.id.value_or("x");
  reply.cmd = parsed.cmd.value_or("");
  reply.code = parsed.code;
  reply.message = std::string(text.substr(0, 64));
  if (format_command_reply(reply).empty()) __builtin_trap();
  if (auto decoded = vigil::core::base64_decode(text)) {
    if (vigil::core::base64_encode(*decoded) != text) __builtin_trap();
  }
  return 0;
}
