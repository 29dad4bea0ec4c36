// Standard base64 (RFC 4648, alphabet "+/", padded) for keys and signatures
// that cross a config file or the network: decoding is strict (canonical
// padding, zero unused bits, no blanks), so every value has one spelling
// and a malformed one is refused rather than guessed at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::core {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not canonical padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace vigil::core
