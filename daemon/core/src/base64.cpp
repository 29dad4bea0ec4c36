#include "vigil/core/base64.hpp"

#include <cstdint>

namespace vigil::core {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (left > 1) group |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    if (left > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
    text.push_back(kAlphabet[(group >> 18) & 63]);
    text.push_back(kAlphabet[(group >> 12) & 63]);
    text.push_back(left > 1 ? kAlphabet[(group >> 6) & 63] : '=');
    text.push_back(left > 2 ? kAlphabet[group & 63] : '=');
  }
  return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (j >= 4 - pad) {
        group <<= 6;
        continue;
      }
      const auto at = kAlphabet.find(c);
      if (at == std::string_view::npos) return std::nullopt;  // also '=' inside
      group = (group << 6) | static_cast<std::uint32_t>(at);
    }
    const std::uint32_t unused = pad == 2 ? 0xFFFFu : pad == 1 ? 0xFFu : 0u;
    if ((group & unused) != 0) return std::nullopt;
    for (std::size_t k = 0; k < 3 - pad; ++k) {
      out.push_back(static_cast<char>((group >> (16 - 8 * k)) & 0xFFu));
    }
  }
  return out;
}

}  // namespace vigil::core
