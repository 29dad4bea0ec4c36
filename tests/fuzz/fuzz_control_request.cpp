// vigild's control socket request parser: any bytes from a local peer get a
// request or an error message, never a crash; a request it accepts
// survives format -> parse unchanged, and so does any reply.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "vigil/ctl/control_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::ctl;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_request(text);
  if (auto* request = std::get_if<ControlRequest>(&parsed)) {
    auto again = parse_request(format_request(*request));
    auto* same = std::get_if<ControlRequest>(&again);
    if (same == nullptr || same->argv != request->argv || same->files != request->files) {
      __builtin_trap();
    }
  } else if (std::get<std::string>(parsed).empty()) {
    __builtin_trap();
  }
  // Whatever the bytes, a reply carrying them as output round-trips its code.
  auto reply = parse_reply(format_reply({7, std::string(text), ""}));
  if (!std::holds_alternative<ControlReply>(reply) || std::get<ControlReply>(reply).rc != 7) {
    __builtin_trap();
  }
  std::string decoded;
  if (base64_decode(text, decoded) && base64_encode(decoded) != text) __builtin_trap();
  return 0;
}
