// Standard base64 (with padding) over OpenSSL's EVP block coder, for the
// console's password hashes, key files and command signatures.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::console {

std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace vigil::console
